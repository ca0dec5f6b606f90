"""The worker process's life: single instance, the work loop, idle exit, and being spawned.

One worker at a time holds an flock on `<state>/worker.lock` (its pid is written inside for
`cctrace status`). `run_worker` calls `step(state_dir)` while it reports work or new events
land in the spool, polls briefly when idle and exits after `idle_seconds` without either.
Exiting cannot lose a wake-up: a hook first spools its event, then looks at the lock; the
worker first releases the lock, then looks at the spool once more and takes the lock back
if something arrived. Whichever order the two interleave in, one of them sees the other.

`wake_worker` starts a detached worker (new session, stdio on /dev/null) unless one runs;
the hook calls it after completing events, so this module imports only the standard
library at load time. The interpreter for the worker comes from `<state>/worker.json`
(written by the CLI with `write_worker_info`: the user's own install wins), else the plugin's
private runtime when the caller passes one (`cctrace.install.runtime`), else the caller's
own `sys.executable`. `spawn_detached` is also how the hook starts that runtime's install.
"""

from __future__ import annotations

import fcntl
import os
import sys
import time

from cctrace.spool import layout

TYPE_CHECKING = False  # `typing` and `collections` cost the hook ~1-10 ms to import
if TYPE_CHECKING:
    from collections.abc import Callable

LOCK_NAME = "worker.lock"
INFO_NAME = "worker.json"
LOG_NAME = "worker"
DEFAULT_IDLE_SECONDS = 2.0
_CLOEXEC = getattr(os, "O_CLOEXEC", 0)


def package_root() -> str:
    """The folder that contains the `cctrace` package (what the worker needs on sys.path)."""
    return os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def _lock_path(state_dir: str) -> str:
    return os.path.join(state_dir, LOCK_NAME)


# --- worker interpreter -----------------------------------------------------------------


def write_worker_info(
    state_dir: str, python: str | None = None, pythonpath: str | None = None
) -> str:
    """Record which interpreter runs the worker (default: the caller's, with its deps).

    Called by the CLI, which runs under an interpreter that has cctrace's dependencies; the
    hook may run under a bare `python3 -S` and reads this file to find that interpreter.
    Returns the file's path.
    """
    import json

    from cctrace import statedir

    statedir.ensure_dir(state_dir)
    info: dict[str, object] = {
        "python": os.path.abspath(python or sys.executable),
        "pythonpath": package_root() if pythonpath is None else pythonpath,
    }
    # The session bus of the user's own shell, where the keychain is: the worker uses it
    # instead of what a session's environment says (see BUS_ENV).
    bus = {n: os.environ[n] for n in BUS_ENV if os.environ.get(n)}
    if bus:
        info["bus"] = bus
    path = os.path.join(state_dir, INFO_NAME)
    tmp = f"{path}.tmp-{os.getpid()}"
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | _CLOEXEC, 0o600)
    try:
        os.write(fd, (json.dumps(info, indent=2) + "\n").encode("utf-8"))
        os.fsync(fd)
    finally:
        os.close(fd)
    os.replace(tmp, path)
    return path


def read_worker_info(state_dir: str) -> dict[str, str] | None:
    """The contents of `worker.json` if it names an interpreter, else None."""
    from cctrace.spool import jsonlite

    try:
        with open(os.path.join(state_dir, INFO_NAME), "rb") as fh:
            raw = fh.read(65536)
    except OSError:
        return None
    info = jsonlite.loads(raw.decode("utf-8", "replace"))
    if not isinstance(info, dict) or not isinstance(info.get("python"), str):
        return None
    if not info["python"].strip():
        return None
    out: dict = {"python": info["python"].strip()}
    if isinstance(info.get("pythonpath"), str):
        out["pythonpath"] = info["pythonpath"]
    bus = info.get("bus")
    if isinstance(bus, dict):
        out["bus"] = {n: v for n, v in bus.items() if n in BUS_ENV and isinstance(v, str)}
    return out


# What the worker keeps of the environment it is started from (Claude Code's, which a
# repository can shape): locale. Everything else, every CCTRACE_* (the timing knobs are
# `[worker]` in config.toml), PYTHON*, proxies, CA bundles, HOME, PATH and TMPDIR included,
# is dropped.
_KEEP_ENV = frozenset({"LANG", "LANGUAGE", "TZ"})
# The session bus the OS keychain (Secret Service) is reached through. A repository's
# settings `env` could point it at a bus of its own, which would answer the worker's key
# requests (hand it a key, receive a new one); so it never comes from the session: the
# values `cctrace install` saw in the user's shell (`worker.json` "bus"), else the
# account's standard places (`/run/user/<uid>`), when they exist.
BUS_ENV = ("DBUS_SESSION_BUS_ADDRESS", "XDG_RUNTIME_DIR")


RUN_BASE = "/run/user"


def account_bus() -> dict[str, str]:
    """The account's standard session bus and runtime folder, those that exist."""
    run = f"{RUN_BASE}/{os.getuid()}"
    out = {}
    if os.path.exists(os.path.join(run, "bus")):
        out["DBUS_SESSION_BUS_ADDRESS"] = f"unix:path={run}/bus"
    if os.path.isdir(run):
        out["XDG_RUNTIME_DIR"] = run
    return out
# The worker's PATH, whatever the session's: libraries run programs found on it (keyring's
# macOS backend, imported on every platform, has ctypes.util.find_library run `gcc`, `ld`
# or `objdump`), and a repository's `.claude/settings.json` env sets the session's PATH.
SAFE_PATH = "/usr/local/bin:/usr/bin:/bin"
# Values of secret-looking variables stay: the redactor learns them (never used otherwise).
_SECRET_NAME_PARTS = ("KEY", "TOKEN", "SECRET", "PASSWORD", "PASSWD", "PASS", "PWD",
                      "CREDENTIAL", "AUTH")
# ... under a name of ours, never their own: by its own name any library may act on one
# (urllib3 writes the TLS session keys of every request to `SSLKEYLOGFILE`, keyring takes
# `KEYRING_PROPERTY_*`), and a repository chooses them. The redactor reads values, not names.
LEARN_PREFIX = "CCTRACE_LEARN_"


def worker_env(environ: dict[str, str], state_dir: str,
               bus: dict[str, str] | None = None) -> dict[str, str]:
    """The worker's environment: only what it needs, the pinned state dir and the session
    bus `bus` (None: `account_bus()`), never the session's own."""
    from cctrace import statedir

    env = {}
    for name, value in environ.items():
        upper = name.upper()
        if name in _KEEP_ENV:
            env[name] = value
            continue
        if upper.startswith(("PYTHON", "CCTRACE_")):
            continue
        if name.startswith("LC_"):
            env[name] = value
        elif any(p in upper for p in _SECRET_NAME_PARTS) and upper not in ("PWD", "OLDPWD"):
            env[LEARN_PREFIX + name] = value
    env.update(account_bus() if bus is None else bus)
    env["PATH"] = SAFE_PATH
    env["HOME"] = statedir.account_home()
    env["CCTRACE_HOME"] = state_dir
    return env


def worker_command(
    state_dir: str, environ: dict[str, str] | None = None,
    runtime: tuple[str, str] | None = None,
) -> tuple[list[str], dict[str, str]]:
    """argv and environment that start the worker for `state_dir`.

    The interpreter and the package folder come from `worker.json` (written by
    `cctrace install`, in the state dir the user owns), else `runtime` (the plugin's
    venv python and plugin folder), else this process's. Isolated mode
    (`-I`): no PYTHON* variable, user site or cwd can put a module on its path; the
    package folder is added by the command itself.
    """
    info = read_worker_info(state_dir)
    env = worker_env(dict(os.environ if environ is None else environ), state_dir,
                     info.get("bus") if info else None)
    python: str | None = None
    pythonpath: str | None = package_root()
    if info and (runtime is None or os.path.isfile(info["python"])):
        python = info["python"]
        pythonpath = info.get("pythonpath", pythonpath)
    elif runtime:
        python, pythonpath = runtime
    if not python:
        python = sys.executable or "python3"
    boot = ("import sys; sys.path.insert(0, sys.argv[1]) if sys.argv[1] else None; "
            "from cctrace.worker.__main__ import main; sys.exit(main(sys.argv[2:]))")
    return [python, "-I", "-c", boot, pythonpath or "", "--state-dir", state_dir], env


# --- is one running, start one -----------------------------------------------------------


def is_worker_running(state_dir: str) -> bool:
    """True while some process holds the worker lock."""
    return lock_held(_lock_path(state_dir))


def lock_held(path: str) -> bool:
    """True while some process holds an exclusive flock on `path` (missing file: False)."""
    try:
        fd = os.open(path, os.O_RDONLY | _CLOEXEC)
    except OSError:
        return False
    try:
        # A shared probe: it fails against an exclusive lock and costs nothing else.
        fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    except OSError:
        return False
    finally:
        os.close(fd)
    return False


def worker_pid(state_dir: str) -> int | None:
    """The running worker's pid, or None when no worker runs."""
    if not is_worker_running(state_dir):
        return None
    try:
        with open(_lock_path(state_dir), "rb") as fh:
            raw = fh.read(32).strip()
    except OSError:
        return None
    return int(raw) if raw.isdigit() else None


def spawn_worker(state_dir: str, runtime: tuple[str, str] | None = None) -> int:
    """Start a detached worker and return its pid; raises OSError if it cannot start.

    The worker starts in the state dir so that nothing in the user's project folder can
    shadow a module on its sys.path.
    """
    argv, env = worker_command(state_dir, runtime=runtime)
    return spawn_detached(argv, env, state_dir)


def spawn_detached(argv: list[str], env: dict[str, str], cwd: str) -> int:
    """posix_spawn `argv` in its own session from `cwd`; returns its pid, raises OSError.

    setsid: Claude Code's kill of the hook's process group does not reach it, and it holds
    none of the hook's pipes (stdio is /dev/null), so Claude Code never waits on it.
    """
    import _signal

    actions = [
        (os.POSIX_SPAWN_OPEN, 0, os.devnull, os.O_RDONLY, 0),
        (os.POSIX_SPAWN_OPEN, 1, os.devnull, os.O_WRONLY, 0),
        (os.POSIX_SPAWN_OPEN, 2, os.devnull, os.O_WRONLY, 0),
    ]
    try:
        back = os.open(".", os.O_RDONLY | _CLOEXEC)
    except OSError:
        back = None
    os.chdir(cwd)
    try:
        return os.posix_spawnp(
            argv[0], argv, env, file_actions=actions, setsid=True,
            # The hook ignores SIGXFSZ; do not hand that on to the worker.
            setsigdef=(_signal.SIGXFSZ,),
        )
    finally:
        if back is not None:
            try:
                os.fchdir(back)
            finally:
                os.close(back)


def wake_worker(state_dir: str, runtime: tuple[str, str] | None = None) -> bool:
    """Make sure a worker will look at the spool. True if this call started a new worker.

    A running worker polls the spool, so nothing needs to be sent to it. `runtime` is the
    plugin's (python, package folder), used when no `worker.json` names one. Never raises: a
    failed spawn is logged to `<state>/logs/worker.log` and reported as False.
    """
    try:
        if is_worker_running(state_dir):
            return False
        spawn_worker(state_dir, runtime)
        return True
    except Exception as exc:  # noqa: BLE001 - called from the hook, which must not fail
        log_exception(state_dir, "cannot start the worker", exc)
        return False


# --- the worker loop ---------------------------------------------------------------------


def _acquire(state_dir: str, attempts: int = 3) -> int | None:
    from cctrace import statedir

    statedir.ensure_dir(state_dir)
    fd = os.open(_lock_path(state_dir), os.O_RDWR | os.O_CREAT | _CLOEXEC, 0o600)
    for attempt in range(attempts):
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            # A few ms of patience: `is_worker_running` probes hold the lock for microseconds.
            if attempt + 1 < attempts:
                time.sleep(0.005)
            continue
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode("ascii"), 0)
        return fd
    os.close(fd)
    return None


def _release(fd: int) -> None:
    try:
        os.ftruncate(fd, 0)
    except OSError:
        pass
    os.close(fd)


def describe_exception(exc: BaseException) -> str:
    """Type, errno and code location of an exception, without its message.

    Messages can quote the data being processed (prompts, tool output), so they stay out
    of logs; the frames say where it failed, which is what fixing it needs.
    """
    import traceback

    kind = f"{type(exc).__module__}.{type(exc).__qualname__}"
    if isinstance(exc, ImportError) and exc.name:
        kind += f" module={exc.name}"  # a module name, not data: safe and what one needs
    errno = getattr(exc, "errno", None) if isinstance(exc, OSError) else None
    frames = traceback.extract_tb(exc.__traceback__)[-8:]
    where = " <- ".join(
        f"{os.path.basename(f.filename)}:{f.lineno}:{f.name}" for f in reversed(frames)
    )
    return f"{kind}{f' errno={errno}' if errno is not None else ''} at {where or '?'}"


def log_line(state_dir: str, message: str) -> None:
    """Append to the bounded worker log; never raises."""
    try:
        from cctrace.spool import diag

        diag.append_log(state_dir, LOG_NAME, message)
    except Exception:  # noqa: BLE001 - logging must never take the worker down
        pass


def log_exception(state_dir: str, what: str, exc: BaseException) -> None:
    log_line(state_dir, f"{what}: {describe_exception(exc)}")


# Store quarantines one worker process may do (see `_recover_store`).
MAX_RECOVERIES = 3
_recoveries = 0


def _recover_store(state_dir: str, exc: BaseException | None = None) -> bool:
    """Quarantine a corrupt store (see `cctrace.store.recover`); True if one was moved aside.

    Without this a damaged database makes every step fail, the spool grows and nothing is
    recorded again. Called at start-up and when a step raises a corruption error.
    """
    try:
        from cctrace.store import recover

        global _recoveries
        if _recoveries >= MAX_RECOVERIES:
            return False  # the disk keeps corrupting fresh stores: back off like any failure
        if exc is not None:
            if not recover.is_corruption(exc):
                return False
            _recoveries += 1
            recover.quarantine(state_dir, type(exc).__name__)
            return True
        moved = recover.check_store(state_dir) is not None
        _recoveries += moved
        return moved
    except Exception as err:  # noqa: BLE001 - recovery must never take the worker down
        log_exception(state_dir, "store check failed", err)
        return False


def run_worker(
    state_dir: str,
    step: Callable[[str], bool],
    idle_seconds: float = DEFAULT_IDLE_SECONDS,
    max_seconds: float | None = None,
    *,
    poll_seconds: float = 0.05,
    max_failures: int = 6,
    backoff_base: float = 0.5,
    backoff_cap: float = 30.0,
) -> int:
    """Run the worker loop in this process; returns the exit code.

    Returns 0 at once if another worker holds the lock, 0 after `idle_seconds` without work
    or after `max_seconds` in all (but never before one step), and 1 after `max_failures`
    consecutive failing steps (each followed by an exponential back-off, so a broken step
    never spins; the next completing event starts a fresh worker). New events count as
    activity even while `step` reports no work, so a step that cannot make progress ends in
    an idle exit, not a spin.
    """
    fd = _acquire(state_dir)
    if fd is None:
        return 0
    started = last_active = time.monotonic()
    log_line(state_dir, "worker started")
    _recover_store(state_dir)
    failures = 0
    steps = 0
    reason = "idle"
    try:
        signature = layout.pending_signature(state_dir)
        while True:
            # At least one step, however slow the start-up was: a capped worker still works.
            if max_seconds is not None and steps and time.monotonic() - started >= max_seconds:
                reason = "max_seconds"
                return 0
            try:
                steps += 1
                did = bool(step(state_dir))
                now_signature = layout.pending_signature(state_dir)
            except Exception as exc:  # noqa: BLE001 - log, back off, keep going
                if _recover_store(state_dir, exc):
                    continue  # a fresh store: retry the step at once
                failures += 1
                log_exception(state_dir, f"step failed ({failures} in a row)", exc)
                if failures >= max_failures:
                    reason = "too many failures"
                    return 1
                time.sleep(min(backoff_cap, backoff_base * 2 ** (failures - 1)))
                continue
            failures = 0
            if did or now_signature != signature:
                signature = now_signature
                last_active = time.monotonic()
                continue
            if time.monotonic() - last_active < idle_seconds:
                time.sleep(poll_seconds)
                continue
            # Idle: let go, then look once more so an event spooled by a hook that saw the
            # lock still held is not left waiting for the next completing event.
            _release(fd)
            fd = None
            if layout.pending_signature(state_dir) == signature:
                return 0
            fd = _acquire(state_dir)
            if fd is None:
                reason = "handed over"
                return 0
            last_active = time.monotonic()
    finally:
        if fd is not None:
            _release(fd)
        log_line(state_dir, f"worker exiting ({reason})")
