"""The plugin's private runtime: a venv under `$CLAUDE_PLUGIN_DATA` holding cctrace's dependencies.

A plugin-only machine has Claude Code and a python3 >= 3.10, nothing else of ours. The hook
needs only the standard library, but the worker needs OpenTelemetry, cryptography and the
rest. This module owns that gap. The venv holds the *dependencies only*
(`<plugin>/runtime/requirements.txt`); the worker imports cctrace itself from the plugin's own
folder, the very copy the hook runs, so hook and worker can never be two versions apart and a
plugin upgrade needs no build step. The venv is keyed by a digest of the requirements and the
base interpreter: a plugin version with other requirements, or another python, builds a new one.

`ensure` is the hook's side (stdlib only, one small file read on the events that wake the
worker): it returns the venv's python when the runtime is ready, else starts `main` detached
and returns None; events stay in the spool meanwhile. `main` installs once, under an flock
(a second hook during an install starts nothing), logs to `runtime/bootstrap.log`, records
the outcome in `runtime/status.json` (on failure: the exact reason and the fix, for
`cctrace doctor`), then wakes the worker, which drains everything spooled meanwhile.

Trust: nothing a repository can set chooses what runs. The base interpreter is the one the
plugin's launcher picked (no PATH search), the folder is `CLAUDE_PLUGIN_DATA` (set by Claude
Code for plugin hooks, overriding a project's value), and pip runs isolated
(`python -I -m pip --isolated`) in an environment built here: no `PIP_*`, `PYTHON*`, proxy
or user pip.conf is read. pip still reads the machine-wide `/etc/pip.conf` and
`/etc/xdg/pip/pip.conf` (root's to write), which is where an administrator puts a mirror.
"""

from __future__ import annotations

import os
import sys
import time

from cctrace.worker.lifecycle import SAFE_PATH

RUNTIME_DIR = "runtime"
STATUS_NAME = "status.json"
LOG_NAME = "bootstrap.log"
LOCK_NAME = "bootstrap.lock"
REQUIREMENTS = os.path.join("runtime", "requirements.txt")
MIN_PYTHON = (3, 10)
# A failed install is retried on a later event after this long (or at once by
# `cctrace-plugin bootstrap`); every event retrying would run pip on every Stop.
RETRY_SECONDS = 600.0
PIP_TIMEOUT_S = 900
# What pip and venv get to see of the environment: nothing a session can set (the PATH is
# the worker's own fixed one).
_SAFE_PATH = SAFE_PATH
_CLOEXEC = getattr(os, "O_CLOEXEC", 0)


def runtime_dir(plugin_data: str) -> str:
    return os.path.join(plugin_data, RUNTIME_DIR)


def status_path(plugin_data: str) -> str:
    return os.path.join(runtime_dir(plugin_data), STATUS_NAME)


def log_path(plugin_data: str) -> str:
    return os.path.join(runtime_dir(plugin_data), LOG_NAME)


def digest(plugin_root: str, python: str | None = None) -> str:
    """Key of the runtime this plugin folder wants: its requirements + the base interpreter."""
    # A change detector, not a security check: zlib's checksums cost the hook ~0.3 ms where
    # importing hashlib (OpenSSL) costs several.
    import zlib

    try:
        with open(os.path.join(plugin_root, REQUIREMENTS), "rb") as fh:
            data = fh.read()
    except OSError:
        data = b"<no requirements file>"
    exe = os.path.realpath(python or sys.executable)
    data += f"\0{exe}\0{sys.version_info[0]}.{sys.version_info[1]}".encode()
    return f"{zlib.crc32(data):08x}{zlib.adler32(data):08x}"


def read_status(plugin_data: str) -> dict[str, object] | None:
    """The last recorded bootstrap outcome, or None."""
    from cctrace.spool import jsonlite

    try:
        with open(status_path(plugin_data), "rb") as fh:
            raw = fh.read(65536)
    except OSError:
        return None
    doc = jsonlite.loads(raw.decode("utf-8", "replace"))
    return doc if isinstance(doc, dict) else None


def _write_status(plugin_data: str, **fields: object) -> None:
    import json

    path = status_path(plugin_data)
    os.makedirs(os.path.dirname(path), mode=0o700, exist_ok=True)
    tmp = f"{path}.tmp-{os.getpid()}"
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | _CLOEXEC, 0o600)
    try:
        os.write(fd, (json.dumps({**fields, "at": time.time()}, indent=2) + "\n").encode())
    finally:
        os.close(fd)
    os.replace(tmp, path)


def ready_python(plugin_data: str, plugin_root: str) -> str | None:
    """The runtime's python if it is installed for exactly this plugin folder's digest."""
    st = read_status(plugin_data)
    if not st or st.get("state") != "ready" or st.get("digest") != digest(plugin_root):
        return None
    python = st.get("python")
    return python if isinstance(python, str) and os.path.isfile(python) else None


def installing(plugin_data: str) -> bool:
    """True while a bootstrap holds the lock."""
    from cctrace.worker import lifecycle

    return lifecycle.lock_held(os.path.join(runtime_dir(plugin_data), LOCK_NAME))


def ensure(state_dir: str, plugin_data: str, plugin_root: str,
           now: float | None = None) -> str | None:
    """The hook's call: the runtime's python when ready; else start an install (unless one
    runs, or the last one failed for this digest less than RETRY_SECONDS ago) and None."""
    python = ready_python(plugin_data, plugin_root)
    if python:
        return python
    if installing(plugin_data):
        return None
    st = read_status(plugin_data) or {}
    at = st.get("at")
    if (st.get("state") == "failed" and st.get("digest") == digest(plugin_root)
            and isinstance(at, (int, float))
            and (time.time() if now is None else now) - at < RETRY_SECONDS):
        return None
    start(state_dir, plugin_data, plugin_root)
    return None


def bootstrap_command(state_dir: str, plugin_data: str, plugin_root: str) -> list[str]:
    boot = ("import sys; sys.path.insert(0, sys.argv[1]); "
            "from cctrace.install.runtime import main; sys.exit(main(sys.argv[2:]))")
    return [sys.executable, "-I", "-c", boot, plugin_root, "--state-dir", state_dir,
            "--plugin-data", plugin_data, "--plugin-root", plugin_root]


def clean_env() -> dict[str, str]:
    """The whole environment of venv and pip: built here, never inherited."""
    from cctrace import statedir

    return {"PATH": _SAFE_PATH, "HOME": statedir.account_home(), "LANG": "C.UTF-8",
            "LC_ALL": "C.UTF-8"}


def start(state_dir: str, plugin_data: str, plugin_root: str) -> bool:
    """Start `main` detached (own session, stdio on /dev/null); never raises."""
    from cctrace.worker import lifecycle

    try:
        os.makedirs(runtime_dir(plugin_data), mode=0o700, exist_ok=True)
        lifecycle.spawn_detached(bootstrap_command(state_dir, plugin_data, plugin_root),
                                 clean_env(), runtime_dir(plugin_data))
        return True
    except Exception as exc:  # noqa: BLE001 - called from the hook
        lifecycle.log_exception(state_dir, "cannot start the plugin runtime install", exc)
        return False


# --- the install itself (a detached process, never the hook) ------------------------------


class BootstrapError(Exception):
    def __init__(self, step: str, reason: str, fix: str) -> None:
        super().__init__(reason)
        self.step, self.reason, self.fix = step, reason, fix


_NETWORK_SIGNS = ("NewConnectionError", "Failed to establish a new connection",
                  "Temporary failure in name resolution", "Name or service not known",
                  "No matching distribution found", "Could not find a version",
                  "Network is unreachable", "ConnectTimeout", "ReadTimeout",
                  "Connection refused", "ProxyError", "SSLError")


def explain_pip_failure(output: str) -> tuple[str, str]:
    """(reason, fix) from pip's output: its last ERROR line, and what to do about it."""
    lines = [ln.strip() for ln in output.splitlines() if ln.strip()]
    errors = [ln for ln in lines if ln.startswith("ERROR:")]
    reason = (errors[-1] if errors else (lines[-1] if lines else "pip failed"))[:400]
    if any(sign in output for sign in _NETWORK_SIGNS):
        return reason, ("pip could not reach the package index: connect this machine to the "
                        "network (a proxy or mirror goes in /etc/pip.conf: pip runs isolated and "
                        "reads no PIP_* variable or user pip.conf), then run "
                        "`cctrace-plugin bootstrap` or /cctrace:doctor")
    return reason, ("see the log for pip's full output; fix it, then run "
                    "`cctrace-plugin bootstrap` or /cctrace:doctor")


def _run(cmd: list[str], log: int, timeout: float) -> tuple[int, str]:
    import subprocess

    os.write(log, ("$ " + " ".join(cmd) + "\n").encode())
    try:
        proc = subprocess.run(cmd, env=clean_env(), stdin=subprocess.DEVNULL,
                              capture_output=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        os.write(log, f"timed out after {timeout:.0f}s\n".encode())
        return 124, f"timed out after {timeout:.0f}s"
    except OSError as exc:
        os.write(log, f"cannot run: {exc}\n".encode())
        return 127, f"cannot run {cmd[0]}: {exc.strerror}"
    out = (proc.stdout + proc.stderr).decode("utf-8", "replace")
    os.write(log, out.encode() + f"exit {proc.returncode}\n".encode())
    return proc.returncode, out


def install(plugin_data: str, plugin_root: str, log: int) -> str:
    """Build the venv for this digest and verify the worker imports; returns its python."""
    if sys.version_info < MIN_PYTHON:
        raise BootstrapError(
            "python", f"python {sys.version.split()[0]} ({sys.executable}) is older than 3.10",
            "install python3 3.10 or newer, then write its absolute path to "
            f"{os.path.join(plugin_data, 'python')}")
    key = digest(plugin_root)
    venv = os.path.join(runtime_dir(plugin_data), f"venv-{key}")
    python = os.path.join(venv, "bin", "python")
    import shutil

    shutil.rmtree(venv, ignore_errors=True)  # a half-built one from an interrupted attempt
    code, out = _run([sys.executable, "-I", "-m", "venv", venv], log, 300)
    if code != 0:
        reason = [ln for ln in out.splitlines() if ln.strip()][-1:] or ["venv failed"]
        fix = ("install the venv module for this python (Debian/Ubuntu: "
               f"apt install python{sys.version_info[0]}.{sys.version_info[1]}-venv)"
               if "ensurepip" in out or "venv" in out else "see the log")
        raise BootstrapError("venv", reason[0][:400], fix)
    requirements = os.path.join(plugin_root, REQUIREMENTS)
    code, out = _run([python, "-I", "-m", "pip", "install", "--isolated", "--no-input",
                      "--disable-pip-version-check", "--no-warn-script-location",
                      "--progress-bar", "off", "--retries", "2", "-r", requirements],
                     log, PIP_TIMEOUT_S)
    if code != 0:
        reason, fix = explain_pip_failure(out)
        raise BootstrapError("pip", reason, fix)
    code, out = _run([python, "-I", "-c", "import sys; sys.path.insert(0, sys.argv[1]); "
                      "import cctrace.worker.pipeline, cctrace.cli.main", plugin_root], log, 120)
    if code != 0:
        last = [ln for ln in out.splitlines() if ln.strip()][-1:] or ["import failed"]
        raise BootstrapError("verify", last[0][:400], "see the log; reinstall the plugin")
    for name in os.listdir(runtime_dir(plugin_data)):  # older versions' venvs
        if name.startswith("venv-") and name != f"venv-{key}":
            shutil.rmtree(os.path.join(runtime_dir(plugin_data), name), ignore_errors=True)
    return python


def _arg(argv: list[str], name: str) -> str | None:
    if name in argv and argv.index(name) + 1 < len(argv):
        value = argv[argv.index(name) + 1]
        return value if os.path.isabs(value) else None
    return None


def main(argv: list[str]) -> int:
    """Install the runtime once (flock), record the outcome, wake the worker. Exit 0 when
    the runtime is ready (or another process is installing it), 1 on failure."""
    import fcntl

    state_dir, plugin_data = _arg(argv, "--state-dir"), _arg(argv, "--plugin-data")
    plugin_root = _arg(argv, "--plugin-root")
    if not state_dir or not plugin_data or not plugin_root:
        print("usage: ... --state-dir DIR --plugin-data DIR --plugin-root DIR (absolute paths)",
              file=sys.stderr)
        return 2
    os.makedirs(runtime_dir(plugin_data), mode=0o700, exist_ok=True)
    lock = os.open(os.path.join(runtime_dir(plugin_data), LOCK_NAME),
                   os.O_RDWR | os.O_CREAT | _CLOEXEC, 0o600)
    try:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(lock)
        return 0  # another install is running; it will wake the worker
    log = os.open(log_path(plugin_data), os.O_WRONLY | os.O_CREAT | os.O_TRUNC | _CLOEXEC,
                  0o600)
    try:
        python = ready_python(plugin_data, plugin_root)
        key = digest(plugin_root)
        if python is None:
            os.write(log, f"cctrace runtime {key} for {plugin_root} "
                          f"(base python {sys.executable})\n".encode())
            _write_status(plugin_data, state="installing", digest=key, pid=os.getpid(),
                          base=sys.executable, log=log_path(plugin_data))
            try:
                python = install(plugin_data, plugin_root, log)
            except Exception as exc:  # noqa: BLE001 - every failure is recorded, with why
                if not isinstance(exc, BootstrapError):
                    exc = BootstrapError("install", f"{type(exc).__name__}: {exc}",
                                         "see the log; then run `cctrace-plugin bootstrap`")
                _write_status(plugin_data, state="failed", digest=key, step=exc.step,
                              reason=exc.reason, fix=exc.fix, base=sys.executable,
                              log=log_path(plugin_data))
                os.write(log, f"FAILED at {exc.step}: {exc.reason}\n".encode())
                return 1
            _write_status(plugin_data, state="ready", digest=key, python=python,
                          base=sys.executable, root=plugin_root, log=log_path(plugin_data))
            os.write(log, b"ready\n")
        from cctrace.worker import lifecycle

        lifecycle.wake_worker(state_dir, runtime=(python, plugin_root))
        return 0
    finally:
        os.close(log)
        os.close(lock)
