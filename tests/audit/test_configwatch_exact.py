"""`audit.configwatch` to the letter: the fingerprint's fields, the sum file and its
signature, the bounds of a tool call's window, of the wait for the spool, of a racy stat
and of a sum's age, the key, and the finding's words. Times are the files' real ctimes
(no call sets one), so tool calls are placed around them."""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import types

import pytest

from cctrace.audit import configwatch
from cctrace.security import keys
from cctrace.store.db import Store
from cctrace.store.hooks import HookEvent
from store.helpers import SEC


def _home() -> str:
    home = os.environ["CCTRACE_HOME"]
    os.makedirs(home, mode=0o700, exist_ok=True)
    return home


def _sum_path() -> str:
    return os.path.join(_home(), "config.sum")


def _write(text: str | bytes) -> int:
    """The config written anew; its ctime."""
    path = os.path.join(_home(), "config.toml")
    with open(path, "wb") as fh:
        fh.write(text.encode() if isinstance(text, str) else text)
    return os.stat(path).st_ctime_ns


def _events(store, *events: tuple[str, str, int, str | None, dict]) -> None:
    first = len(store._read("SELECT seq FROM hook_events")) + 1
    store.insert_hook_events([
        HookEvent(seq=first + i, received_ns=at, session_id=sid, event=name, tool_use_id=uid,
                  payload=payload) for i, (sid, name, at, uid, payload) in enumerate(events)])


BASH = {"tool_name": "Bash"}


def _h(value) -> str:
    return hashlib.sha256(json.dumps(value, sort_keys=True, default=str).encode()
                          ).hexdigest()[:16]


def _clock(monkeypatch, ns: int) -> None:
    monkeypatch.setattr(configwatch, "time", types.SimpleNamespace(time_ns=lambda: ns))


def test_the_fingerprint_of_a_file_field_by_field(monkeypatch):
    text = '[audit]\nenabled = false\n[x]\nrows = [{b = 1, a = 2}]\n'
    at = _write(text)
    st = os.stat(os.path.join(_home(), "config.toml"))
    _clock(monkeypatch, 42)
    assert configwatch.fingerprint(_home()) == {
        "sha256": hashlib.sha256(text.encode()).hexdigest(), "ctime_ns": at,
        "size": st.st_size, "ino": st.st_ino, "audit": False, "seen_ns": 42,
        "keys": {"audit.enabled": _h(False), "x.rows": _h([{"a": 2, "b": 1}])}}


def test_a_file_that_does_not_parse_or_is_missing(monkeypatch):
    at = _write(b"[audit\n\xff")
    st = os.stat(os.path.join(_home(), "config.toml"))
    _clock(monkeypatch, 7)
    assert configwatch.fingerprint(_home()) == {
        "sha256": hashlib.sha256(b"[audit\n\xff").hexdigest(), "ctime_ns": at,
        "size": st.st_size, "ino": st.st_ino, "keys": None, "audit": True, "seen_ns": 7}
    os.unlink(os.path.join(_home(), "config.toml"))
    assert configwatch.fingerprint(_home()) == {
        "sha256": "absent", "ctime_ns": os.stat(_home()).st_ctime_ns, "size": 0, "ino": 0,
        "keys": {}, "audit": True, "seen_ns": 7}
    assert configwatch.fingerprint(_home() + "-gone")["ctime_ns"] == 0


def test_the_sum_file_is_config_sum_signed_sorted_json(monkeypatch):
    _write("[audit]\nenabled = true\n")
    print_ = configwatch.fingerprint(_home())
    _clock(monkeypatch, 99)
    configwatch.remember(_home(), {**print_, "mac": "stale"})
    with open(_sum_path()) as fh:
        raw = fh.read()
    with open(keys.key_path("config-sum-key", _home())) as fh:
        key = bytes.fromhex(fh.read().strip())
    body = {**print_, "written_ns": 99}
    signed = hmac.new(key, b"cctrace-config-sum-v1\x00" + json.dumps(body, sort_keys=True)
                      .encode(), hashlib.sha256).hexdigest()
    assert raw == json.dumps({**body, "mac": signed}, sort_keys=True)
    assert configwatch.mac(key, {**body, "mac": "x"}) == signed
    assert configwatch.remembered(_home()) == json.loads(raw)
    for bad in ('{"mtime_ns": 1}', '["sha256"]', '{"sha256": 5}', "not json"):
        with open(_sum_path(), "w") as fh:
            fh.write(bad)
        assert configwatch.remembered(_home()) is None, bad
        assert configwatch.trusted(_home()) == (None, "rewritten"), bad


def test_the_sum_key_is_kept_as_a_secret_and_read_once():
    _write("[audit]\nenabled = true\n")
    configwatch.remember(_home())
    path = keys.key_path("config-sum-key", _home())
    with open(path) as fh:
        key = bytes.fromhex(fh.read().strip())
    assert len(key) == 32 and os.stat(path).st_mode & 0o777 == 0o600
    assert configwatch._KEYS[_home()] == key
    os.unlink(path)  # still known to this process: what it signed still verifies
    assert configwatch.trusted(_home())[1] is None
    assert configwatch._key(_home()) == (key, True)


def test_a_verified_sum_is_not_read_again_until_its_file_changes(monkeypatch):
    _write("[audit]\nenabled = true\n")
    configwatch.remember(_home())
    first = configwatch.trusted(_home())
    assert first[1] is None
    st = os.stat(_sum_path())
    assert configwatch._VERIFIED[_home()] == (
        (st.st_ctime_ns, st.st_size, st.st_ino), configwatch._KEYS[_home()], first[0])
    real = open

    def no_read(path, *a, **k):
        if str(path).endswith("config.sum"):
            raise AssertionError("read again")
        return real(path, *a, **k)

    monkeypatch.setattr("builtins.open", no_read)
    assert configwatch.trusted(_home()) == first
    monkeypatch.setattr("builtins.open", real)
    configwatch.remember(_home())  # a new file: read and verified again
    second = configwatch.trusted(_home())
    assert second[1] is None and second[0]["written_ns"] > first[0]["written_ns"]
    configwatch._KEYS[_home()] = bytes(32)  # another key: not what verified it
    monkeypatch.setattr("builtins.open", no_read)
    with pytest.raises(AssertionError, match="read again"):
        configwatch.trusted(_home())


def test_a_state_dir_made_anew_is_read_with_its_own_key():
    _write("[audit]\nenabled = true\n")
    configwatch.remember(_home())
    configwatch._KEYS[_home()] = bytes(32)  # an older dir's key
    data, problem = configwatch.trusted(_home())
    assert (problem, data["sha256"]) == (None, configwatch.fingerprint(_home())["sha256"])
    assert configwatch._KEYS[_home()] != bytes(32)


def test_a_key_overwritten_with_no_key_is_replaced_and_its_sums_are_rewritten():
    _write("[audit]\nenabled = true\n")
    configwatch.remember(_home())
    configwatch._KEYS.clear()
    path = keys.key_path("config-sum-key", _home())
    with open(path, "w") as fh:
        fh.write("not a key\n")
    assert configwatch.trusted(_home()) == (None, "rewritten")
    with open(path) as fh:
        assert len(bytes.fromhex(fh.read().strip())) == 32


def test_a_key_that_cannot_be_read_stops_the_check_and_leaves_an_unsigned_sum(monkeypatch):
    def unavailable(*a, **k):
        raise keys.KeyUnavailable("locked")

    _write("[audit]\nenabled = true\n")
    with Store.open() as store:
        monkeypatch.setattr(keys, "load_or_create_binary_key", unavailable)
        # A sum once signed, kept again: its old mac must not be written back with it.
        configwatch.remember(_home(), {**configwatch.fingerprint(_home()), "mac": "old"})
        assert sorted(configwatch.remembered(_home())) == [
            "audit", "ctime_ns", "ino", "keys", "seen_ns", "sha256", "size", "written_ns"]
        with pytest.raises(keys.KeyUnavailable):
            configwatch.check(store, _home(), pending=lambda: False)


def test_a_sum_without_a_time_or_one_too_far_from_its_files_ctime(monkeypatch):
    _write("[audit]\nenabled = true\n")
    configwatch.remember(_home())
    written = configwatch.remembered(_home())["written_ns"]
    real = os.fstat
    for ctime, ok in ((written + configwatch.SUM_SKEW_NS, True),
                      (written - configwatch.SUM_SKEW_NS, True),
                      (written + configwatch.SUM_SKEW_NS + 1, False),
                      (written - configwatch.SUM_SKEW_NS - 1, False)):
        monkeypatch.setattr(configwatch.os, "fstat", lambda fd, c=ctime: types.SimpleNamespace(
            st_ctime_ns=c, st_size=0, st_ino=0))
        assert (configwatch.trusted(_home())[1] is None) == ok, ctime - written
    monkeypatch.setattr(configwatch.os, "fstat", real)
    key, _ = configwatch._key(_home())
    for bad in (None, "1", 1.0 * written):
        data = {**configwatch.remembered(_home()), "written_ns": bad}
        data["mac"] = configwatch.mac(key, data)
        with open(_sum_path(), "w") as fh:
            json.dump(data, fh)
        assert configwatch.trusted(_home()) == (None, "rewritten"), bad


def test_a_sum_before_the_key_is_returned_as_it_is():
    _write("[audit]\nenabled = true\n")
    old = {"sha256": "x" * 64, "mtime_ns": 5, "size": 1, "ino": 2}
    with open(_sum_path(), "w") as fh:
        json.dump(old, fh)
    assert configwatch.trusted(_home()) == (old, None)
    assert configwatch.trusted(_home()) == (None, "rewritten")  # the key exists now
    os.unlink(_sum_path())
    assert configwatch.trusted(_home()) == (None, "deleted")


@pytest.mark.parametrize("text", ["{", '["sha256"]'])
def test_no_sum_and_no_key_is_a_first_look(text):
    assert configwatch.trusted(_home()) == (None, None)
    with open(_sum_path(), "w") as fh:
        fh.write(text)
    configwatch._KEYS.clear()
    os.unlink(keys.key_path("config-sum-key", _home()))
    assert configwatch.trusted(_home()) == (None, None)


def test_a_signed_sum_whose_key_was_removed_is_rewritten_in_a_new_worker():
    """The key file deleted (a process that never held it makes a new one): the sum it
    signed is not taken for an older cctrace's unsigned one."""
    _write("[audit]\nenabled = true\n")
    configwatch.remember(_home())
    configwatch._KEYS.clear()
    configwatch._VERIFIED.clear()
    os.unlink(keys.key_path("config-sum-key", _home()))
    assert configwatch.trusted(_home()) == (None, "rewritten")


def _settled(state_dir: str, racy_by: int = 0) -> None:
    print_ = configwatch.fingerprint(state_dir)
    configwatch.remember(state_dir, {**print_, "seen_ns": print_["ctime_ns"]
                                     + configwatch.RACY_NS - racy_by})


def _fingerprinted_by_a_quiet_check(monkeypatch) -> list[tuple]:
    """The arguments of each fingerprint one check (which finds nothing) takes."""
    seen: list[tuple] = []
    real = configwatch.fingerprint
    monkeypatch.setattr(configwatch, "fingerprint",
                        lambda *a, **k: seen.append(a) or real(*a, **k))
    with Store.open() as store:
        assert configwatch.check(store, _home(), pending=lambda: False) == (None, True)
    return seen


@pytest.mark.parametrize("racy_by, looks", [(0, False), (1, True)])
def test_unchanged_costs_a_stat_and_no_fingerprint_once_past_the_racy_tick(
        monkeypatch, racy_by, looks):
    _write("[audit]\nenabled = true\n")
    _settled(_home(), racy_by)
    assert bool(_fingerprinted_by_a_quiet_check(monkeypatch)) == looks


@pytest.mark.parametrize("field", ["ctime_ns", "size", "ino"])
def test_each_stat_field_tells_a_change(monkeypatch, field):
    _write("[audit]\nenabled = true\n")
    print_ = configwatch.fingerprint(_home())
    configwatch.remember(_home(), {**print_, field: print_[field] + 1,
                                   "seen_ns": print_["ctime_ns"] + configwatch.RACY_NS})
    assert _fingerprinted_by_a_quiet_check(monkeypatch) == [(_home(),)]


def _changed(store, text: str = "[audit]\nenabled = false\n", pending: bool = False,
             age: int = 5 * SEC):
    _write("[audit]\nenabled = true\n")
    configwatch.remember(_home())
    at = _write(text)
    return configwatch.check(store, _home(), pending=lambda: pending, now_ns=at + age), at


@pytest.mark.parametrize("started, open_", [(-configwatch.LOOKBACK_NS, True),
                                            (-configwatch.LOOKBACK_NS - 1, False),
                                            (0, True), (1, False)])
def test_the_window_a_tool_call_is_looked_for_in(started, open_):
    at = _write("[audit]\nenabled = false\n")
    configwatch.remember(_home())
    at = _write("[audit]\nenabled = true\n")
    with Store.open() as store:
        _events(store, ("s1", "PreToolUse", at + started, "t1", BASH))
        found, _ = configwatch.check(store, _home(), pending=lambda: False, now_ns=at + SEC)
        assert (found is not None) == open_


def test_a_call_that_failed_before_the_change_is_over_and_a_nameless_tool_is_a_tool():
    at = _write("[audit]\nenabled = true\n")
    configwatch.remember(_home())
    with Store.open() as store:
        _events(store, ("s1", "PreToolUse", at - 9 * SEC, "t1", BASH),
                ("s1", "PostToolUseFailure", at - 8 * SEC, "t1", BASH),
                ("s2", "PreToolUse", at - 7 * SEC, "t2", {}))
        at = _write("[audit]\nenabled = false\n")
        found, _ = configwatch.check(store, _home(), pending=lambda: False, now_ns=at)
        assert found.detail["reasons"] == [
            "session s2 was running a tool tool call when the file changed"]


def test_only_the_newest_events_are_looked_at(monkeypatch):
    monkeypatch.setattr(configwatch, "RECENT_EVENTS", 3)
    at = _write("[audit]\nenabled = true\n")
    configwatch.remember(_home())
    with Store.open() as store:
        _events(store, ("s1", "PreToolUse", at - 9 * SEC, "t1", BASH),
                *[("s2", "Notification", at - 8 * SEC + i, None, {}) for i in range(3)])
        at = _write("[audit]\nenabled = false\n")
        assert configwatch.check(store, _home(), pending=lambda: False, now_ns=at) == (
            None, True)


def test_the_default_bounds():
    assert (configwatch.RECENT_EVENTS, configwatch.LOOKBACK_NS, configwatch.SETTLE_NS,
            configwatch.RACY_NS, configwatch.SUM_SKEW_NS) == (
        20_000, 30 * 60 * 10**9, 5 * 60 * 10**9, 2 * 10**9, 10 * 10**9)


@pytest.mark.parametrize("age, decided", [(configwatch.SETTLE_NS, True),
                                          (configwatch.SETTLE_NS - 1, False)])
def test_the_wait_for_the_spool_ends_at_settle(age, decided):
    with Store.open() as store:
        assert _changed(store, pending=True, age=age)[0] == (None, True)
        assert (configwatch.remembered(_home())["audit"] is False) == decided


@pytest.mark.parametrize("age, decided", [(configwatch.SETTLE_NS, True),
                                          (configwatch.SETTLE_NS - 1, False)])
def test_the_wait_for_the_spool_over_a_rewritten_sum_ends_at_settle(age, decided):
    _write("[audit]\nenabled = true\n")
    configwatch.remember(_home())
    with open(_sum_path(), "w") as fh:
        fh.write("{}")
    at = max(os.stat(_sum_path()).st_ctime_ns, os.stat(os.path.join(
        _home(), "config.toml")).st_ctime_ns)
    with Store.open() as store:
        assert configwatch.check(store, _home(), pending=lambda: True, now_ns=at + age) == (
            None, True)
    assert (configwatch.trusted(_home())[1] is None) == decided


def test_a_rewritten_sum_is_timed_by_the_config_too():
    """A sum rewritten later, outside the call that edited the config (a detached
    process), still names that call."""
    _write("[audit]\nenabled = true\n")
    configwatch.remember(_home())
    at = _write("[audit]\nenabled = false\n")
    with Store.open() as store:
        _events(store, ("s1", "PreToolUse", at - 9 * SEC, "t1", BASH),
                ("s1", "PostToolUse", at + 1, "t1", BASH))
        then = at
        while then <= at + 1:  # a clock tick after the config's change
            with open(_sum_path(), "w") as fh:
                json.dump({**configwatch.fingerprint(_home()), "mac": "0" * 64}, fh)
            then = os.stat(_sum_path()).st_ctime_ns
        # s2's call started after the config changed, s1's ended before the sum did.
        _events(store, ("s2", "PreToolUse", then, "t2", BASH))
        found, _ = configwatch.check(store, _home(), pending=lambda: False, now_ns=then)
        assert found.detail["sessions"] == ["s1", "s2"]
        assert found.detail["action"] == "config.sum rewritten outside cctrace"


def test_a_deleted_sum_is_timed_by_the_state_dir():
    _write("[audit]\nenabled = true\n")
    configwatch.remember(_home())
    with Store.open() as store:
        os.unlink(_sum_path())
        at = os.stat(_home()).st_ctime_ns
        assert at != os.stat(os.path.join(_home(), "config.toml")).st_ctime_ns
        _events(store, ("s1", "PreToolUse", at, "t1", BASH))
        found, _ = configwatch.check(store, _home(), pending=lambda: False, now_ns=at)
        assert found.detail["action"] == "config.sum deleted outside cctrace"


def test_the_words_for_many_keys_and_for_the_same_settings():
    at = _write("[audit]\nenabled = true\n")
    with Store.open() as store:
        _events(store, ("s1", "PreToolUse", at - 9 * SEC, "t1", BASH))
        many = "".join(f"k{i:03d}_{'x' * 20} = {i}\n" for i in range(20))
        (found, _), _ = _changed(store, "[audit]\nenabled = true\n" + many)
        action = found.detail["action"]
        assert action.startswith("config.toml edited outside cctrace (changed audit.k000_")
        assert len(action) == len("config.toml edited outside cctrace (changed )") + 200
        (found, _), _ = _changed(store, "# a comment\n[audit]\nenabled = true\n")
        assert found.detail["action"] == (
            "config.toml edited outside cctrace (rewritten, same settings)")


def test_a_sum_that_does_not_say_whether_the_log_was_on_counts_as_on():
    at = _write("[audit]\nenabled = false\n")
    with Store.open() as store:
        _events(store, ("s1", "PreToolUse", at - 9 * SEC, "t1", BASH))
        old = configwatch.fingerprint(_home())
        del old["audit"]
        configwatch.remember(_home(), old)
        at = _write("[audit]\nenabled = true\n")
        found, audit_on = configwatch.check(store, _home(), pending=lambda: False,
                                            now_ns=at)
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
        assert configwatch.check(store, _home(), pending=lambda: False) == (None, True)


def test_a_sum_that_cannot_be_read_is_rewritten(monkeypatch):
    _write("[audit]\nenabled = true\n")
    configwatch.remember(_home())
    os.chmod(_sum_path(), 0)
    if os.access(_sum_path(), os.R_OK):  # root reads it anyway: make the open fail
        real = open

        def denied(path, *a, **k):
            if str(path).endswith("config.sum"):
                raise PermissionError(13, "denied")
            return real(path, *a, **k)

        monkeypatch.setattr("builtins.open", denied)
    assert configwatch.trusted(_home()) == (None, "rewritten")
