"""Exact behaviour of `security/retention.py`: the setting, the cutoff, what `enforce` asks
the store and the audit log, and when `maybe_enforce` runs (its stamp file).

Run first by `bench/mutation.py -m security.retention`: a store double that records what it
is asked, so every call and argument is compared whole; the store's own deletions are
tests/store/test_erasure.py's.
"""

from __future__ import annotations

import os
import time

import pytest

from cctrace import audit
from cctrace.config import Config
from cctrace.security import retention
from cctrace.spool import quarantine

DAY = 86_400 * 10**9
NOW = 1_767_225_600 * 10**9  # 2026-01-01T00:00:00Z
COUNTS = {"traces": 2, "observations": 6, "outbox": 1, "findings": 0, "sessions": 1,
          "hook_events": 3}


class FakeStore:
    def __init__(self) -> None:
        self.calls: list[tuple[str, int]] = []

    def select_traces(self, before_ns: int) -> list[tuple[str, str]]:
        self.calls.append(("select_traces", before_ns))
        return [("t1", "s1"), ("t2", "s1")]

    def purge_older_than(self, cutoff_ns: int) -> dict[str, int]:
        self.calls.append(("purge_older_than", cutoff_ns))
        return dict(COUNTS)


@pytest.fixture
def recorded(monkeypatch):
    """What reaches the audit log: (state_dir, entries, cfg) per call."""
    calls: list[tuple] = []
    made: list[tuple] = []

    def entries_for(trace_sessions, reason, *, before_ns=None, authorized_by=None):
        made.append((dict(trace_sessions), reason, before_ns, authorized_by))
        return ["entry"]

    monkeypatch.setattr(audit, "erasure_entries_for", entries_for)
    monkeypatch.setattr(audit, "record", lambda state, entries, cfg=None: calls.append(
        (state, entries, cfg)))
    return made, calls


def _cfg(raw: dict | None = None) -> Config:
    return Config(state_dir="/x", raw=raw or {})


@pytest.mark.parametrize("days, want", [
    (7, 7), (0, 0), (365, 365), (-1, 30), (True, 30), (False, 30), ("7", 30), (7.0, 30),
    (None, 30),
])
def test_retention_days_takes_a_non_negative_int_only(days, want):
    assert retention.retention_days(_cfg({"retention": {"days": days}})) == want


def test_retention_days_default_and_an_object_without_sections():
    assert retention.retention_days(_cfg()) == 30
    assert retention.retention_days(_cfg({"retention": {}})) == 30
    assert retention.retention_days(object()) == 30


def test_cutoff_is_days_of_86400_seconds_before_now():
    assert retention.cutoff(NOW, 30) == NOW - 30 * 86_400 * 10**9
    assert retention.cutoff(NOW, 1) == NOW - 86_400_000_000_000
    assert retention.cutoff(NOW, 0) == NOW


@pytest.mark.parametrize("days", [0, -3])
def test_no_days_means_nothing_is_asked_of_the_store(tmp_path, recorded, days):
    store = FakeStore()
    report = retention.enforce(store, days, NOW, str(tmp_path), _cfg())
    assert (report.ran, report.cutoff_ns, report.deleted) == (False, None, {})
    assert store.calls == [] and recorded == ([], [])


def test_enforce_deletes_before_the_cutoff_and_records_each_trace(tmp_path, recorded):
    store = FakeStore()
    cfg = _cfg()
    report = retention.enforce(store, 2, NOW, str(tmp_path), cfg)
    limit = NOW - 2 * DAY
    assert (report.ran, report.cutoff_ns, report.deleted) == (True, limit, COUNTS)
    # The doomed traces are read before they are deleted.
    assert store.calls == [("select_traces", limit), ("purge_older_than", limit)]
    made, calls = recorded
    assert made == [({"t1": "s1", "t2": "s1"}, "retention: 2 days", limit, "cctrace")]
    assert calls == [(str(tmp_path), ["entry"], cfg)]


def test_enforce_without_a_state_dir_records_nothing(recorded):
    store = FakeStore()
    report = retention.enforce(store, 1, NOW)
    assert (report.ran, report.cutoff_ns) == (True, NOW - DAY)
    assert store.calls == [("purge_older_than", NOW - DAY)]
    assert recorded == ([], [])


def test_enforce_now_defaults_to_the_clock():
    store = FakeStore()
    before = time.time_ns()
    report = retention.enforce(store, 1)
    assert before - DAY <= report.cutoff_ns <= time.time_ns() - DAY


@pytest.mark.parametrize("error", [OSError(28, "No space left on device"),
                                   ValueError("bad key")])
def test_a_log_that_cannot_be_written_does_not_undo_the_deletion(tmp_path, monkeypatch,
                                                                 error):
    def fail(state, entries, cfg=None):
        raise error

    monkeypatch.setattr(audit, "record", fail)
    report = retention.enforce(FakeStore(), 1, NOW, str(tmp_path), _cfg())
    assert report.ran and report.deleted == COUNTS


def test_a_log_failure_of_another_kind_is_not_hidden(tmp_path, monkeypatch):
    def fail(state, entries, cfg=None):
        raise KeyError("bug")

    monkeypatch.setattr(audit, "record", fail)
    with pytest.raises(KeyError):
        retention.enforce(FakeStore(), 1, NOW, str(tmp_path), _cfg())


def test_the_stamp_is_security_retention_last(tmp_path):
    assert retention.due(str(tmp_path), 1000.0) is True  # never ran
    stamp = tmp_path / "security" / "retention.last"
    stamp.parent.mkdir()
    stamp.touch()
    os.utime(stamp, (1000.0, 1000.0))
    assert retention.due(str(tmp_path), 1000.0 + 3599) is False  # the default: an hour
    assert retention.due(str(tmp_path), 1000.0 + 3600) is True
    assert retention.due(str(tmp_path), 1000.0 + 10, interval_s=10) is True
    assert retention.due(str(tmp_path), 1000.0 + 9, interval_s=10) is False


def test_due_now_defaults_to_the_clock(tmp_path):
    stamp = tmp_path / "security" / "retention.last"
    stamp.parent.mkdir()
    stamp.touch()  # now
    assert retention.due(str(tmp_path)) is False
    os.utime(stamp, (time.time() - 3601, time.time() - 3601))
    assert retention.due(str(tmp_path)) is True


def test_maybe_enforce_runs_when_due_and_stamps_the_time(tmp_path, recorded, monkeypatch):
    removed: list[tuple] = []
    monkeypatch.setattr(quarantine, "remove", lambda state, before_ns=None: (
        removed.append((state, before_ns)) or 4))
    store = FakeStore()
    cfg = _cfg({"retention": {"days": 3}})
    report = retention.maybe_enforce(str(tmp_path), store, cfg, now_ns=NOW)
    limit = NOW - 3 * DAY
    assert (report.ran, report.cutoff_ns) == (True, limit)
    assert report.deleted == {**COUNTS, "quarantine": 4}
    assert removed == [(str(tmp_path), limit)]
    stamp = tmp_path / "security" / "retention.last"
    assert os.stat(stamp).st_mtime == NOW / 1e9
    # Not due again within the hour: nothing asked, the stamp unchanged.
    store.calls.clear()
    again = retention.maybe_enforce(str(tmp_path), store, cfg, now_ns=NOW + 3599 * 10**9)
    assert (again.ran, again.cutoff_ns, again.deleted) == (False, None, {})
    assert store.calls == [] and removed == [(str(tmp_path), limit)]
    assert os.stat(stamp).st_mtime == NOW / 1e9
    later = retention.maybe_enforce(str(tmp_path), store, cfg, now_ns=NOW + 3600 * 10**9,
                                    interval_s=3600)
    assert later.ran and os.stat(stamp).st_mtime == NOW / 1e9 + 3600
    short = retention.maybe_enforce(str(tmp_path), store, cfg, now_ns=NOW + 3610 * 10**9,
                                    interval_s=10)
    assert short.ran


def test_maybe_enforce_with_retention_off_still_stamps_and_removes_nothing(tmp_path,
                                                                           monkeypatch):
    monkeypatch.setattr(quarantine, "remove", lambda *a, **k: pytest.fail("removed"))
    store = FakeStore()
    report = retention.maybe_enforce(str(tmp_path), store, _cfg({"retention": {"days": 0}}),
                                     now_ns=NOW)
    assert (report.ran, report.deleted) == (False, {})
    assert store.calls == []
    assert os.stat(tmp_path / "security" / "retention.last").st_mtime == NOW / 1e9


def test_maybe_enforce_now_defaults_to_the_clock(tmp_path, recorded, monkeypatch):
    monkeypatch.setattr(quarantine, "remove", lambda state, before_ns=None: 0)
    before = time.time_ns()
    report = retention.maybe_enforce(str(tmp_path), FakeStore(), _cfg())
    assert before - 30 * DAY <= report.cutoff_ns <= time.time_ns() - 30 * DAY
