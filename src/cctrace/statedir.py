"""Where cctrace keeps its state, and how that folder is created.

Standard library only: the hook entry point imports this. `CCTRACE_HOME` overrides the
default, which is the platform's user-state directory exactly as `platformdirs.user_state_dir
("cctrace")` computes it (a test holds the two together). Directories are created 0700 and
files 0600, because the spool and the store hold prompts and source code.
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


def sub(name: str, root: str | None = None) -> str:
    """A named subfolder of the state dir (spool, logs...), created 0700."""
    return ensure_dir(os.path.join(root or state_dir(), name))
