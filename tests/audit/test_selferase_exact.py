"""`cctrace.audit.selferase`, exactly: the process ancestry read from a real and a planted
`/proc`, the 30-minute line between a running and a finished session, the spool read past
a torn or vanished file, the finding's bounds, and what `record` reports when the store,
the audit settings or the audit log cannot be written. Each asserts the exact answer an
erasure or a change gets (first in `bench/mutation.py`'s selection for the module)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from audit.helpers import log_entries
from cctrace import config as config_mod
from cctrace.audit import log as audit_log
from cctrace.audit import selferase
from cctrace.findings import finding_id
from cctrace.spool import layout, writer
from cctrace.store.db import DB_NAME, Store
from cctrace.store.hooks import HookEvent
from store.helpers import SEC, T0

NOW = T0 + 3600 * SEC
MINUTES_30 = 30 * 60 * SEC  # written out: the tests must not read the module's constant


def _proc(root, tree: dict[int, tuple[int, list[bytes]]], comm: bytes = b"a name") -> str:
    """A planted /proc: pid -> (ppid, argv as bytes, so not all of it need be UTF-8)."""
    for pid, (ppid, argv) in tree.items():
        d = root / str(pid)
        d.mkdir(parents=True)
        (d / "stat").write_bytes(b"%d (%s) S %d 1 1 0\n" % (pid, comm, ppid))
        (d / "cmdline").write_bytes(b"".join(a + b"\0" for a in argv))
    return str(root)


def test_the_real_proc_is_read_by_default(tmp_path):
    # A real process tree: a Python named `claude` (argv[0]) runs a fresh interpreter that
    # asks `marks` with no pid and no proc given, so this process and the real /proc count.
    ask = ("from cctrace.audit import selferase; "
           "print(selferase.claude_ancestor(), selferase.marks({}))")
    parent = (f"import subprocess, sys; "
              f"sys.exit(subprocess.run([{sys.executable!r}, '-c', {ask!r}]).returncode)")
    proc = subprocess.Popen(["claude", "-c", parent], executable=sys.executable,
                            stdout=subprocess.PIPE, text=True, env={**os.environ})
    out, _ = proc.communicate(timeout=120)
    assert (proc.returncode, out) == (
        0, f"{proc.pid} ['run below a Claude Code process (pid {proc.pid})']\n")


@pytest.mark.parametrize("argv", [
    # The native binary run by its path inside the package (basename `claude.exe`).
    [b"/home/u/node_modules/@anthropic-ai/claude-code/bin/claude.exe", b"-p", b"hi"],
    # npx fetching the package: the package name is the third word.
    [b"node", b"/usr/lib/node_modules/npm/bin/npx-cli.js", b"@anthropic-ai/claude-code"],
    # Node running the package's script by a path relative to its scope folder.
    [b"node", b"claude-code/cli.js", b"--resume"],
])
def test_claude_code_is_known_by_either_package_path(tmp_path, argv):
    proc = _proc(tmp_path, {40: (30, [b"cctrace", b"purge"]), 30: (20, argv),
                            20: (10, [b"bash"]), 10: (1, [b"sshd"])})
    assert selferase.claude_ancestor(40, proc) == 30


def test_not_claude_code_a_word_past_the_third_or_no_argv(tmp_path):
    # A grep over the package (its path the fourth word), and a process with no command
    # line (a kernel thread, an exited one): neither is Claude Code.
    grep = _proc(tmp_path / "grep", {40: (30, [b"cctrace"]), 30: (20, [
        b"grep", b"-rn", b"hook", b"node_modules/@anthropic-ai/claude-code/cli.js"]),
        20: (1, [b"bash"])})
    assert selferase.claude_ancestor(40, grep) is None
    empty = _proc(tmp_path / "empty", {40: (30, [b"cctrace"]), 30: (20, []),
                                       20: (1, [b"sshd"])})
    assert selferase.claude_ancestor(40, empty) is None


def test_bytes_that_are_not_utf8_in_a_name_or_argument_do_not_stop_the_walk(tmp_path):
    proc = _proc(tmp_path, {40: (30, [b"cctrace"]), 30: (20, [b"bash", b"-c", b"echo \xff\xfe"]),
                            20: (10, [b"claude", b"-p", b"\xe9t\xe9"]), 10: (1, [b"init"])},
                 comm=b"caf\xe9 (x)")
    assert selferase.claude_ancestor(40, proc) == 20


def test_claude_code_as_pid_1_is_found(tmp_path):
    # `docker run ... claude`: Claude Code is the container's init; its Bash tool's shell is
    # its child and the command the shell's.
    proc = _proc(tmp_path, {40: (30, [b"cctrace", b"purge"]), 30: (1, [b"bash", b"-c", b"x"]),
                            1: (0, [b"claude"])})
    assert selferase.claude_ancestor(40, proc) == 1
    assert selferase.marks({}, 40, proc) == ["run below a Claude Code process (pid 1)"]


def _chain(root, depth: int) -> str:
    """pid 1000's ancestors 1001, 1002, ...: the `depth`-th one is Claude Code."""
    tree = {1000 + k: (1000 + k + 1, [b"sh"]) for k in range(depth)}
    tree[1000 + depth] = (1, [b"claude"])
    return _proc(root, tree)


def test_the_walk_goes_64_ancestors_up_and_no_further(tmp_path):
    assert selferase.claude_ancestor(1000, _chain(tmp_path / "a", 64)) == 1064
    assert selferase.claude_ancestor(1000, _chain(tmp_path / "b", 65)) is None


def test_the_user_is_the_uid_when_the_account_has_no_name(monkeypatch):
    import getpass

    def nameless():
        raise KeyError("getpwuid(): uid not found")  # what getpass raises then

    monkeypatch.setattr(getpass, "getuser", nameless)
    assert selferase.local_user() == f"uid {os.getuid()}"


def _events(store, sid, *names, at, path=None):
    first = len(store._read("SELECT seq FROM hook_events")) + 1
    store.insert_hook_events([HookEvent(seq=first + i, received_ns=at, session_id=sid,
                                        event=name, transcript_path=path)
                              for i, name in enumerate(names)])


def test_running_means_an_event_less_than_30_minutes_old():
    home = os.environ["CCTRACE_HOME"]
    with Store.open() as store:
        _events(store, "idle-30m", "SessionStart", at=NOW - MINUTES_30)
        _events(store, "idle-just-less", "SessionStart", at=NOW - MINUTES_30 + 1)
        gone = os.path.join(home, "gone.jsonl")  # a transcript deleted since: the event counts
        _events(store, "no-transcript", "Stop", at=NOW - MINUTES_30 + SEC, path=gone)
        assert selferase.live_sessions(store, home, ["idle-30m", "idle-just-less",
                                                     "no-transcript"], NOW) == [
            "idle-just-less", "no-transcript"]
        # A user's purge of the session idle for 30 minutes, from outside: no finding.
        assert selferase.check_erasure(store, home, "cctrace purge --session idle-30m",
                                       ["idle-30m"], {}, NOW) is None


def _spool(home, sid, name="PreToolUse"):
    body = json.dumps({"session_id": sid, "hook_event_name": name}).encode()
    return writer.append(home, body, received_ns=NOW, event=name, fsync=False)


def test_a_torn_or_vanished_spool_file_does_not_hide_the_ones_after_it():
    home = os.environ["CCTRACE_HOME"]
    torn = _spool(home, "crashed")
    vanished = _spool(home, "acked")
    _spool(home, "live")
    folder = layout.spool_dir(home)
    with open(os.path.join(folder, layout.event_name(torn)), "wb") as f:
        f.write(b'{"received_ns": 1, "si')  # a header cut off by a crash
    # Acked by the worker between the listing and the read: here a name that opens nothing.
    os.remove(os.path.join(folder, layout.event_name(vanished)))
    os.symlink(os.path.join(folder, "acked-meanwhile"),
               os.path.join(folder, layout.event_name(vanished)))
    with Store.open() as store:
        assert selferase.live_sessions(store, home, ["crashed", "acked", "live"], NOW) == [
            "live"]


def test_only_the_newest_5000_spool_events_are_read():
    home = os.environ["CCTRACE_HOME"]
    _spool(home, "oldest")  # the 5001st from the newest: left to the store
    for _ in range(5000):
        _spool(home, "busy")
    with Store.open() as store:
        _events(store, "oldest", "SessionStart", "SessionEnd", at=NOW - SEC)
        assert selferase.live_sessions(store, home, ["busy", "oldest"], NOW) == ["busy"]


def test_the_finding_keeps_bounded_parts_of_a_long_erasure():
    # An erasure of 60 running sessions by a long command line, run by a long user name.
    home = os.environ["CCTRACE_HOME"]
    sids = [f"s{n:02d}" for n in range(60)]
    for sid in reversed(sids):
        _spool(home, sid)
    action = "cctrace purge " + " ".join(f"--session {sid}" for sid in sids)  # 734 chars
    with Store.open() as store:
        f = selferase.check_erasure(store, home, action, sids, {}, NOW, user="u" * 150)
    assert f.detail == {"action": action[:300], "reasons": [
        f"session {sid} is still running" for sid in sids[:8]], "sessions": sids[:50],
        "by": "u" * 100}
    assert (len(f.detail["action"]), f.title) == (
        300, f"`{action[:80]}` run as if by an agent: session s00 is still running")
    assert (f.id, f.tags, f.time_ns) == (finding_id("tamper", action, str(NOW)), ["tamper"],
                                         NOW)


def _found(home):
    return selferase.check_change("cctrace config set retention.days", {"CLAUDECODE": "1"},
                                  NOW, user="ann")


def _config(home, text):
    os.makedirs(home, exist_ok=True)
    with open(os.path.join(home, "config.toml"), "w", encoding="utf-8") as f:
        f.write(text)
    return config_mod.load(home)


def test_with_the_audit_log_off_the_finding_is_stored_and_the_report_says_so():
    home = os.environ["CCTRACE_HOME"]
    found = _found(home)
    cfg = _config(home, "[audit]\nenabled = false\n")
    assert selferase.record(home, cfg, found) == {"finding": found.id, "queued": 0,
                                                  "audit": "audit log disabled"}
    with Store.open() as store:
        assert [f.id for f in store.findings()] == [found.id]
    assert not os.path.exists(os.path.join(home, audit_log.AUDIT_DIR, audit_log.LOG_NAME))


def test_bad_audit_settings_are_named_and_the_finding_still_stored():
    home = os.environ["CCTRACE_HOME"]
    found = _found(home)
    cfg = _config(home, "[audit]\nanchor_paths = 5\n")
    assert selferase.record(home, cfg, found) == {
        "finding": found.id, "queued": 0,
        "error": "audit settings: audit.anchor_paths must be a list "
        "of paths"}
    with Store.open() as store:
        assert [f.id for f in store.findings()] == [found.id]


def test_an_audit_log_that_cannot_be_written_is_named():
    home = os.environ["CCTRACE_HOME"]
    found = _found(home)
    cfg = _config(home, "")
    with open(os.path.join(home, audit_log.AUDIT_DIR), "w") as f:  # a file where the folder goes
        f.write("x")
    assert selferase.record(home, cfg, found) == {
        "finding": found.id, "queued": 0, "error": "audit log not written: FileExistsError"}


def test_a_store_that_cannot_be_opened_is_named(capsys, monkeypatch):
    home = os.environ["CCTRACE_HOME"]
    found = _found(home)
    cfg = _config(home, "")
    with open(os.path.join(home, DB_NAME), "wb") as f:  # a damaged store file
        f.write(b"this is not an SQLite database, not even its header" * 100)
    assert selferase.record(home, cfg, found) == {
        "finding": found.id, "error": "finding not stored: DatabaseError"}


# -- the finding queued for export (`_queue`) and the audit setting in force (`audit_on`) ----

def _with_collector(home, extra=""):
    # A plain collector: one span batch per store-wide finding, no scores.
    return _config(home, f'[otlp]\nendpoint = "http://127.0.0.1:9/v1/traces"\n{extra}')


def test_a_new_finding_is_queued_once_for_the_configured_collector():
    home = os.environ["CCTRACE_HOME"]
    found = _found(home)
    cfg = _with_collector(home, "[audit]\nenabled = false\n")
    assert selferase.record(home, cfg, found) == {"finding": found.id, "queued": 1,
                                                  "audit": "audit log disabled"}
    # Recorded again (the same command seen twice): nothing new, nothing queued twice.
    assert selferase.record(home, cfg, found) == {"finding": found.id, "queued": 0,
                                                  "audit": "audit log disabled"}
    with Store.open() as store:
        assert len(store._read("SELECT id FROM outbox")) == 1


def test_without_a_loaded_config_nothing_is_queued_and_no_error_is_reported():
    home = os.environ["CCTRACE_HOME"]
    found = _found(home)
    with Store.open(home) as store:
        new = store.add_findings([found])
        assert selferase._queue(store, None, new) == {"queued": 0}
        assert store._read("SELECT id FROM outbox") == []


def test_a_queue_that_fails_is_reported_and_the_local_record_stands(monkeypatch):
    from cctrace.findings import export as findings_export

    def broken(store, findings, config):
        raise RuntimeError("outbox full")

    monkeypatch.setattr(findings_export, "enqueue_findings", broken)
    home = os.environ["CCTRACE_HOME"]
    found = _found(home)
    cfg = _with_collector(home, "[audit]\nenabled = false\n")
    assert selferase.record(home, cfg, found) == {
        "finding": found.id, "queued": 0, "export_error": "not queued: RuntimeError",
        "audit": "audit log disabled"}
    with Store.open() as store:
        assert [f.id for f in store.findings()] == [found.id]


def test_the_setting_before_an_edit_decides_over_the_file():
    # The edit turned the log off (the file says so); it was on before: sealed all the same.
    home = os.environ["CCTRACE_HOME"]
    found = _found(home)
    cfg = _config(home, "[audit]\nenabled = false\n")
    assert selferase.record(home, cfg, found, audit_on=True) == {
        "finding": found.id, "queued": 0, "checkpoint": 0}
    assert [(e["k"], e["id"]) for e in log_entries(home)][:1] == [
        ("finding", f"finding:{found.id}")]
