"""Store recovery: corruption detection, quarantine, salvage of delivered ids, no resend."""

from __future__ import annotations

import os
import sqlite3

from cctrace.config import Config
from cctrace.export import outbox
from cctrace.model.types import Observation, Trace
from cctrace.spool import diag
from cctrace.store import recover
from cctrace.store.db import Store


def test_is_corruption_only_for_damaged_files():
    assert recover.is_corruption(sqlite3.DatabaseError("file is not a database"))
    assert not recover.is_corruption(sqlite3.OperationalError("database is locked"))
    assert not recover.is_corruption(ValueError("file is not a database"))


def _trace(span: str) -> tuple[Trace, list[Observation]]:
    obs = Observation(id=span, trace_id="ab" * 16, parent_id=None, type="span", name="x",
                      start_ns=1, end_ns=2)
    return Trace(id="ab" * 16, session_id="s", name="n", start_ns=1, end_ns=2,
                 observations=[obs]), [obs]


def test_quarantine_salvages_delivered_ids_and_enqueue_skips_them(_isolated_state):
    state = str(_isolated_state)
    with Store.open(state) as store:
        done = store.enqueue_batch("otlp", b"p", ["a" * 16, "b" * 16])
        store.mark_delivered(done, 200)
        store.enqueue_batch("otlp", b"p", ["c" * 16])  # pending: not proven delivered
    moved = recover.quarantine(state, "test")
    assert os.path.exists(moved) and not os.path.exists(os.path.join(state, "cctrace.db"))
    assert recover.delivered_before_rebuild(state) == {"a" * 16, "b" * 16}
    assert diag.read_counters(state)["store.rebuilt"] == 1
    cfg = Config(state_dir=state, otlp_endpoint="http://127.0.0.1:9/v1/traces")
    with Store.open(state) as store:
        rows = outbox.enqueue(store, [_trace("a" * 16), _trace("c" * 16)], cfg)
        assert rows == 1
        (batch,) = store.due_batches(None, 2**62)
        assert batch.span_ids == ["c" * 16]


def test_check_store_quarantines_only_a_corrupt_file(_isolated_state):
    state = str(_isolated_state)
    with Store.open(state):
        pass
    assert recover.check_store(state) is None
    with open(os.path.join(state, "cctrace.db"), "r+b") as fh:
        fh.write(b"garbage" * 20)
    assert recover.check_store(state) is not None
    assert recover.check_store(state) is None  # a fresh, empty store
    assert recover.salvage_delivered(os.path.join(state, "nope.db")) == set()
