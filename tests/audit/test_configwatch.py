"""`cctrace.audit.configwatch`: an edit of config.toml cctrace did not make, inside a tool
call, is the agent's; one outside any tool call is only remembered. The change's time is
the file's ctime, which no user call sets back: tool calls are placed around it."""

from __future__ import annotations

import json
import os

import pytest

from cctrace.audit import configwatch
from cctrace.cli import main as cli_main
from cctrace.store.db import Store
from cctrace.store.hooks import HookEvent
from store.helpers import SEC


def _home() -> str:
    return os.environ["CCTRACE_HOME"]


def _path() -> str:
    return os.path.join(_home(), "config.toml")


def _write(text: str) -> int:
    """Write the config as an editor would (a new file); its ctime."""
    os.makedirs(_home(), mode=0o700, exist_ok=True)
    with open(_path(), "w") as fh:
        fh.write(text)
    return os.stat(_path()).st_ctime_ns


def _remember_settled() -> None:
    """cctrace's sum of the file as it is, taken long enough after its last change that
    the stat alone tells a later write (what every step but the first after a change sees)."""
    print_ = configwatch.fingerprint(_home())
    configwatch.remember(_home(), {**print_,
                                   "seen_ns": print_["ctime_ns"] + configwatch.RACY_NS})


def _tool(store, sid: str, *events: tuple[str, int, str | None]) -> None:
    first = len(store._read("SELECT seq FROM hook_events")) + 1
    store.insert_hook_events([
        HookEvent(seq=first + i, received_ns=at, session_id=sid, event=name,
                  tool_use_id=use_id, payload={"tool_name": "Bash"})
        for i, (name, at, use_id) in enumerate(events)])


def _check(store, now: int, pending: bool = False):
    return configwatch.check(store, _home(), pending=lambda: pending, now_ns=now)


def test_cctraces_own_edit_is_remembered_and_never_a_finding(monkeypatch):
    monkeypatch.setattr(cli_main, "COMMANDS", ["config"])
    assert cli_main.main(["config", "set", "audit.enabled", "true"]) == 0
    at = os.stat(_path()).st_ctime_ns
    with Store.open() as store:
        _tool(store, "s1", ("PreToolUse", at - 10 * SEC, "t1"))
        assert _check(store, at + SEC) == (None, True)
        # A second write: the sum kept the temporary file's stat, the rename gave the
        # file a new ctime, and the digest tells it is still cctrace's.
        assert cli_main.main(["config", "set", "audit.enabled", "false"]) == 0
        assert os.stat(_path()).st_ctime_ns != configwatch.remembered(_home())["ctime_ns"]
        assert _check(store, at + 2 * SEC) == (None, True)
        sums, problem = configwatch.trusted(_home())
        assert problem is None
        assert (sums["audit"], sums["ctime_ns"]) == (False, os.stat(_path()).st_ctime_ns)
        assert sums["keys"] == {"audit.enabled": sums["keys"]["audit.enabled"]}


def test_an_edit_inside_a_tool_call_is_the_agents():
    _write('[audit]\nenabled = true\n[otlp]\nendpoint = "http://127.0.0.1:9/v1/traces"\n')
    configwatch.remember(_home())
    at = _write('[audit]\nenabled = false\n[otlp]\nendpoint = "http://127.0.0.1:9/v1/traces"\n'
                '[capture]\nlevel = "metadata"\n')
    with Store.open() as store:
        # s1: the call that ran over the change; s2: its call ended before; s3: a call
        # with no tool_use_id (Claude Code 1.0.x), still open.
        _tool(store, "s1", ("PreToolUse", at - 15 * SEC, "t1"),
              ("PostToolUse", at + 3 * SEC, "t1"))
        _tool(store, "s2", ("PreToolUse", at - 15 * SEC, "t2"),
              ("PostToolUse", at - 1 * SEC, "t2"))
        _tool(store, "s3", ("PreToolUse", at - 4 * SEC, None))
        found, audit_on = _check(store, at + 5 * SEC)
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
        assert _check(store, at + 5 * SEC) == (None, True)


def test_a_same_size_edit_in_place_with_the_mtime_set_back_is_found_by_its_ctime():
    at = _write("[audit]\nenabled = true \n")
    old_mtime = at - 3600 * SEC
    os.utime(_path(), ns=(old_mtime, old_mtime))
    _remember_settled()
    before = os.stat(_path())
    with Store.open() as store:
        # s0's call was open at the old mtime and ended long before the edit.
        _tool(store, "s0", ("PreToolUse", old_mtime - SEC, "t0"),
              ("PostToolUse", old_mtime + SEC, "t0"))
        with open(_path(), "r+b") as fh:  # `sed -i`-like, but the same inode
            fh.write(b"[audit]\nenabled = false\n")
        os.utime(_path(), ns=(before.st_atime_ns, before.st_mtime_ns))  # `touch -d`
        after = os.stat(_path())
        assert (after.st_mtime_ns, after.st_size, after.st_ino) == (
            old_mtime, before.st_size, before.st_ino)
        _tool(store, "s1", ("PreToolUse", after.st_ctime_ns - 20 * SEC, "t1"))
        found, audit_on = _check(store, after.st_ctime_ns + 5 * SEC)
        assert (found.detail["action"], found.detail["sessions"], audit_on) == (
            "config.toml edited outside cctrace (changed audit.enabled)", ["s1"], True)


def test_a_touch_or_chmod_that_keeps_the_content_stays_quiet():
    _write("[audit]\nenabled = true\n")
    _remember_settled()
    remembered = configwatch.remembered(_home())
    with Store.open() as store:
        os.utime(_path(), ns=(1, 1))
        os.chmod(_path(), 0o644)
        at = os.stat(_path()).st_ctime_ns
        _tool(store, "s1", ("PreToolUse", at - 10 * SEC, "t1"))
        assert _check(store, at + SEC) == (None, True)
    sums, problem = configwatch.trusted(_home())
    assert problem is None
    assert (sums["sha256"], sums["ctime_ns"]) == (remembered["sha256"], at)


def _forge(text: str, **extra) -> int:
    """The agent's edit of both files: the config and a sum that matches it; the sum's
    ctime."""
    _write(text)
    forged = {**configwatch.fingerprint(_home()), "written_ns": 0, **extra}
    with open(os.path.join(_home(), "config.sum"), "w") as fh:
        json.dump(forged, fh, sort_keys=True)
    return os.stat(os.path.join(_home(), "config.sum")).st_ctime_ns


@pytest.mark.parametrize("forgery", ["unsigned", "zero mac", "mac not a string",
                                     "another key", "not json"])
def test_a_sum_rewritten_to_match_the_edit_is_found_and_replaced(forgery):
    _write("[audit]\nenabled = false\n")
    configwatch.remember(_home())
    text = "[audit]\nenabled = true\n[x]\nn = 1\n"
    at = _forge(text, **{"zero mac": {"mac": "0" * 64}, "mac not a string": {"mac": 5}}
                .get(forgery, {}))
    sum_path = os.path.join(_home(), "config.sum")
    if forgery == "another key":
        forged = configwatch.remembered(_home())
        forged["mac"] = configwatch.mac(bytes(32), forged)
        with open(sum_path, "w") as fh:
            json.dump(forged, fh)
    elif forgery == "not json":
        with open(sum_path, "w") as fh:
            fh.write("{")
    at = os.stat(sum_path).st_ctime_ns
    with Store.open() as store:
        _tool(store, "s1", ("PreToolUse", at - 10 * SEC, "t1"))
        found, audit_on = _check(store, at + SEC)
        # The log was off before the edit, but the forged sum cannot say so: sealed.
        assert (found.detail["action"], found.detail["sessions"], audit_on) == (
            "config.sum rewritten outside cctrace", ["s1"], True)
        # Fingerprinted anew, signed: the next step has nothing to say.
        sums, problem = configwatch.trusted(_home())
        assert (problem, sums["keys"]["x.n"], sums["audit"]) == (
            None, configwatch.fingerprint(_home())["keys"]["x.n"], True)
        assert _check(store, at + 2 * SEC) == (None, True)


def test_a_deleted_sum_is_found():
    _write("[audit]\nenabled = true\n")
    configwatch.remember(_home())
    os.unlink(os.path.join(_home(), "config.sum"))
    at = os.stat(_home()).st_ctime_ns
    with Store.open() as store:
        _tool(store, "s1", ("PreToolUse", at - 10 * SEC, "t1"))
        found, _ = _check(store, at + SEC)
        assert (found.detail["action"], found.detail["sessions"]) == (
            "config.sum deleted outside cctrace", ["s1"])


def test_a_sum_rewritten_outside_every_tool_call_is_only_replaced():
    """The user's restore of a copy: no finding; until the spool is read it waits."""
    _write("[audit]\nenabled = true\n")
    configwatch.remember(_home())
    at = _forge("[audit]\nenabled = false\n")
    with Store.open() as store:
        _tool(store, "s1", ("PreToolUse", at - 20 * SEC, "t1"),
              ("PostToolUse", at - 10 * SEC, "t1"))
        assert _check(store, at + 2 * SEC, pending=True) == (None, True)
        assert configwatch.trusted(_home())[1] == "rewritten"
        assert _check(store, at + 2 * SEC) == (None, True)
        assert configwatch.trusted(_home())[0]["audit"] is False


def test_an_old_sum_of_cctraces_own_copied_back_is_a_rewrite():
    _write("[audit]\nenabled = true\n")
    configwatch.remember(_home())
    old = configwatch.remembered(_home())
    key, _ = configwatch._key(_home())
    # A sum cctrace signed 11 s ago, put back with its config by the agent.
    replay = {**old, "written_ns": old["written_ns"] - configwatch.SUM_SKEW_NS - SEC}
    replay["mac"] = configwatch.mac(key, replay)
    _write("[audit]\nenabled = true\n")
    with open(os.path.join(_home(), "config.sum"), "w") as fh:
        json.dump(replay, fh)
    at = os.stat(os.path.join(_home(), "config.sum")).st_ctime_ns
    with Store.open() as store:
        _tool(store, "s1", ("PreToolUse", at - 10 * SEC, "t1"))
        found, _ = _check(store, at + SEC)
        assert found.detail["action"] == "config.sum rewritten outside cctrace"


def test_a_sum_of_an_older_cctrace_is_compared_once_then_signed():
    """The sums before this version had no key, ctime or mac: the first look after the
    upgrade compares the digest as the old version did, then keeps a signed sum."""
    _write("[audit]\nenabled = true\n")
    legacy = {k: v for k, v in configwatch.fingerprint(_home()).items()
              if k not in ("ctime_ns", "seen_ns")}
    legacy["mtime_ns"] = os.stat(_path()).st_mtime_ns
    with open(os.path.join(_home(), "config.sum"), "w") as fh:
        json.dump(legacy, fh, sort_keys=True)
    at = os.stat(_path()).st_ctime_ns
    with Store.open() as store:
        _tool(store, "s1", ("PreToolUse", at - 10 * SEC, "t1"))
        assert _check(store, at + SEC) == (None, True)
        sums, problem = configwatch.trusted(_home())
        assert (problem, sums["ctime_ns"], sums["sha256"]) == (None, at, legacy["sha256"])
        assert "mac" in sums
        # From now on an unsigned sum is not cctrace's.
        at = _forge("[audit]\nenabled = false\n")
        _tool(store, "s1", ("PreToolUse", at - 5 * SEC, "t2"))
        found, _ = _check(store, at + SEC)
        assert found.detail["action"] == "config.sum rewritten outside cctrace"


def test_an_older_sum_that_differs_is_an_edit_by_the_old_rules():
    _write("[audit]\nenabled = false\n")
    legacy = configwatch.fingerprint(_home())
    with open(os.path.join(_home(), "config.sum"), "w") as fh:
        json.dump(legacy, fh, sort_keys=True)
    at = _write("[audit]\nenabled = true\n")
    with Store.open() as store:
        _tool(store, "s1", ("PreToolUse", at - 10 * SEC, "t1"))
        found, audit_on = _check(store, at + SEC)
        assert (found.detail["action"], audit_on) == (
            "config.toml edited outside cctrace (changed audit.enabled)", False)


def test_an_edit_outside_any_tool_call_is_the_users_and_only_remembered():
    _write("[audit]\nenabled = true\n")
    configwatch.remember(_home())
    at = _write("[audit]\nenabled = false\n")
    with Store.open() as store:
        _tool(store, "s1", ("PreToolUse", at - 20 * SEC, "t1"),
              ("PostToolUse", at - 1 * SEC, "t1"))
        # Unread spool events may hold the call: wait, unless the change is old enough.
        assert _check(store, at + 5 * SEC, pending=True) == (None, True)
        assert configwatch.remembered(_home())["audit"] is True
        assert _check(store, at + configwatch.SETTLE_NS, pending=True) == (None, True)
        assert configwatch.remembered(_home())["audit"] is False


def test_a_deleted_or_broken_file_is_named_so_and_the_old_audit_setting_kept():
    _write("[audit]\nenabled = false\n")
    configwatch.remember(_home())
    at = _write("[audit\n")
    with Store.open() as store:
        _tool(store, "s1", ("PreToolUse", at - 20 * SEC, "t1"))
        found, audit_on = _check(store, at + 5 * SEC)
        assert (found.detail["action"], audit_on) == (
            "config.toml edited outside cctrace (made unreadable)", False)
        os.unlink(_path())
        at = os.stat(_home()).st_ctime_ns
        found, audit_on = _check(store, at + 5 * SEC)
        assert (found.detail["action"], audit_on) == (
            "config.toml edited outside cctrace (deleted)", True)


def test_the_first_look_only_remembers():
    at = _write("[audit]\nenabled = false\n")
    with Store.open() as store:
        _tool(store, "s1", ("PreToolUse", at - 20 * SEC, "t1"))
        assert configwatch.remembered(_home()) is None
        assert _check(store, at + 5 * SEC) == (None, True)
        assert configwatch.remembered(_home())["sha256"] != configwatch.ABSENT


def test_a_check_between_cctraces_remember_and_its_rename_sees_no_edit():
    _write("[audit]\nenabled = true\n")
    configwatch.remember(_home())
    tmp = os.path.join(_home(), ".config.x.toml.tmp")
    with open(tmp, "w") as fh:
        fh.write("[audit]\nenabled = false\n")
    configwatch.remember(_home(), source=tmp)
    at = os.stat(tmp).st_ctime_ns
    with Store.open() as store:
        _tool(store, "s1", ("PreToolUse", at - 200 * SEC, "t1"))
        # The old file is still in place: not someone's edit, and nothing is decided.
        assert _check(store, at + 5 * SEC) == (None, True)
        os.replace(tmp, _path())
        assert _check(store, at + 5 * SEC) == (None, True)
        assert configwatch.remembered(_home())["audit"] is False
