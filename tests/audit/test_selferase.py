"""`cctrace.audit.selferase`: when an erasure or a change looks like an agent's, and the
record it leaves where no purge reaches."""

from __future__ import annotations

import json
import os

import pytest

from cctrace import audit
from cctrace import config as config_mod
from cctrace.audit import selferase
from cctrace.audit import verify as audit_verify
from cctrace.cli import main as cli_main
from cctrace.export import outbox
from cctrace.model import ids
from cctrace.spool import writer
from cctrace.store.db import Store
from cctrace.store.hooks import HookEvent
from cctrace.worker import lifecycle
from store.helpers import SEC, T0, turn
from support.configure import langfuse_toml, write_config
from support.otlp_receiver import OTLPReceiver

NOW = T0 + 3600 * SEC


def _proc(root, tree: dict[int, tuple[int, list[str]]]) -> str:
    """A fake /proc: pid -> (ppid, argv)."""
    for pid, (ppid, argv) in tree.items():
        d = root / str(pid)
        d.mkdir(parents=True)
        (d / "stat").write_text(f"{pid} (a name) with) S {ppid} 1 1 0\n")
        (d / "cmdline").write_bytes(b"\0".join(a.encode() for a in argv) + b"\0")
    return str(root)


@pytest.mark.parametrize("argv", [
    ["/home/u/.local/bin/claude", "-p", "hi"],
    ["claude"],
    ["node", "/usr/lib/node_modules/@anthropic-ai/claude-code/cli.js"],
])
def test_a_claude_process_above_is_found_through_the_shells(tmp_path, argv):
    proc = _proc(tmp_path, {40: (30, ["cctrace", "purge"]), 30: (20, ["bash", "-c", "x"]),
                            20: (10, argv), 10: (1, ["sshd"])})
    assert selferase.claude_ancestor(40, proc) == 20
    assert selferase.marks({}, 40, proc) == ["run below a Claude Code process (pid 20)"]


def test_no_claude_above_no_proc_or_a_cycle_bound_is_none(tmp_path):
    proc = _proc(tmp_path / "a", {40: (30, ["cctrace"]), 30: (1, ["bash", "claudette"])})
    assert selferase.claude_ancestor(40, proc) is None
    assert selferase.claude_ancestor(40, str(tmp_path / "missing")) is None
    loop = _proc(tmp_path / "b", {5: (6, ["sh"]), 6: (5, ["sh"])})
    assert selferase.claude_ancestor(5, loop) is None


def test_the_environment_marks_count_each(tmp_path):
    none = str(tmp_path / "none")
    assert selferase.marks({"CLAUDECODE": "1", "CLAUDE_CODE_ENTRYPOINT": "cli"}, 1, none) == [
        "environment variable CLAUDECODE is set",
        "environment variable CLAUDE_CODE_ENTRYPOINT is set"]
    assert selferase.marks({"CLAUDECODE": ""}, 1, none) == []


def _events(store, sid, *names, at=NOW - 60 * SEC, path=None):
    first = len(store._read("SELECT seq FROM hook_events")) + 1
    return store.insert_hook_events([
        HookEvent(seq=first + i, received_ns=at + i, session_id=sid, event=name,
                  transcript_path=path) for i, name in enumerate(names)])


def test_live_means_a_recent_event_and_no_session_end(tmp_path):
    home = os.environ["CCTRACE_HOME"]
    with Store.open() as store:
        _events(store, "running", "SessionStart", "PreToolUse")
        _events(store, "ended", "SessionStart", "SessionEnd")
        _events(store, "old", "SessionStart", at=NOW - selferase.LIVE_NS - SEC)
        transcript = tmp_path / "t.jsonl"
        transcript.write_text("{}\n")
        os.utime(transcript, ns=(NOW - 5 * SEC, NOW - 5 * SEC))
        _events(store, "written", "Stop", at=NOW - selferase.LIVE_NS - SEC,
                path=str(transcript))
        assert selferase.live_sessions(store, home, ["running", "ended", "old", "written",
                                                     "unknown"], NOW) == ["running", "written"]


def test_the_spool_decides_before_the_store_does():
    home = os.environ["CCTRACE_HOME"]

    def spool(sid, name):
        body = json.dumps({"session_id": sid, "hook_event_name": name}).encode()
        writer.append(home, body, received_ns=NOW, event=name, fsync=False)

    with Store.open() as store:
        _events(store, "closing", "SessionStart")
        _events(store, "fresh-start", "SessionEnd")
        spool("closing", "SessionEnd")
        spool("fresh-start", "UserPromptSubmit")
        spool("only-spooled", "PreToolUse")
        assert selferase.live_sessions(store, home, ["closing", "fresh-start", "only-spooled"],
                                       NOW) == ["fresh-start", "only-spooled"]


def test_a_finished_sessions_erasure_from_outside_earns_nothing():
    home = os.environ["CCTRACE_HOME"]
    with Store.open() as store:
        _events(store, "done", "SessionStart", "SessionEnd")
        assert selferase.check_erasure(store, home, "cctrace purge --session done", ["done"],
                                       {}, NOW) is None
    assert selferase.check_change("cctrace config set x 1", {}) is None


def test_the_finding_names_action_reasons_and_sessions():
    f = selferase.check_change("cctrace config set capture.policy off", {"CLAUDECODE": "1"},
                               NOW, user="ann")
    assert (f.kind, f.rule_id, f.severity, f.session_id, f.trace_id) == (
        "tamper", "audit.agent_tamper", "high", None, None)
    assert f.title == ("`cctrace config set capture.policy off` run as if by an agent: "
                       "environment variable CLAUDECODE is set")
    assert f.detail == {"action": "cctrace config set capture.policy off", "sessions": [],
                        "reasons": ["environment variable CLAUDECODE is set"], "by": "ann"}
    assert f.scores == {"cctrace.tamper": 1.0}
    assert f.id == selferase.finding("cctrace config set capture.policy off", ["x"],
                                     now_ns=NOW).id


def _seeded():
    home = os.environ["CCTRACE_HOME"]
    with Store.open() as store:
        pairs = store.insert_traces([turn("sess-live", "a", T0)])
        entries = audit.entries_from_traces(pairs, store.row_digests)
        events = _events(store, "sess-live", "SessionStart", "UserPromptSubmit", at=NOW)
        entries += audit.entries_from_hook_events(events, store.row_digests)
    assert audit.record(home, entries, config_mod.load(home))
    return home


def test_an_agent_purging_its_running_session_leaves_a_finding_no_purge_removes(
        capsys, monkeypatch):
    monkeypatch.setattr(cli_main, "COMMANDS", ["purge", "verify"])
    monkeypatch.setattr(selferase.time, "time_ns", lambda: NOW + SEC)
    home = _seeded()
    assert cli_main.main(["purge", "--session", "sess-live", "--local-only", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["alarm"]["reasons"] == ["session sess-live is still running"]
    assert report["alarm"]["checkpoint"] is not None
    # A second purge of the same session, and of everything before a far date, keep it.
    assert cli_main.main(["purge", "--session", "sess-live", "--local-only"]) == 1
    assert cli_main.main(["purge", "--before", "2100-01-01", "--local-only"]) == 0
    with Store.open() as store:
        left = store.findings()
        assert [(f.rule_id, f.session_id, f.detail["sessions"]) for f in left] == [
            ("audit.agent_tamper", None, ["sess-live"])]
        assert store.session("sess-live") is None
    assert audit_verify.verify_state(home).damage == []


def test_deleting_the_finding_row_is_named_by_verify(capsys, monkeypatch):
    monkeypatch.setattr(cli_main, "COMMANDS", ["purge", "verify"])
    monkeypatch.setattr(selferase.time, "time_ns", lambda: NOW + SEC)
    _seeded()
    assert cli_main.main(["purge", "--session", "sess-live", "--local-only"]) == 0
    out = capsys.readouterr().out
    assert "recorded as high finding" in out and "which no purge removes" in out
    with Store.open() as store:
        with store.transaction() as conn:
            conn.execute("DELETE FROM findings")
    assert cli_main.main(["verify"]) == 1
    out = capsys.readouterr().out
    assert "(audit.agent_tamper): deleted with no erasure on record" in out


def test_deleting_the_quarantine_from_inside_claude_code_is_recorded(capsys, monkeypatch):
    monkeypatch.setattr(cli_main, "COMMANDS", ["purge", "verify"])
    monkeypatch.setenv("CLAUDECODE", "1")
    assert cli_main.main(["purge", "--quarantine", "--local-only"]) == 0
    with Store.open() as store:
        assert [(f.detail["action"], f.detail["reasons"]) for f in store.findings()] == [
            ("cctrace purge --quarantine", ["environment variable CLAUDECODE is set"])]
    monkeypatch.delenv("CLAUDECODE")
    assert cli_main.main(["purge", "--quarantine", "--local-only"]) == 0
    with Store.open() as store:
        assert len(store.findings()) == 1


def test_the_record_is_exported_and_a_purge_of_its_session_does_not_unsend_it(
        capsys, monkeypatch):
    """The agent's purge (Langfuse configured) queues the record for Langfuse and starts a
    worker to send it; neither that purge nor the user's purge of everything after it
    deletes the record's batches, trace or scores, which arrive on a trace of their own."""
    monkeypatch.setattr(cli_main, "COMMANDS", ["purge"])
    monkeypatch.setattr(selferase.time, "time_ns", lambda: NOW + SEC)
    woken: list[str] = []
    monkeypatch.setattr(lifecycle, "wake_worker",
                        lambda state_dir, runtime=None: woken.append(state_dir) or True)
    home = _seeded()
    with OTLPReceiver() as recv:
        write_config(langfuse_toml(recv.base_url, "pk-lf-t", "sk-lf-t"), home)
        assert cli_main.main(["purge", "--session", "sess-live", "--json"]) == 0
        alarm = json.loads(capsys.readouterr().out)["alarm"]
        assert alarm["queued"] == 4  # three scores and the span batch of its own trace
        assert woken == [home]
        own = ids.trace_id(f"findings:{alarm['finding']}")
        assert recv.deleted_trace_ids() == [ids.trace_id("a")]
        assert cli_main.main(["purge", "--before", "2100-01-01"]) == 0
        assert recv.deleted_score_ids() == [] and own not in recv.deleted_trace_ids()
        with Store.open() as store:
            assert outbox.flush(store, config_mod.load(home), timeout=10).ok
        assert sorted((s["name"], s["traceId"]) for s in recv.scores()) == [
            ("cctrace.risk", own), ("cctrace.severity", own), ("cctrace.tamper", own)]
        assert [(s["trace_id"], s["name"], s["attributes"]["langfuse.observation.metadata."
                                                          "cctrace.finding.sessions"])
                for s in recv.spans()] == [(own, "finding audit.agent_tamper",
                                            '["sess-live"]')]


def test_without_a_destination_nothing_is_queued_and_no_worker_started(capsys, monkeypatch):
    monkeypatch.setattr(cli_main, "COMMANDS", ["purge"])
    monkeypatch.setattr(selferase.time, "time_ns", lambda: NOW + SEC)
    woken: list[str] = []
    monkeypatch.setattr(lifecycle, "wake_worker",
                        lambda state_dir, runtime=None: woken.append(state_dir) or True)
    _seeded()
    assert cli_main.main(["purge", "--session", "sess-live", "--local-only", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["alarm"]["queued"] == 0
    assert woken == []
    with Store.open() as store:
        assert store.due_batches(None, 2**62) == []


@pytest.mark.parametrize("ended, idle_ns, alarm", [
    # No SessionEnd, last activity 1 s inside the 30 minutes: still running, recorded.
    (False, selferase.LIVE_NS - SEC, ["session sess-old is still running"]),
    # No SessionEnd, idle 1 s longer than 30 minutes: reads as the user's.
    (False, selferase.LIVE_NS + SEC, None),
    # Ended, whenever: reads as the user's at once (a minute after, or much later).
    (True, 60 * SEC, None),
    (True, selferase.LIVE_NS + SEC, None),
])
def test_a_detached_purge_with_the_markers_unset_reads_as_the_users_once_the_session_is_over(
        tmp_path, capsys, monkeypatch, ended, idle_ns, alarm):
    """The documented gap (THREAT_MODEL.md, docs/security.md), pinned: an agent can leave
    `setsid -f sh -c 'sleep 2000; env -u CLAUDECODE -u CLAUDE_CODE_ENTRYPOINT cctrace purge
    --session <own>'` behind. When it runs it has no Claude Code variable and, reparented
    to init, no `claude` process above it: with its session ended, or idle past
    `LIVE_NS`, nothing tells it from the user's own purge. No finding; the session goes."""
    monkeypatch.setattr(cli_main, "COMMANDS", ["purge"])
    for name in selferase.ENV_MARKS:
        monkeypatch.delenv(name, raising=False)
    proc = _proc(tmp_path / "proc", {os.getpid(): (1, ["cctrace", "purge"])})
    monkeypatch.setattr(selferase, "PROC", proc)
    assert selferase.marks() == []
    monkeypatch.setattr(selferase.time, "time_ns", lambda: NOW)
    with Store.open() as store:
        store.insert_traces([turn("sess-old", "a", T0)])
        _events(store, "sess-old", "SessionStart", "UserPromptSubmit",
                *(["SessionEnd"] if ended else []), at=NOW - idle_ns - 10)
    assert cli_main.main(["purge", "--session", "sess-old", "--local-only", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert (report["alarm"]["reasons"] if "alarm" in report else None) == alarm
    with Store.open() as store:
        assert [f.rule_id for f in store.findings()] == (
            ["audit.agent_tamper"] if alarm else [])
        assert store.session("sess-old") is None
