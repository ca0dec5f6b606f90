"""The hook as Claude Code runs it: a real `python -S entry.py` process per event."""

from __future__ import annotations

import json
import os
import resource
import stat
import subprocess
import sys
import time

import pytest

import cctrace
from cctrace import spool
from cctrace.spool import diag
from cctrace.worker import lifecycle
from support.hookrun import hook_argv, pin_worker

ENTRY = os.path.join(os.path.dirname(cctrace.__file__), "hook", "entry.py")
SECRET = "sk-ant-secret-payload-value-42"


def _env(home, **extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env["CCTRACE_HOME"] = str(home)
    env.update(extra)
    return env


def worker_idle(home, ms: int) -> None:
    """How long a woken worker waits for work: config.toml's `[worker] idle_ms` (the worker
    reads no timing from the environment)."""
    os.makedirs(home, mode=0o700, exist_ok=True)
    fd = os.open(os.path.join(home, "config.toml"), os.O_WRONLY | os.O_CREAT | os.O_TRUNC,
                 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(f"[worker]\nidle_ms = {ms}\n")


def run_hook(home, payload: bytes, *, module: bool = False, preexec=None, worker=None,
             max_bytes=None, **extra: str):
    if worker:
        pin_worker(home, worker)
    more = (f"--max-bytes={max_bytes}",) if max_bytes else ()
    argv = ([sys.executable, "-m", "cctrace.hook", f"--state-dir={home}", *more] if module
            else hook_argv(home, extra=more))
    return subprocess.run(argv, input=payload, capture_output=True, env=_env(home, **extra),
                          preexec_fn=preexec, timeout=60)


def payload(event: str, **fields) -> bytes:
    doc = {"session_id": "s1", "transcript_path": "/nowhere.jsonl", "cwd": "/",
           "hook_event_name": event, **fields}
    return json.dumps(doc).encode()


def wait_for(predicate, timeout: float = 30.0) -> bool:
    """Poll until `predicate()` holds; the deadline only guards against hanging."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.02)
    return predicate()


def _read_log(home, name: str) -> str:
    try:
        with open(diag.log_path(str(home), name)) as fh:
            return fh.read()
    except FileNotFoundError:
        return ""


def test_one_event_one_entry_nothing_printed(_isolated_state):
    home = _isolated_state
    body = payload("PreToolUse", tool_name="Bash", tool_input={"command": "ls"})
    proc = run_hook(home, body)
    assert (proc.returncode, proc.stdout, proc.stderr) == (0, b"", b"")
    (entry,) = spool.read_pending(str(home))
    assert entry.payload == json.loads(body)
    assert entry.event == "PreToolUse" and entry.error is None
    assert abs(entry.received_ns - time.time_ns()) < 600 * 10**9  # a wall-clock time, not 0


def test_session_start_prints_nothing_and_module_form_works(_isolated_state):
    proc = run_hook(_isolated_state, payload("SessionStart", source="startup"), module=True)
    assert (proc.returncode, proc.stdout, proc.stderr) == (0, b"", b"")
    assert [e.event for e in spool.read_pending(str(_isolated_state))] == ["SessionStart"]


def test_fifty_parallel_hooks_get_distinct_increasing_seqs(_isolated_state):
    home = _isolated_state
    env = _env(home)
    procs = []
    for _ in range(50):
        p = subprocess.Popen(hook_argv(home), stdin=subprocess.PIPE,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
        procs.append(p)
    outs = [p.communicate(payload("PostToolUse", tool_use_id=f"t{n}", tool_response="r" * 500),
                          timeout=60) for n, p in enumerate(procs)]
    assert all(p.returncode == 0 for p in procs)
    assert all(out == (b"", b"") for out in outs)
    entries = spool.read_pending(str(home))
    assert [e.seq for e in entries] == list(range(1, 51))
    assert sorted(e.payload["tool_use_id"] for e in entries) == sorted(f"t{n}" for n in range(50))


@pytest.mark.parametrize("body", [b"", b"garbage \x00\xff", f"[{SECRET!r}".encode()])
def test_garbage_and_empty_input_exit_zero_and_are_spooled(_isolated_state, body):
    home = _isolated_state
    proc = run_hook(home, body)
    assert (proc.returncode, proc.stdout, proc.stderr) == (0, b"", b"")
    (entry,) = spool.read_pending(str(home))
    assert entry.payload is None and entry.error
    assert entry.size == len(body)
    assert diag.read_counters(str(home))["hook.unparsed"] == 1
    assert SECRET not in _read_log(home, "hook")


def test_oversize_payload_leaves_a_stub_with_event_and_size(_isolated_state):
    home = _isolated_state
    body = payload("PostToolUse", tool_response=SECRET + "x" * 5000)
    proc = run_hook(home, body, max_bytes=1000)
    assert (proc.returncode, proc.stdout, proc.stderr) == (0, b"", b"")
    (entry,) = spool.read_pending(str(home))
    assert entry.oversize and entry.payload is None
    assert entry.event == "PostToolUse" and entry.size == len(body)
    with open(entry.path, "rb") as fh:
        assert SECRET.encode() not in fh.read()
    assert diag.read_counters(str(home))["hook.oversize"] == 1
    log = _read_log(home, "hook")
    assert "oversize event=PostToolUse" in log and SECRET not in log


def test_payload_above_the_default_cap(_isolated_state):
    home = _isolated_state
    head = payload("PostToolUse", tool_use_id="big")[:-1]
    body = head + b', "tool_response": "' + b"y" * (65 * 1024 * 1024) + b'"}'
    proc = run_hook(home, body)
    assert proc.returncode == 0 and proc.stdout == b""
    (entry,) = spool.read_pending(str(home))
    assert entry.oversize and entry.size == len(body) and entry.event == "PostToolUse"
    assert entry.size > 64 * 1024 * 1024 and os.path.getsize(entry.path) < 4096


def test_unwritable_spool_is_counted_and_logged(_isolated_state):
    home = _isolated_state
    home.mkdir(parents=True)
    (home / "spool").write_text("a file where the spool folder should be")
    proc = run_hook(home, payload("Stop", last_assistant_message=SECRET),
                    worker="/nonexistent/python")
    assert (proc.returncode, proc.stdout, proc.stderr) == (0, b"", b"")
    assert diag.read_counters(str(home))["hook.lost"] == 1
    log = _read_log(home, "hook")
    assert "lost event=Stop" in log and "errno=" in log and SECRET not in log


def test_unusable_state_dir_exits_zero_silently(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    proc = run_hook(blocker / "state", payload("Stop"))
    assert (proc.returncode, proc.stdout, proc.stderr) == (0, b"", b"")
    assert blocker.read_text() == "x"


def test_full_disk_is_counted(_isolated_state):
    home = _isolated_state
    home.mkdir(parents=True)

    def small_files() -> None:  # a file-size limit fails writes the way a full disk does
        resource.setrlimit(resource.RLIMIT_FSIZE, (4096, 4096))

    proc = run_hook(home, payload("PostToolUse", tool_response="z" * 100_000),
                    preexec=small_files)
    assert (proc.returncode, proc.stdout, proc.stderr) == (0, b"", b"")
    assert spool.read_pending(str(home)) == []
    assert diag.read_counters(str(home))["hook.lost"] == 1
    assert "errno=27" in _read_log(home, "hook")  # EFBIG
    leftovers = os.listdir(home / "spool")
    assert not [n for n in leftovers if n.startswith(".tmp-")]


def test_modes_are_private_even_under_a_loose_umask(_isolated_state):
    home = _isolated_state
    proc = run_hook(home, b"junk", preexec=lambda: os.umask(0))
    assert proc.returncode == 0
    for dirpath, _dirs, filenames in os.walk(home):
        assert stat.S_IMODE(os.stat(dirpath).st_mode) == 0o700, dirpath
        for name in filenames:
            path = os.path.join(dirpath, name)
            assert stat.S_IMODE(os.stat(path).st_mode) == 0o600, path
    assert os.listdir(home / "counters") and os.listdir(home / "logs")


def test_completing_event_spawns_a_worker_that_exits_when_idle(_isolated_state):
    home = _isolated_state
    worker_idle(home, 300)
    proc = run_hook(home, payload("Stop"))
    assert (proc.returncode, proc.stdout, proc.stderr) == (0, b"", b"")
    assert wait_for(lambda: "worker started" in _read_log(home, "worker"))
    assert wait_for(lambda: "worker exiting (idle)" in _read_log(home, "worker"))
    assert wait_for(lambda: not lifecycle.is_worker_running(str(home)))


def test_non_completing_events_only_spool(_isolated_state):
    home = _isolated_state
    for event in ("SessionStart", "UserPromptSubmit", "PreToolUse", "PostToolUse"):
        assert run_hook(home, payload(event)).returncode == 0
    assert len(spool.read_pending(str(home))) == 4
    assert not os.path.exists(diag.log_path(str(home), "worker"))
    assert not lifecycle.is_worker_running(str(home))


def test_failed_worker_start_is_logged_not_fatal(_isolated_state):
    home = _isolated_state
    proc = run_hook(home, payload("SessionEnd"), worker="/nonexistent/python")
    assert (proc.returncode, proc.stdout, proc.stderr) == (0, b"", b"")
    assert "cannot start the worker" in _read_log(home, "worker")
    assert [e.event for e in spool.read_pending(str(home))] == ["SessionEnd"]


def test_symlinked_entry_point_finds_its_package(_isolated_state, tmp_path):
    link = tmp_path / "bin" / "cctrace-entry.py"
    link.parent.mkdir()
    link.symlink_to(ENTRY)
    proc = subprocess.run(hook_argv(_isolated_state, entry=link), input=payload("PreToolUse"),
                          capture_output=True, env=_env(_isolated_state), timeout=60)
    assert (proc.returncode, proc.stdout, proc.stderr) == (0, b"", b"")
    assert [e.event for e in spool.read_pending(str(_isolated_state))] == ["PreToolUse"]


def test_spool_cap_drops_counts_and_still_wakes_the_worker(_isolated_state):
    from cctrace.spool import limits

    home = _isolated_state
    for _ in range(3):
        assert run_hook(home, payload("PreToolUse")).returncode == 0
    limits.write_limits(str(home), 1, 0)  # a 1-byte cap: the spool is over it
    assert limits.measure(str(home))
    for event in ("PostToolUse", "UserPromptSubmit"):
        proc = run_hook(home, payload(event, tool_input={"secret": SECRET}))
        assert (proc.returncode, proc.stdout, proc.stderr) == (0, b"", b"")
    assert len(spool.read_pending(str(home))) == 3  # nothing added above the cap
    assert diag.read_counters(str(home))["hook.dropped_cap"] == 2
    log = _read_log(home, "hook")
    assert "dropped_cap event=PostToolUse" in log and SECRET not in log
    # A completing event is dropped too, but still wakes the worker, which drains the spool
    # and clears the flag; events are accepted again.
    limits.write_limits(str(home), 10**9, 0)
    worker_idle(home, 300)
    proc = run_hook(home, payload("Stop"))
    assert proc.returncode == 0
    assert wait_for(lambda: not spool.read_pending(str(home)))
    assert wait_for(lambda: not limits.refuses(str(home)))
    assert run_hook(home, payload("PreToolUse")).returncode == 0
    assert diag.read_counters(str(home))["hook.dropped_cap"] == 3
    assert wait_for(lambda: not lifecycle.is_worker_running(str(home)))
