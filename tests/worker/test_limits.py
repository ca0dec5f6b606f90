"""The store cap: settled traces are evicted oldest first, undelivered ones never, and
ingestion pauses (events wait in the spool) when nothing can be evicted."""

from __future__ import annotations

import os
import shutil

import pytest

from cctrace import spool
from cctrace.config import Config
from cctrace.spool import limits as spool_limits
from cctrace.store.db import Store
from cctrace.worker import limits, pipeline
from support import replay

FIXTURES = ("multi_turn", "parallel_tools", "tool_errors")


@pytest.fixture
def env(_isolated_state):
    e = dict(os.environ)
    e["CCTRACE_HOME"] = str(_isolated_state)
    e["CCTRACE_WORKER_PYTHON"] = shutil.which("true") or "/bin/true"
    return e


def _traces(state: str) -> list[tuple[str, int]]:
    with Store.open(state) as store:
        return [(r[0], r[1]) for r in store._read("SELECT id, end_ns FROM traces ORDER BY end_ns")]


def test_caps_from_config_with_defaults_for_bad_values(tmp_path):
    cfg = Config(state_dir=str(tmp_path), raw={"limits": {"spool_mb": 3, "store_mb": "x",
                                                          "log_kb": -1}})
    got = limits.caps(cfg)
    assert got.spool_bytes == 3 * limits.MB
    assert got.store_bytes == limits.Caps().store_bytes
    assert got.log_bytes == limits.Caps().log_bytes
    assert limits.caps(Config(state_dir=str(tmp_path), raw={"limits": {"store_mb": 0}}))\
        .store_bytes == 0


def test_store_cap_evicts_oldest_settled_traces_only(tmp_path, env, _isolated_state):
    state = str(_isolated_state)
    for name in FIXTURES:
        replay.spool_fixture(name, tmp_path / name, env)
    pipeline.drain(state, Config(state_dir=state))  # local only: every trace is settled
    before = _traces(state)
    assert len(before) >= 4
    with Store.open(state) as store:
        live = store.live_bytes()
        # One trace waits in an undelivered batch: it must survive any eviction.
        oldest = before[0][0]
        span = store._read("SELECT id FROM observations WHERE trace_id = ? LIMIT 1",
                           (oldest,))[0][0]
        store.enqueue_batch("otlp", b"payload", [span], "application/x-protobuf")
        report = limits.enforce_store_cap(store, live - 1)
        assert report.evicted_traces >= 1
        assert store.counters()["store.evicted_cap"] == report.evicted_traces
    after = [t for t, _ in _traces(state)]
    assert oldest in after
    evicted = [t for t, _ in before if t not in after]
    assert len(evicted) == report.evicted_traces
    # Oldest first: every evicted trace (pending one aside) ended before every kept one.
    kept_ends = [end for t, end in before if t in after and t != oldest]
    assert all(end <= min(kept_ends, default=end) for t, end in before if t in evicted)


def test_no_cap_and_below_cap_evict_nothing(tmp_path, env, _isolated_state):
    state = str(_isolated_state)
    replay.spool_fixture("multi_turn", tmp_path / "m", env)
    pipeline.drain(state, Config(state_dir=state))
    with Store.open(state) as store:
        assert limits.enforce_store_cap(store, 0).evicted_traces == 0
        assert limits.enforce_store_cap(store, store.live_bytes() * 2).evicted_traces == 0
    assert len(_traces(state)) == 3


def test_full_store_pauses_ingestion_and_keeps_the_spool(tmp_path, env, _isolated_state):
    state = str(_isolated_state)
    cfg = Config(state_dir=state, otlp_endpoint="http://127.0.0.1:9/v1/traces",
                 raw={"limits": {"store_mb": 1}})
    replay.spool_fixture("multi_turn", tmp_path / "m", env)
    with Store.open(state) as store:  # 2 MB of undelivered batches: nothing evictable
        for i in range(2):
            store.enqueue_batch("otlp", os.urandom(1024 * 1024), [f"x{i}"],
                                "application/x-protobuf")
    waiting = len(spool.read_pending(state))
    report = pipeline.drain(state, cfg)
    assert report.events == 0 and any("size cap" in e for e in report.errors)
    assert len(spool.read_pending(state)) == waiting  # nothing lost: the events wait
    with Store.open(state) as store:
        assert store.counters().get("store.full_cap") == 1
        store._conn.execute("DELETE FROM outbox")  # delivered (here: removed), room again
    report = pipeline.drain(state, cfg)
    assert report.events == waiting and not spool.read_pending(state)


def test_worker_step_publishes_caps_and_clears_the_spool_flag(tmp_path, env, _isolated_state):
    state = str(_isolated_state)
    replay.spool_fixture("multi_turn", tmp_path / "m", env)
    spool_limits.write_limits(state, 1, 0)
    assert spool_limits.measure(state)
    cfg = Config(state_dir=state, raw={"limits": {"spool_mb": 7, "log_kb": 64}})
    while pipeline.step(state, cfg).events:
        pass
    assert spool_limits.read_limits(state) == {"spool_bytes": 7 * limits.MB,
                                               "log_bytes": 64 * 1024}
    assert not spool_limits.refuses(state)
