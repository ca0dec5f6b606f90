"""`audit.configwatch` to the letter: the fingerprint's fields, the sum file, the bounds of a
tool call's window and of the wait for the spool, and the finding's words."""

from __future__ import annotations

import hashlib
import json
import os

import pytest

from cctrace.audit import configwatch
from cctrace.store.db import Store
from cctrace.store.hooks import HookEvent
from store.helpers import SEC, T0

NOW = T0 + 3600 * SEC
AT = NOW - 5 * SEC  # when the config changes in these tests


def _home() -> str:
    home = os.environ["CCTRACE_HOME"]
    os.makedirs(home, mode=0o700, exist_ok=True)
    return home


def _write(text: str | bytes, mtime_ns: int = AT) -> str:
    path = os.path.join(_home(), "config.toml")
    with open(path, "wb") as fh:
        fh.write(text.encode() if isinstance(text, str) else text)
    os.utime(path, ns=(mtime_ns, mtime_ns))
    return path


def _events(store, *events: tuple[str, str, int, str | None, dict]) -> None:
    first = len(store._read("SELECT seq FROM hook_events")) + 1
    store.insert_hook_events([
        HookEvent(seq=first + i, received_ns=at, session_id=sid, event=name, tool_use_id=uid,
                  payload=payload) for i, (sid, name, at, uid, payload) in enumerate(events)])


BASH = {"tool_name": "Bash"}


def _h(value) -> str:
    return hashlib.sha256(json.dumps(value, sort_keys=True, default=str).encode()
                          ).hexdigest()[:16]


def test_the_fingerprint_of_a_file_field_by_field():
    text = '[audit]\nenabled = false\n[x]\nrows = [{b = 1, a = 2}]\n'
    path = _write(text)
    st = os.stat(path)
    assert configwatch.fingerprint(_home()) == {
        "sha256": hashlib.sha256(text.encode()).hexdigest(), "mtime_ns": AT,
        "size": st.st_size, "ino": st.st_ino, "audit": False,
        "keys": {"audit.enabled": _h(False), "x.rows": _h([{"a": 2, "b": 1}])}}


def test_a_file_that_does_not_parse_or_is_missing():
    path = _write(b"[audit\n\xff")
    st = os.stat(path)
    assert configwatch.fingerprint(_home()) == {
        "sha256": hashlib.sha256(b"[audit\n\xff").hexdigest(), "mtime_ns": AT,
        "size": st.st_size, "ino": st.st_ino, "keys": None, "audit": True}
    os.unlink(path)
    os.utime(_home(), ns=(AT + 1, AT + 1))
    assert configwatch.fingerprint(_home()) == {
        "sha256": "absent", "mtime_ns": AT + 1, "size": 0, "ino": 0, "keys": {},
        "audit": True}
    assert configwatch.fingerprint(_home() + "-gone")["mtime_ns"] == 0


def test_the_sum_file_is_config_sum_sorted_json_and_only_a_fingerprint_is_read_back():
    _write("[audit]\nenabled = true\n")
    configwatch.remember(_home())
    path = os.path.join(_home(), "config.sum")
    with open(path) as fh:
        raw = fh.read()
    assert raw == json.dumps(configwatch.fingerprint(_home()), sort_keys=True)
    assert configwatch.remembered(_home()) == json.loads(raw)
    for bad in ('{"mtime_ns": 1}', '["sha256"]', '{"sha256": 5}', "not json"):
        with open(path, "w") as fh:
            fh.write(bad)
        assert configwatch.remembered(_home()) is None, bad


def test_unchanged_costs_one_stat_and_no_fingerprint(monkeypatch):
    _write("[audit]\nenabled = true\n")
    configwatch.remember(_home())

    def boom(*a, **k):
        raise AssertionError("fingerprinted an unchanged file")

    monkeypatch.setattr(configwatch, "fingerprint", boom)
    with Store.open() as store:
        assert configwatch.check(store, _home(), pending=lambda: False, now_ns=NOW) == (
            None, True)


def _changed(store, text: str = "[audit]\nenabled = false\n", mtime_ns: int = AT,
             pending: bool = False, now_ns: int = NOW):
    _write("[audit]\nenabled = true\n", mtime_ns - 100 * SEC)
    configwatch.remember(_home())
    _write(text, mtime_ns)
    return configwatch.check(store, _home(), pending=lambda: pending, now_ns=now_ns)


@pytest.mark.parametrize("started, open_", [(AT - configwatch.LOOKBACK_NS, True),
                                            (AT - configwatch.LOOKBACK_NS - 1, False),
                                            (AT, True), (AT + 1, False)])
def test_the_window_a_tool_call_is_looked_for_in(started, open_):
    with Store.open() as store:
        _events(store, ("s1", "PreToolUse", started, "t1", BASH))
        found, _ = _changed(store)
        assert (found is not None) == open_


def test_a_call_that_failed_before_the_change_is_over_and_a_nameless_tool_is_a_tool():
    with Store.open() as store:
        _events(store, ("s1", "PreToolUse", AT - 9 * SEC, "t1", BASH),
                ("s1", "PostToolUseFailure", AT - 8 * SEC, "t1", BASH),
                ("s2", "PreToolUse", AT - 7 * SEC, "t2", {}))
        found, _ = _changed(store)
        assert found.detail["reasons"] == [
            "session s2 was running a tool tool call when the file changed"]


def test_only_the_newest_events_are_looked_at(monkeypatch):
    monkeypatch.setattr(configwatch, "RECENT_EVENTS", 3)
    with Store.open() as store:
        _events(store, ("s1", "PreToolUse", AT - 9 * SEC, "t1", BASH),
                *[("s2", "Notification", AT - 8 * SEC + i, None, {}) for i in range(3)])
        assert _changed(store) == (None, True)


def test_the_default_bound_of_newest_events():
    assert (configwatch.RECENT_EVENTS, configwatch.LOOKBACK_NS, configwatch.SETTLE_NS) == (
        20_000, 30 * 60 * 10**9, 5 * 60 * 10**9)


@pytest.mark.parametrize("age, decided", [(configwatch.SETTLE_NS, True),
                                          (configwatch.SETTLE_NS - 1, False)])
def test_the_wait_for_the_spool_ends_at_settle(age, decided):
    with Store.open() as store:
        assert _changed(store, pending=True, now_ns=AT + age) == (None, True)
        assert (configwatch.remembered(_home())["audit"] is False) == decided


def test_the_words_for_many_keys_and_for_the_same_settings():
    with Store.open() as store:
        _events(store, ("s1", "PreToolUse", AT - 9 * SEC, "t1", BASH))
        many = "".join(f"k{i:03d}_{'x' * 20} = {i}\n" for i in range(20))
        found, _ = _changed(store, "[audit]\nenabled = true\n" + many)
        action = found.detail["action"]
        assert action.startswith("config.toml edited outside cctrace (changed audit.k000_")
        assert len(action) == len("config.toml edited outside cctrace (changed )") + 200
        found, _ = _changed(store, "# a comment\n[audit]\nenabled = true\n",
                            mtime_ns=AT + SEC)
        assert found.detail["action"] == (
            "config.toml edited outside cctrace (rewritten, same settings)")


def test_a_sum_that_does_not_say_whether_the_log_was_on_counts_as_on():
    with Store.open() as store:
        _events(store, ("s1", "PreToolUse", AT - 9 * SEC, "t1", BASH))
        _write("[audit]\nenabled = false\n", AT - 100 * SEC)
        old = configwatch.fingerprint(_home())
        del old["audit"]
        configwatch.remember(_home(), old)
        _write("[audit]\nenabled = true\n")
        found, audit_on = configwatch.check(store, _home(), pending=lambda: False,
                                            now_ns=NOW)
        assert found is not None and audit_on is True


def test_a_config_that_cannot_be_looked_at_is_left_for_the_next_step(monkeypatch):
    _write("[audit]\nenabled = true\n")
    configwatch.remember(_home())
    real = os.stat

    def stat(path, *args, **kwargs):
        if str(path).endswith("config.toml"):
            raise PermissionError(13, "denied")
        return real(path, *args, **kwargs)

    with Store.open() as store:
        monkeypatch.setattr(configwatch.os, "stat", stat)
        assert configwatch.check(store, _home(), pending=lambda: False, now_ns=NOW) == (
            None, True)
