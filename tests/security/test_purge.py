"""Erasure and retention: local rows go, Langfuse gets DELETEs with the right ids."""

from __future__ import annotations

import json
import os
import sys

from cctrace.config import Config
from cctrace.security import purge, retention
from cctrace.store.db import HookEvent, Store
from support.otlp_receiver import Fault, OTLPReceiver

sys.path.insert(0, os.path.dirname(os.path.dirname(__file__)))
from store.helpers import SEC, T0, turn  # noqa: E402

DAY = 86_400 * SEC


def _store(tmp_path) -> Store:
    store = Store(str(tmp_path / "db.sqlite"))
    store.insert_traces([turn("s-old", "a", T0), turn("s-old", "b", T0 + 60 * SEC),
                         turn("s-new", "c", T0 + 40 * DAY, cwd="/home/u/src/other")])
    store.add_hook_events([HookEvent(1, T0, "s-old", "Stop"),
                           HookEvent(2, T0 + 40 * DAY, "s-new", "Stop")])
    return store


def _cfg(tmp_path, recv: OTLPReceiver) -> Config:
    return Config(state_dir=str(tmp_path), langfuse_base_url=recv.base_url,
                  langfuse_public_key="pk-lf-1", langfuse_secret_key="sk-lf-secret-1")


def test_purge_session_deletes_remote_then_local(tmp_path):
    store = _store(tmp_path)
    sel = purge.select(store, session="s-ol")
    assert len(sel.trace_ids) == 2 and sel.session_ids == ["s-old"]
    with OTLPReceiver() as recv:
        result = purge.purge(store, _cfg(tmp_path, recv), sel)
        assert sorted(recv.deleted_trace_ids()) == sorted(sel.trace_ids)
        (req,) = recv.deletes()
        assert req.path == "/api/public/traces" and req.headers["authorization"].startswith("Basic")
    assert result.remote[0].deleted == 2
    assert result.local["traces"] == 2 and result.local["sessions"] == 1
    assert result.local["hook_events"] == 1
    assert [s.id for s in store.sessions()] == ["s-new"]


def test_remote_batches_of_at_most_n_and_429_retry_after(tmp_path):
    ids = [f"{i:032x}" for i in range(5)]
    slept: list[float] = []
    with OTLPReceiver() as recv:
        recv.push_faults([Fault(429, {"Retry-After": "7"})])
        (report,) = purge.delete_remote(_cfg(tmp_path, recv), ids, sleep=slept.append, batch=2)
        assert [len(json.loads(r.body)["traceIds"]) for r in recv.deletes()] == [2, 2, 2, 1]
        assert sorted(recv.deleted_trace_ids()) == ids
    assert slept == [7.0] and report.deleted == 5 and report.failed == 0


def test_failed_remote_delete_keeps_local_rows_and_hides_the_key(tmp_path):
    store = _store(tmp_path)
    sel = purge.select(store, project="/home/u/src/other")
    assert len(sel.trace_ids) == 1
    with OTLPReceiver() as recv:
        recv.push_faults([Fault(401, body=b"bad key sk-lf-secret-1")])
        result = purge.purge(store, _cfg(tmp_path, recv), sel)
    assert result.remote[0].failed == 1 and not result.local
    assert "sk-lf-secret-1" not in json.dumps(result.to_dict())
    assert store.session("s-new") is not None


def test_otlp_destination_is_reported_as_not_erasable(tmp_path):
    cfg = Config(state_dir=str(tmp_path), otlp_endpoint="http://127.0.0.1:9/v1/traces")
    (report,) = purge.delete_remote(cfg, ["a" * 32])
    assert report.destination == "otlp" and not report.supported


def test_retention_deletes_old_rows_and_runs_at_most_hourly(tmp_path):
    store = _store(tmp_path)
    cfg = Config(state_dir=str(tmp_path), raw={"retention": {"days": 30}})
    now = T0 + 45 * DAY
    first = retention.maybe_enforce(str(tmp_path), store, cfg, now_ns=now)
    assert first.ran and first.deleted["traces"] == 2 and first.deleted["hook_events"] >= 1
    assert [s.id for s in store.sessions()] == ["s-new"]
    store.insert_traces([turn("s-old", "a", T0)])  # comes back, e.g. a re-import
    again = retention.maybe_enforce(str(tmp_path), store, cfg, now_ns=now + 60 * SEC)
    assert not again.ran and store.session("s-old") is not None
    later = retention.maybe_enforce(str(tmp_path), store, cfg, now_ns=now + 3601 * SEC)
    assert later.ran and store.session("s-old") is None


def test_retention_days_setting():
    assert retention.retention_days(Config(state_dir="/x")) == 30
    assert retention.retention_days(Config(state_dir="/x", raw={"retention": {"days": 0}})) == 0
    assert retention.retention_days(Config(state_dir="/x", raw={"retention": {"days": "x"}})) == 30
