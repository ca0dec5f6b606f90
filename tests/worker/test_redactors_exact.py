"""cctrace.worker.redactors, exactly: which settings make a new redactor, how long one is
reused, the cache's bound, the learned values shared by all, and the outbox swept again
once per new learned value, with an audit entry per rewritten row."""

from __future__ import annotations

from contextlib import contextmanager

import pytest

from cctrace import audit
from cctrace.audit.log import AuditEntry
from cctrace.config import Config
from cctrace.export import outbox
from cctrace.redact import engine
from cctrace.redact.stage import NullRedactor
from cctrace.worker import redactors


@pytest.fixture
def built(monkeypatch):
    """build_redactor replaced by one that records its arguments; a clock we move."""
    calls: list[dict] = []

    def fake(cfg, cwd=None, env=None, pii=False, learned=None):
        calls.append({"cwd": cwd, "pii": pii, "learned": learned})
        return object()

    clock = [1000.0]
    monkeypatch.setattr(engine, "build_redactor", fake)
    monkeypatch.setattr(redactors.time, "monotonic", lambda: clock[0])
    monkeypatch.setattr(redactors, "_redactors", {})
    monkeypatch.setattr(redactors, "_learned", {})
    return calls, clock


def _cfg(**kw) -> Config:
    return Config(state_dir=kw.pop("state_dir", "/state"), **kw)


def test_full_capture_has_no_redactor(built):
    calls, _ = built
    cfg = Config(state_dir="/state", raw={"capture": {"level": "full"}})
    assert isinstance(redactors.make_redactor(cfg), NullRedactor)
    assert calls == []


def test_a_redactor_is_reused_for_60_seconds_then_rebuilt(built):
    calls, clock = built
    cfg = _cfg()
    first = redactors.make_redactor(cfg, "/p")
    assert calls == [{"cwd": "/p", "pii": False, "learned": redactors._learned}]
    assert calls[0]["learned"] is redactors._learned  # the one shared dict
    clock[0] += 59.999
    assert redactors.make_redactor(cfg, "/p") is first
    clock[0] = 1000.0 + 60.0
    second = redactors.make_redactor(cfg, "/p")
    assert second is not first and len(calls) == 2
    # reused from the time it was built again
    clock[0] += 59.0
    assert redactors.make_redactor(cfg, "/p") is second
    assert redactors.REDACTOR_TTL_S == 60.0


@pytest.mark.parametrize("change", [
    {"state_dir": "/other"},
    {"langfuse_public_key": "pk-lf-2"},
    {"langfuse_secret_key": "sk-lf-2"},
    {"otlp_headers": {"x-key": "2"}},
    {"raw": {"capture": {"pii": True}}},
])
def test_each_setting_the_redactor_is_made_from_makes_a_new_one(built, change):
    calls, _ = built
    base = {"langfuse_public_key": "pk-lf-1", "langfuse_secret_key": "sk-lf-1",
            "otlp_headers": {"x-key": "1"}}
    first = redactors.make_redactor(_cfg(**base), "/p")
    assert redactors.make_redactor(_cfg(**base), "/p") is first
    other = redactors.make_redactor(_cfg(**{**base, **change}), "/p")
    assert other is not first and len(calls) == 2
    assert redactors.make_redactor(_cfg(**base), "/q") is not first  # the project too


def test_pii_is_passed_on(built):
    calls, _ = built
    redactors.make_redactor(Config(state_dir="/s", raw={"capture": {"pii": True}}))
    assert calls == [{"cwd": None, "pii": True, "learned": redactors._learned}]


def test_header_order_does_not_matter(built):
    calls, _ = built
    a = redactors.make_redactor(_cfg(otlp_headers={"a": "1", "b": "2"}))
    b = redactors.make_redactor(_cfg(otlp_headers={"b": "2", "a": "1"}))
    assert a is b and len(calls) == 1


def test_the_cache_is_cleared_above_64_entries(built):
    calls, _ = built
    cfg = _cfg()
    first = redactors.make_redactor(cfg, "/p0")
    for n in range(1, 65):
        redactors.make_redactor(cfg, f"/p{n}")
    assert len(redactors._redactors) == 65
    assert redactors.make_redactor(cfg, "/p0") is first  # still cached at 65
    redactors.make_redactor(cfg, "/p65")  # 65 > 64: cleared, then this one
    assert len(redactors._redactors) == 1
    assert redactors.make_redactor(cfg, "/p0") is not first


class _Store:
    def __init__(self, rows):
        self.rows = rows
        self.calls: list[tuple] = []
        self.in_transaction = False

    @contextmanager
    def transaction(self):
        self.in_transaction = True
        try:
            yield
        finally:
            self.in_transaction = False

    def resweep_rows(self, span_ids, sweep):
        assert self.in_transaction
        self.calls.append((list(span_ids), sweep("a VALUE-1 b")))
        return self.rows


ROWS = [
    {"table": "observations", "id": "o1", "digest": "d1", "session_id": "s", "trace_id": "t",
     "start_ns": 5, "type": "generation", "name": "n" * 80},
    {"table": "traces", "id": "t2", "digest": "d2", "session_id": "s2", "trace_id": None,
     "start_ns": 6, "type": None, "name": None},
]


@pytest.fixture
def sweeping(monkeypatch):
    monkeypatch.setattr(redactors, "_learned", {})
    monkeypatch.setattr(redactors, "_swept_with", 0)
    asked: list[str] = []
    recorded: list[tuple] = []

    def pending(store, sweep):
        asked.append(sweep("x VALUE-1 y"))
        return ["span-1", "span-2"]

    monkeypatch.setattr(outbox, "resweep_pending", pending)
    monkeypatch.setattr(audit, "record_in",
                        lambda store, state_dir, entries, cfg: recorded.append(
                            (state_dir, entries, cfg)))
    return asked, recorded


def test_nothing_learned_since_the_last_sweep_sweeps_nothing(sweeping):
    asked, recorded = sweeping
    store = _Store(ROWS)
    assert redactors.resweep_outbox(store, _cfg()) == 0
    assert asked == [] and store.calls == []


def test_a_new_value_sweeps_batches_and_rows_once_with_audit_entries(sweeping):
    asked, recorded = sweeping
    redactors._learned["VALUE-1"] = "password"
    store, cfg = _Store(ROWS), _cfg()
    assert redactors.resweep_outbox(store, cfg) == 2
    assert redactors._swept_with == 1
    assert asked[0] != "x VALUE-1 y" and "VALUE-1" not in asked[0]
    assert store.calls[0][0] == ["span-1", "span-2"] and "VALUE-1" not in store.calls[0][1]
    assert recorded == [("/state", [
        AuditEntry(kind="observation", subject="o1", digest="d1", session_id="s",
                   trace_id="t", time_ns=5,
                   detail={"type": "generation", "name": "n" * 64, "d": 1, "resweep": 1}),
        AuditEntry(kind="trace", subject="trace-row:t2", digest="d2", session_id="s2",
                   trace_id="t2", time_ns=6, detail={"d": 1, "resweep": 1}),
    ], cfg)]
    # once: the same learned values do not sweep again
    assert redactors.resweep_outbox(store, cfg) == 0 and len(asked) == 1
    redactors._learned["VALUE-2"] = "token"
    assert redactors.resweep_outbox(store, cfg) == 2 and len(asked) == 2


def test_no_rows_no_audit_and_no_state_dir_no_audit(sweeping, monkeypatch):
    asked, recorded = sweeping
    redactors._learned["VALUE-1"] = "password"
    assert redactors.resweep_outbox(_Store([]), _cfg()) == 0
    assert recorded == [] and len(asked) == 1
    redactors._learned["VALUE-2"] = "token"
    assert redactors.resweep_outbox(_Store(ROWS), Config(state_dir=None)) == 2
    assert recorded == []


def test_no_batch_changed_means_no_row_is_touched(sweeping, monkeypatch):
    redactors._learned["VALUE-1"] = "password"
    monkeypatch.setattr(outbox, "resweep_pending", lambda store, sweep: [])
    store = _Store(ROWS)
    assert redactors.resweep_outbox(store, _cfg()) == 0
    assert store.calls == [] and redactors._swept_with == 1


def _fresh_module():
    """A new copy of the module, with its globals as a new worker process has them."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("fresh_redactors", redactors.__file__)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_a_new_worker_sweeps_when_its_first_value_is_learned_not_before(monkeypatch):
    asked: list[int] = []

    def pending(store, sweep):
        asked.append(1)
        return []

    monkeypatch.setattr(outbox, "resweep_pending", pending)
    fresh = _fresh_module()
    assert fresh.resweep_outbox(_Store(ROWS), _cfg()) == 0
    assert asked == []  # nothing learned: the outbox is not read
    fresh._learned["VALUE-1"] = "password"
    assert fresh.resweep_outbox(_Store(ROWS), _cfg()) == 0
    assert asked == [1]
