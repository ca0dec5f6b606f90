"""The worker's life: single instance, idle exit, no lost wake-up, back-off, spawning."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time

import pytest

from cctrace import spool, statedir
from cctrace.spool import diag, writer
from cctrace.worker import lifecycle

SECRET = "sk-ant-never-in-the-log-77"


def wait_for(predicate, timeout: float = 30.0) -> bool:
    """Poll until `predicate()` holds; the deadline only guards against hanging."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.02)
    return predicate()


def _log(root: str) -> str:
    try:
        with open(diag.log_path(root, lifecycle.LOG_NAME)) as fh:
            return fh.read()
    except FileNotFoundError:
        return ""


def _spool(root: str, n: int) -> None:
    writer.append(root, json.dumps({"hook_event_name": "Stop", "n": n}).encode(),
                  received_ns=n, event="Stop", fsync=False)


class Draining:
    """A step that consumes the spool, like the real pipeline, and remembers what it saw."""

    def __init__(self) -> None:
        self.seen: list[int] = []
        self.calls = 0

    def __call__(self, root: str) -> bool:
        self.calls += 1
        entries = spool.read_pending(root, limit=3)
        self.seen.extend(e.payload["n"] for e in entries)
        spool.ack(entries)
        return bool(entries)


_HOLD_LOCK = """
import fcntl, os, sys, time
fd = os.open(sys.argv[1], os.O_RDWR | os.O_CREAT, 0o600)
fcntl.flock(fd, fcntl.LOCK_EX)
print("held", flush=True)
sys.stdin.read()
"""


@pytest.fixture
def held_lock(_isolated_state):
    """Another process holding the worker lock, as a running worker does."""
    root = str(_isolated_state)
    os.makedirs(root, exist_ok=True)
    proc = subprocess.Popen([sys.executable, "-c", _HOLD_LOCK, os.path.join(root, "worker.lock")],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "held"
    yield root
    proc.stdin.close()
    proc.wait(timeout=30)


def test_drains_the_spool_then_exits_on_idle(_isolated_state):
    root = str(_isolated_state)
    for n in range(7):
        _spool(root, n)
    step = Draining()
    assert lifecycle.run_worker(root, step, idle_seconds=0.1, poll_seconds=0.01) == 0
    assert step.seen == list(range(7))
    assert spool.read_pending(root) == []
    assert not lifecycle.is_worker_running(root)
    log = _log(root)
    assert "worker started" in log and "worker exiting (idle)" in log


def test_second_worker_refuses_to_start(held_lock):
    root = held_lock
    _spool(root, 1)
    assert lifecycle.is_worker_running(root)
    calls = []
    assert lifecycle.run_worker(root, lambda r: calls.append(r) or True, idle_seconds=5) == 0
    assert calls == []
    assert len(spool.read_pending(root)) == 1


def test_wake_worker_does_not_spawn_while_one_runs(held_lock):
    assert lifecycle.wake_worker(held_lock) is False
    assert _log(held_lock) == ""


def test_stuck_step_ends_in_an_idle_exit_not_a_spin(_isolated_state):
    root = str(_isolated_state)
    _spool(root, 1)
    calls = []

    def stuck(r: str) -> bool:
        calls.append(r)
        return False

    assert lifecycle.run_worker(root, stuck, idle_seconds=0.2, poll_seconds=0.02) == 0
    # ~10 polls; a spinning loop would have made tens of thousands of calls.
    assert 1 <= len(calls) < 100
    assert len(spool.read_pending(root)) == 1


def test_failing_step_backs_off_logs_without_message_and_gives_up(_isolated_state):
    root = str(_isolated_state)
    calls = []

    def broken(r: str) -> bool:
        calls.append(r)
        raise ValueError(f"payload said {SECRET}")

    code = lifecycle.run_worker(root, broken, idle_seconds=10, max_failures=3,
                                backoff_base=0.01, backoff_cap=0.02)
    assert code == 1
    assert len(calls) == 3
    log = _log(root)
    assert log.count("step failed") == 3 and "ValueError" in log and "test_lifecycle.py" in log
    assert SECRET not in log
    assert "worker exiting (too many failures)" in log


def test_a_recovering_step_resets_the_failure_count(_isolated_state):
    root = str(_isolated_state)
    outcomes = iter([OSError(28, "No space left on device"), True, OSError(5, "EIO"), True])

    def flaky(r: str) -> bool:
        outcome = next(outcomes, False)
        if isinstance(outcome, Exception):
            raise outcome
        return outcome

    code = lifecycle.run_worker(root, flaky, idle_seconds=0.05, poll_seconds=0.01,
                                max_failures=2, backoff_base=0.01)
    assert code == 0
    assert "errno=28" in _log(root)


def test_event_arriving_while_the_worker_lets_go_is_not_lost(_isolated_state, monkeypatch):
    """The hook spooled while the lock was still held, so it did not spawn anyone."""
    root = str(_isolated_state)
    real_release = lifecycle._release
    releases = []

    def release_then_event_lands(fd: int) -> None:
        real_release(fd)
        releases.append(fd)
        if len(releases) == 1:
            _spool(root, 42)

    monkeypatch.setattr(lifecycle, "_release", release_then_event_lands)
    step = Draining()
    assert lifecycle.run_worker(root, step, idle_seconds=0.05, poll_seconds=0.01) == 0
    assert step.seen == [42]
    assert spool.read_pending(root) == []
    assert len(releases) == 2  # let go, took the lock back, let go again


def test_max_seconds_caps_a_busy_worker(_isolated_state):
    root = str(_isolated_state)
    calls = []
    assert lifecycle.run_worker(root, lambda r: calls.append(1) or True, max_seconds=0.05) == 0
    assert calls and "worker exiting (max_seconds)" in _log(root)


def test_worker_command_resolution_order(_isolated_state, monkeypatch):
    root = str(_isolated_state)
    planted = {"PYTHONPATH": "/elsewhere", "CCTRACE_WORKER_PYTHON": "/usr/bin/py",
               "PYTHONSTARTUP": "/x.py", "HTTPS_PROXY": "http://p:1", "Http_Proxy": "http://p:1",
               "REQUESTS_CA_BUNDLE": "/ca", "HOME": "/tmp/elsewhere", "CCTRACE_HOME": "/tmp/x",
               "PATH": "/repo/bin", "ACME_API_TOKEN": "tok-123", "PWD": "/repo"}
    argv, env = lifecycle.worker_command(root, environ=planted)
    assert argv[:3] == [sys.executable, "-I", "-c"]
    assert argv[4:] == [lifecycle.package_root(), "--state-dir", root]
    assert os.path.isdir(os.path.join(lifecycle.package_root(), "cctrace"))
    # Only what the worker needs survives; secret-looking values stay for the redactor.
    # (under a name of ours: by its own name a library may act on it)
    assert env == {"PATH": lifecycle.SAFE_PATH, "CCTRACE_LEARN_ACME_API_TOKEN": "tok-123",
                   "CCTRACE_HOME": root, "HOME": statedir.account_home()}

    path = lifecycle.write_worker_info(root, python="/opt/py/bin/python3", pythonpath="/opt/src")
    assert oct(os.stat(path).st_mode & 0o777) == oct(0o600)
    argv, env = lifecycle.worker_command(root, environ=planted)
    assert argv[0] == "/opt/py/bin/python3" and argv[4] == "/opt/src"


def test_worker_info_defaults_and_bad_files(_isolated_state, monkeypatch):
    for name in lifecycle.BUS_ENV:  # the installing shell's bus is pinned when it has one
        monkeypatch.delenv(name, raising=False)
    root = str(_isolated_state)
    lifecycle.write_worker_info(root)
    assert lifecycle.read_worker_info(root) == {
        "python": os.path.abspath(sys.executable), "pythonpath": lifecycle.package_root()}
    for content in ("{not json", '{"python": ""}', '["x"]', '{"python": 3}'):
        with open(os.path.join(root, lifecycle.INFO_NAME), "w") as fh:
            fh.write(content)
        assert lifecycle.read_worker_info(root) is None


def test_wake_worker_spawns_a_detached_worker_that_goes_away(_isolated_state, monkeypatch):
    root = str(_isolated_state)
    os.makedirs(root)
    # The environment's knob (planted: it would keep the worker for ever) is not read;
    # config.toml's is.
    monkeypatch.setenv("CCTRACE_WORKER_IDLE", "1e9")
    with open(os.path.join(root, "config.toml"), "w") as fh:
        fh.write("[worker]\nidle_ms = 300\n")
    cwd = os.getcwd()
    assert lifecycle.wake_worker(root) is True
    assert os.getcwd() == cwd
    started = wait_for(lambda: lifecycle.worker_pid(root) is not None or "exiting" in _log(root))
    assert started, (lifecycle.worker_command(root)[0], sorted(os.listdir(root)))
    assert wait_for(lambda: "worker exiting (idle)" in _log(root))
    assert not lifecycle.is_worker_running(root) or wait_for(
        lambda: not lifecycle.is_worker_running(root))
    try:  # reap our child so it does not linger as a zombie
        while os.waitpid(-1, os.WNOHANG) != (0, 0):
            pass
    except ChildProcessError:
        pass


def test_wake_worker_reports_a_broken_interpreter(_isolated_state, monkeypatch):
    root = str(_isolated_state)
    os.makedirs(root)
    lifecycle.write_worker_info(root, python="/nonexistent/python")
    assert lifecycle.wake_worker(root) is False
    assert "cannot start the worker: builtins.FileNotFoundError errno=2" in _log(root)


def test_python_m_worker_runs_and_a_second_one_exits_at_once(_isolated_state):
    root = str(_isolated_state)
    os.makedirs(root)
    with open(os.path.join(root, "config.toml"), "w") as fh:
        fh.write("[worker]\nidle_ms = 30000\n")
    env = dict(os.environ, CCTRACE_HOME=root)
    first = subprocess.Popen([sys.executable, "-m", "cctrace.worker"], env=env,
                             stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        assert wait_for(lambda: lifecycle.worker_pid(root) == first.pid)
        second = subprocess.run([sys.executable, "-m", "cctrace.worker"], env=env,
                                capture_output=True, timeout=60)
        assert second.returncode == 0
        assert lifecycle.worker_pid(root) == first.pid and first.poll() is None
    finally:
        first.terminate()
        first.wait(timeout=30)
    assert not lifecycle.is_worker_running(root)


def test_describe_exception_names_a_missing_module_but_no_message():
    try:
        raise ModuleNotFoundError(f"No module named {SECRET!r}", name="opentelemetry")
    except ModuleNotFoundError as exc:
        text = lifecycle.describe_exception(exc)
    assert "module=opentelemetry" in text and "test_lifecycle.py" in text
    assert SECRET not in text
