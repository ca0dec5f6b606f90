"""`cctrace.audit.configwatch`: an edit of config.toml cctrace did not make, inside a tool
call, is the agent's; one outside any tool call is only remembered."""

from __future__ import annotations

import os

from cctrace.audit import configwatch
from cctrace.cli import main as cli_main
from cctrace.store.db import Store
from cctrace.store.hooks import HookEvent
from store.helpers import SEC, T0

NOW = T0 + 3600 * SEC


def _home() -> str:
    return os.environ["CCTRACE_HOME"]


def _write(text: str, mtime_ns: int) -> None:
    os.makedirs(_home(), mode=0o700, exist_ok=True)
    path = os.path.join(_home(), "config.toml")
    with open(path, "w") as fh:
        fh.write(text)
    os.utime(path, ns=(mtime_ns, mtime_ns))


def _tool(store, sid: str, *events: tuple[str, int, str | None]) -> None:
    first = len(store._read("SELECT seq FROM hook_events")) + 1
    store.insert_hook_events([
        HookEvent(seq=first + i, received_ns=at, session_id=sid, event=name,
                  tool_use_id=use_id, payload={"tool_name": "Bash"})
        for i, (name, at, use_id) in enumerate(events)])


def test_cctraces_own_edit_is_remembered_and_never_a_finding(monkeypatch):
    monkeypatch.setattr(cli_main, "COMMANDS", ["config"])
    assert cli_main.main(["config", "set", "audit.enabled", "false"]) == 0
    sums = configwatch.remembered(_home())
    assert sums["keys"] == {"audit.enabled": sums["keys"]["audit.enabled"]}
    assert sums["audit"] is False
    with Store.open() as store:
        _tool(store, "s1", ("PreToolUse", NOW - 10 * SEC, "t1"))
        assert configwatch.check(store, _home(), pending=lambda: False, now_ns=NOW) == (None, True)


def test_an_edit_inside_a_tool_call_is_the_agents():
    _write('[audit]\nenabled = true\n[otlp]\nendpoint = "http://127.0.0.1:9/v1/traces"\n',
           NOW - 100 * SEC)
    configwatch.remember(_home())
    _write('[audit]\nenabled = false\n[otlp]\nendpoint = "http://127.0.0.1:9/v1/traces"\n'
           '[capture]\nlevel = "metadata"\n', NOW - 5 * SEC)
    with Store.open() as store:
        # s1: the call that ran over the change; s2: its call ended before; s3: a call
        # with no tool_use_id (Claude Code 1.0.x), still open.
        _tool(store, "s1", ("PreToolUse", NOW - 20 * SEC, "t1"),
              ("PostToolUse", NOW - 2 * SEC, "t1"))
        _tool(store, "s2", ("PreToolUse", NOW - 20 * SEC, "t2"),
              ("PostToolUse", NOW - 6 * SEC, "t2"))
        _tool(store, "s3", ("PreToolUse", NOW - 9 * SEC, None))
        found, audit_on = configwatch.check(store, _home(), pending=lambda: False, now_ns=NOW)
        assert audit_on is True
        assert (found.rule_id, found.severity, found.session_id) == (
            "audit.agent_tamper", "high", None)
        assert found.detail["action"] == ("config.toml edited outside cctrace (changed "
                                          "audit.enabled, capture.level)")
        assert found.detail["sessions"] == ["s1", "s3"]
        assert found.detail["reasons"] == [
            "session s1 was running a Bash tool call when the file changed",
            "session s3 was running a Bash tool call when the file changed"]
        # Decided once: the edit is now the remembered state.
        assert configwatch.check(store, _home(), pending=lambda: False, now_ns=NOW) == (None, True)


def test_an_edit_outside_any_tool_call_is_the_users_and_only_remembered():
    _write("[audit]\nenabled = true\n", NOW - 100 * SEC)
    configwatch.remember(_home())
    _write("[audit]\nenabled = false\n", NOW - 5 * SEC)
    with Store.open() as store:
        _tool(store, "s1", ("PreToolUse", NOW - 20 * SEC, "t1"),
              ("PostToolUse", NOW - 6 * SEC, "t1"))
        # Unread spool events may hold the call: wait, unless the change is old enough.
        assert configwatch.check(store, _home(), pending=lambda: True, now_ns=NOW) == (None, True)
        assert configwatch.remembered(_home())["audit"] is True
        assert configwatch.check(store, _home(), pending=lambda: True,
                                 now_ns=NOW + configwatch.SETTLE_NS) == (None, True)
        assert configwatch.remembered(_home())["audit"] is False


def test_a_deleted_or_broken_file_is_named_so_and_the_old_audit_setting_kept():
    _write("[audit]\nenabled = false\n", NOW - 100 * SEC)
    configwatch.remember(_home())
    _write("[audit\n", NOW - 5 * SEC)
    with Store.open() as store:
        _tool(store, "s1", ("PreToolUse", NOW - 20 * SEC, "t1"))
        found, audit_on = configwatch.check(store, _home(), pending=lambda: False, now_ns=NOW)
        assert (found.detail["action"], audit_on) == (
            "config.toml edited outside cctrace (made unreadable)", False)
        os.unlink(os.path.join(_home(), "config.toml"))
        os.utime(_home(), ns=(NOW - 3 * SEC, NOW - 3 * SEC))
        found, audit_on = configwatch.check(store, _home(), pending=lambda: False, now_ns=NOW)
        assert (found.detail["action"], audit_on) == (
            "config.toml edited outside cctrace (deleted)", True)


def test_the_first_look_only_remembers():
    _write("[audit]\nenabled = false\n", NOW - 5 * SEC)
    with Store.open() as store:
        _tool(store, "s1", ("PreToolUse", NOW - 20 * SEC, "t1"))
        assert configwatch.remembered(_home()) is None
        assert configwatch.check(store, _home(), pending=lambda: False, now_ns=NOW) == (None, True)
        assert configwatch.remembered(_home())["sha256"] != configwatch.ABSENT


def test_a_check_between_cctraces_remember_and_its_rename_sees_no_edit():
    _write("[audit]\nenabled = true\n", NOW - 100 * SEC)
    configwatch.remember(_home())
    tmp = os.path.join(_home(), ".config.x.toml.tmp")
    with open(tmp, "w") as fh:
        fh.write("[audit]\nenabled = false\n")
    configwatch.remember(_home(), source=tmp)
    with Store.open() as store:
        _tool(store, "s1", ("PreToolUse", NOW - 200 * SEC, "t1"))
        # The old file is still in place: not someone's edit, and nothing is decided.
        assert configwatch.check(store, _home(), pending=lambda: False, now_ns=NOW) == (
            None, True)
        os.replace(tmp, os.path.join(_home(), "config.toml"))
        assert configwatch.check(store, _home(), pending=lambda: False, now_ns=NOW) == (
            None, True)
        assert configwatch.remembered(_home())["audit"] is False
