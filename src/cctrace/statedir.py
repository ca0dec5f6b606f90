"""Where cctrace keeps its state, and how that folder is created.

Standard library only: the hook entry point imports this. Two answers, on purpose:
- The CLI, run from the user's own shell, uses `CCTRACE_HOME` if set, else the platform's
  user-state directory exactly as `platformdirs.user_state_dir("cctrace")` computes it (a
  test holds the two together).
- Capture (the hook and the worker it starts) never reads the environment for this: a
  repository can set the environment of a Claude Code session. The hook uses the state dir
  pinned into its command by `cctrace install` / `setup` (`--state-dir DIR`); an unpinned
  hook (the plugin, an older install) uses `capture_default()`, the platform directory under
  the home folder the OS account database names (`HOME` and `XDG_STATE_HOME` are ignored).
Directories are created 0700 and files 0600, because the spool and the store hold prompts
and source code.
"""

from __future__ import annotations

import os
import sys

APP = "cctrace"
DIR_MODE = 0o700
FILE_MODE = 0o600


def default_state_dir() -> str:
    """The platform user-state dir for cctrace, without importing platformdirs."""
    if sys.platform == "darwin":
        return os.path.join(os.path.expanduser("~/Library/Application Support"), APP)
    if sys.platform == "win32":
        base = os.environ.get("LOCALAPPDATA") or os.path.expanduser("~\\AppData\\Local")
        return os.path.join(base, APP, APP)
    base = os.environ.get("XDG_STATE_HOME", "").strip()
    if not base:
        base = os.path.expanduser("~/.local/state")
    return os.path.join(base, APP)


def account_home() -> str:
    """The user's home folder as the OS account database has it (not `$HOME`)."""
    try:
        import pwd

        home = pwd.getpwuid(os.getuid()).pw_dir
        if home and os.path.isabs(home):
            return home
    except (ImportError, KeyError, OSError):
        pass
    return os.path.expanduser("~")


def capture_default() -> str:
    """The state dir of an unpinned hook: the platform default under `account_home()`."""
    home = account_home()
    if sys.platform == "darwin":
        return os.path.join(home, "Library", "Application Support", APP)
    return os.path.join(home, ".local", "state", APP)


def pinned_arg(argv: list[str]) -> str | None:
    """The `--state-dir DIR` / `--state-dir=DIR` of a hook or worker command line, if it
    names an absolute path (a relative one would depend on the session's cwd: ignored)."""
    for i, arg in enumerate(argv):
        value = None
        if arg == "--state-dir" and i + 1 < len(argv):
            value = argv[i + 1]
        elif arg.startswith("--state-dir="):
            value = arg[len("--state-dir="):]
        if value is not None:
            return os.path.normpath(value) if os.path.isabs(value) else None
    return None


def state_dir() -> str:
    """The state dir in force: `CCTRACE_HOME` if set, else the platform default."""
    home = os.environ.get("CCTRACE_HOME", "").strip()
    return os.path.abspath(os.path.expanduser(home)) if home else default_state_dir()


def ensure_dir(path: str) -> str:
    """Create `path` (and parents) with mode 0700; tighten it if it already exists."""
    os.makedirs(path, mode=DIR_MODE, exist_ok=True)
    try:
        if os.stat(path).st_mode & 0o077:
            os.chmod(path, DIR_MODE)
    except OSError:
        pass
    return path


def stamp_due(path: str, now_s: float, interval_s: float) -> bool:
    """Whether a periodic job whose stamp file is `path` is due at `now_s`: never ran (no
    stamp), last ran `interval_s` ago or more, or the stamp lies over a minute in the future
    (the clock was set back: waiting for it would stop the job for as long)."""
    try:
        last = os.stat(path).st_mtime
    except OSError:
        return True
    return now_s - last >= interval_s or last > now_s + 60


def touch_stamp(path: str, now_s: float) -> None:
    """Record at `path` (a 0600 file, its folder created) that a periodic job ran at `now_s`."""
    ensure_dir(os.path.dirname(path))
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, FILE_MODE)
    os.close(fd)
    os.utime(path, (now_s, now_s))


def sub(name: str, root: str | None = None) -> str:
    """A named subfolder of the state dir (spool, logs...), created 0700."""
    return ensure_dir(os.path.join(root or state_dir(), name))
