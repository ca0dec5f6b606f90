"""`hook.main.main` end to end as installed (`python -I -S entry.py --state-dir=DIR`): the
pinned state dir, `--max-bytes`, the environment note in the spool header, and guard mode
judging PreToolUse only. Written against the mutants `bench/mutation.py -m hook.main` left
alive (docs/testing.md)."""

from __future__ import annotations

import json
import os
import subprocess

import pytest

from cctrace.hook import envnote, mute
from cctrace.hook import main as hook
from cctrace.spool import reader
from support.hookrun import hook_argv, pin_worker


def run(state, payload: dict | bytes, env: dict[str, str] | None = None,
        extra: tuple[str, ...] = (), cwd=None) -> subprocess.CompletedProcess:
    data = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
    return subprocess.run(hook_argv(state, extra=extra), input=data, capture_output=True,
                          env={"PATH": os.environ.get("PATH", "/usr/bin"), **(env or {})},
                          cwd=cwd, timeout=60)


@pytest.fixture
def state(tmp_path):
    s = tmp_path / "state"
    pin_worker(s, "/bin/true")
    return s


def test_the_note_of_the_session_environment_reaches_the_spool(state):
    env = {"LANGFUSE_HOST": "https://attacker.example", "Https_Proxy": "http://p:3128"}
    res = run(state, {"hook_event_name": "UserPromptSubmit", "session_id": "s-1"}, env=env)
    assert res.returncode == 0 and res.stdout == b""
    (got,) = reader.read_pending(str(state))
    assert got.env == envnote.note(env, str(state))
    assert set(got.env) == {"LANGFUSE_HOST", "Https_Proxy"}


def test_no_note_when_nothing_watched_is_set(state):
    run(state, {"hook_event_name": "UserPromptSubmit", "session_id": "s-1"})
    (got,) = reader.read_pending(str(state))
    assert not got.env


def test_max_bytes_caps_the_payload_and_never_raises_the_cap(state):
    body = {"hook_event_name": "PostToolUse", "session_id": "s-1", "x": "a" * 5000}
    run(state, body, extra=("--max-bytes=1000",))
    run(state, {"hook_event_name": "Stop", "session_id": "s-1"}, extra=("--max-bytes=1000",))
    big, small = reader.read_pending(str(state))
    assert big.oversize and big.size > 5000 and small.payload["hook_event_name"] == "Stop"
    assert hook._max_bytes(["--max-bytes=10"]) == 10
    assert hook._max_bytes([f"--max-bytes={hook.MAX_PAYLOAD_BYTES}"]) == hook.MAX_PAYLOAD_BYTES
    assert hook._max_bytes([f"--max-bytes={hook.MAX_PAYLOAD_BYTES + 1}"]) \
        == hook.MAX_PAYLOAD_BYTES
    for bad in (["--max-bytes=-5"], ["--max-bytes="], ["--max-bytes=1e3"], ["--max-bytes", "9"],
                ["--max-bytes=x"], []):
        assert hook._max_bytes(bad) == hook.MAX_PAYLOAD_BYTES


def test_an_early_failure_writes_nothing_anywhere(tmp_path, monkeypatch):
    def boom() -> int:
        raise RuntimeError("stdout")

    work = tmp_path / "cwd"
    work.mkdir()
    monkeypatch.chdir(work)
    monkeypatch.setattr(hook, "_silence_stdout", boom)
    umask = os.umask(0o022)
    try:
        assert hook.main([f"--state-dir={tmp_path / 'state'}"]) == 0
    finally:
        os.umask(umask)
    assert os.listdir(work) == [] and not (tmp_path / "state").exists()


def test_a_relative_state_dir_is_not_taken_from_the_command_line(tmp_path, monkeypatch):
    from cctrace import statedir

    monkeypatch.chdir(tmp_path)
    assert statedir.pinned_arg(["--state-dir=rel"]) is None
    assert statedir.pinned_arg(["--state-dir", "/a/../b"]) == "/b"
    assert statedir.pinned_arg(["--state-dir"]) is None
    assert statedir.pinned_arg(["x", "--state-dir=/p", "--state-dir=/q"]) == "/p"


def _guard_on(state) -> None:
    from cctrace.hook import guard
    from hook.test_guard import built

    guard.write_guard(str(state), built()[0])


def test_guard_judges_pretooluse_only(state):
    _guard_on(state)
    call = {"session_id": "s-1", "tool_name": "Bash", "tool_input": {"command": "rm -rf /etc"}}
    denied = run(state, {**call, "hook_event_name": "PreToolUse"})
    assert json.loads(denied.stdout)["hookSpecificOutput"]["permissionDecision"] == "deny"
    for event in ("PostToolUse", "UserPromptSubmit", "PermissionRequest"):
        assert run(state, {**call, "hook_event_name": event}).stdout == b"", event
    # An oversize PreToolUse is spooled as oversize and never judged.
    big = {**call, "hook_event_name": "PreToolUse", "pad": "a" * 3000}
    assert run(state, big, extra=("--max-bytes=1000",)).stdout == b""
    assert not {k for k in hook.read_counters(str(state)) if "guard" in k}


def test_a_failure_once_pinned_is_counted_as_lost(tmp_path, monkeypatch):
    def boom(limit: int, fd: int = 0):
        raise OSError(5, "stdin")

    state = tmp_path / "state"
    monkeypatch.setattr(hook, "read_stdin", boom)
    monkeypatch.setattr(hook, "_silence_stdout", lambda: -1)  # keep pytest's own stdout
    umask = os.umask(0o022)
    try:
        assert hook.main([f"--state-dir={state}"]) == 0
    finally:
        os.umask(umask)
    assert hook.read_counters(str(state)) == {"hook.lost": 1}


def test_the_spool_is_synced_whatever_the_session_environment_says(tmp_path, monkeypatch):
    # A repository can put variables into the session (`.claude/settings.json` "env"); none
    # of them may weaken the spool's durability.
    calls: list[bool] = []
    real = hook.writer.append

    def spy(*args, **kwargs):
        calls.append(kwargs["fsync"])
        return real(*args, **kwargs)

    state = tmp_path / "state"
    pin_worker(state, "/bin/true")
    payload = json.dumps({"hook_event_name": "UserPromptSubmit", "session_id": "s-1"}).encode()
    monkeypatch.setattr(hook.writer, "append", spy)
    monkeypatch.setattr(hook, "read_stdin", lambda limit, fd=0: (payload, len(payload), False))
    monkeypatch.setattr(hook, "_silence_stdout", lambda: -1)
    monkeypatch.setenv("CCTRACE_SPOOL_FSYNC", "0")
    assert hook.main([f"--state-dir={state}"]) == 0
    assert calls == [True]
    (got,) = reader.read_pending(str(state))
    assert got.payload["session_id"] == "s-1"


@pytest.mark.parametrize("muted", [False, True])
def test_main_hands_the_plugin_folders_on_and_spools_a_mute_marker(tmp_path, monkeypatch,
                                                                    muted):
    # Under the plugin's launcher the folders reach `handle` (the worker then runs on the
    # plugin's runtime); a muted session's first event spools only the mute marker, with
    # the same folders, and main still returns 0.
    state = tmp_path / "state"
    pin_worker(state, "/bin/true")
    if muted:
        (state / "muted").mkdir(parents=True)
        (state / "muted" / "s-1").write_text("")
    payload = json.dumps({"hook_event_name": "Stop", "session_id": "s-1",
                          "transcript_path": "/t/s-1.jsonl"}).encode()
    calls: list[tuple] = []
    monkeypatch.setattr(hook, "read_stdin", lambda limit, fd=0: (payload, len(payload), False))
    monkeypatch.setattr(hook, "_silence_stdout", lambda: -1)
    monkeypatch.setattr(hook, "_wake", lambda *a, **k: None)
    real = hook.handle
    monkeypatch.setattr(hook, "handle", lambda *a, **k: calls.append(a) or real(*a, **k))
    argv = [f"--state-dir={state}", f"--plugin-data={tmp_path / 'd'}",
            f"--plugin-root={tmp_path / 'r'}"]
    assert hook.main(argv) == 0
    assert [(c[1], c[-1]) for c in calls] == [(
        mute.began_payload(payload) if muted else payload,
        (str(tmp_path / "d"), str(tmp_path / "r")))]
    log = (state / "logs" / "hook.log").read_text() if muted else ""
    assert ("muted event=Stop" in log) == muted


@pytest.mark.parametrize("plugin", [False, True])
def test_a_settings_hook_stands_down_where_the_plugin_records(tmp_path, monkeypatch, plugin):
    # A settings-file hook (no plugin folders) stands down for an event the plugin records,
    # counted; the plugin's own hook never does.
    from cctrace.spool import diag

    state = tmp_path / "state"
    pin_worker(state, "/bin/true")
    payload = json.dumps({"hook_event_name": "Stop", "session_id": "s-1"}).encode()
    monkeypatch.setattr(hook, "read_stdin", lambda limit, fd=0: (payload, len(payload), False))
    monkeypatch.setattr(hook, "_silence_stdout", lambda: -1)
    monkeypatch.setattr(hook, "_wake", lambda *a, **k: None)
    monkeypatch.setattr(hook, "_plugin_records", lambda argv, data, oversize: True)
    argv = [f"--state-dir={state}"] + ([f"--plugin-data={tmp_path / 'd'}",
                                        f"--plugin-root={tmp_path / 'r'}"] if plugin else [])
    assert hook.main(argv) == 0
    spooled = [e.event for e in reader.read_pending(str(state))]
    counted = diag.read_counters(str(state), "hook.deferred")
    assert (spooled, counted) == ((["Stop"], {}) if plugin else ([], {"hook.deferred": 1}))


def test_a_muted_event_is_logged_by_its_name_past_the_head(tmp_path, monkeypatch):
    state = tmp_path / "state"
    pin_worker(state, "/bin/true")
    (state / "muted").mkdir(parents=True)
    (state / "muted" / "s-1").write_text("7\n")  # not the first muted event: no marker
    payload = json.dumps({"session_id": "s-1", "pad": "x" * (hook.HEAD_BYTES + 10),
                          "hook_event_name": "Stop"}).encode()
    monkeypatch.setattr(hook, "read_stdin", lambda limit, fd=0: (payload, len(payload), False))
    monkeypatch.setattr(hook, "_silence_stdout", lambda: -1)
    assert hook.main([f"--state-dir={state}"]) == 0
    assert "muted event=Stop" in (state / "logs" / "hook.log").read_text()
    assert reader.read_pending(str(state)) == []
