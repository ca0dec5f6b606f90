"""Outbox delivery against the real Store and a loopback OTLP receiver.

Retries are driven by passing a far-future `now_ns`, never by sleeping, so nothing here
depends on timing.
"""

from __future__ import annotations

import base64
import json
import time

import pytest
import requests

from cctrace.config import Config
from cctrace.export import send
from cctrace.export.outbox import deliver_due, enqueue, flush
from cctrace.export.send import (
    Outcome,
    backoff_ns,
    classify,
    describe_exception,
    parse_retry_after,
)
from cctrace.store import Store

LATER = 2**61  # "now" far in the future: every pending batch is due
PK, SK = "pk-lf-test", "sk-lf-secret-value-42"


@pytest.fixture
def store(tmp_path):
    with Store.open(str(tmp_path / "state")) as s:
        yield s


def _otlp(tmp_path, url: str) -> Config:
    return Config(state_dir=str(tmp_path), otlp_endpoint=url)


def _langfuse(tmp_path, base: str) -> Config:
    return Config(
        state_dir=str(tmp_path),
        langfuse_base_url=base,
        langfuse_public_key=PK,
        langfuse_secret_key=SK,
        environment="test",
        release="r9",
    )


def _pairs(trace):
    return [(trace, trace.observations)]


def test_no_destination_enqueues_nothing(tmp_path, store, make_trace):
    assert enqueue(store, _pairs(make_trace()), Config(state_dir=str(tmp_path))) == 0
    assert store.outbox_counts()["pending"] == 0


def test_langfuse_delivery_headers_and_payload(tmp_path, store, receiver, make_trace):
    cfg = _langfuse(tmp_path, receiver.url)
    trace = make_trace(n_tools=2)
    assert enqueue(store, _pairs(trace), cfg) == 1
    report = deliver_due(store, cfg)
    assert (report.delivered, report.retried, report.dead) == (1, 0, 0)
    [got] = receiver.received
    assert got.path == "/api/public/otel/v1/traces"
    headers = {k.lower(): v for k, v in got.headers.items()}
    assert headers["authorization"] == "Basic " + base64.b64encode(f"{PK}:{SK}".encode()).decode()
    assert headers["x-langfuse-ingestion-version"] == "4"
    assert headers["x-langfuse-public-key"] == PK
    assert headers["content-type"] == "application/x-protobuf"
    assert headers["content-encoding"] == "gzip"
    assert sorted(got.span_ids()) == sorted(o.id for o in trace.observations)
    by_id = {s.span_id.hex(): s for s in got.spans()}
    gen = trace.observations[1]
    span = by_id[gen.id]
    assert span.parent_span_id.hex() == gen.parent_id
    assert span.start_time_unix_nano == gen.start_ns
    attrs = {a.key: a.value for a in span.attributes}
    assert json.loads(attrs["langfuse.observation.usage_details"].string_value) == gen.usage
    res = {a.key: a.value.string_value for a in got.request.resource_spans[0].resource.attributes}
    assert res["langfuse.environment"] == "test"
    assert res["langfuse.release"] == "r9"
    assert store.outbox_counts()["delivered"] == 1


def test_delivered_batch_is_never_resent(tmp_path, store, receiver, make_trace):
    cfg = _otlp(tmp_path, receiver.url + "/v1/traces")
    enqueue(store, _pairs(make_trace()), cfg)
    assert deliver_due(store, cfg).delivered == 1
    assert deliver_due(store, cfg, now_ns=LATER).attempted == 0
    result = flush(store, cfg, timeout=5)
    assert result.ok and result.delivered == 0
    assert len(receiver.received) == 1


def test_retry_on_503_and_429_then_delivered_once(tmp_path, store, receiver, make_trace):
    cfg = _otlp(tmp_path, receiver.url + "/v1/traces")
    trace = make_trace()
    receiver.respond(503)
    receiver.respond(429, {"Retry-After": "120"})
    enqueue(store, _pairs(trace), cfg)

    first = deliver_due(store, cfg)
    assert (first.delivered, first.retried) == (0, 1)
    [batch] = store.due_batches("otlp", LATER)
    assert batch.attempts == 1 and "503" in batch.last_error
    # not due again right away: it has a backoff
    assert store.due_batches("otlp", time.time_ns()) == []

    before = time.time_ns()
    second = deliver_due(store, cfg, now_ns=LATER)
    assert second.retried == 1
    [batch] = store.due_batches("otlp", LATER)
    assert "429" in batch.last_error
    assert batch.next_attempt_ns >= before + 120 * 1_000_000_000  # Retry-After honoured

    third = deliver_due(store, cfg, now_ns=LATER)
    assert third.delivered == 1
    assert sorted(receiver.accepted_span_ids()) == sorted(o.id for o in trace.observations)
    assert len(receiver.received) == 3
    assert deliver_due(store, cfg, now_ns=LATER).attempted == 0
    assert store.pending_count() == 0


def test_refused_connection_is_retried(tmp_path, store, receiver, dead_url, make_trace):
    trace = make_trace()
    down = _otlp(tmp_path, dead_url)
    enqueue(store, _pairs(trace), down)
    report = deliver_due(store, down)
    assert report.retried == 1
    [batch] = store.due_batches("otlp", LATER)
    assert "ConnectionError" in batch.last_error
    assert dead_url not in batch.last_error
    up = _otlp(tmp_path, receiver.url + "/v1/traces")
    assert deliver_due(store, up, now_ns=LATER).delivered == 1
    assert sorted(receiver.accepted_span_ids()) == sorted(o.id for o in trace.observations)


def test_400_is_dead_lettered_and_never_resent(tmp_path, store, receiver, make_trace):
    cfg = _langfuse(tmp_path, receiver.url)
    auth = "Basic " + base64.b64encode(f"{PK}:{SK}".encode()).decode()
    receiver.respond(400, body=f"invalid span id; you sent {auth} with {SK} ".encode() * 50)
    enqueue(store, _pairs(make_trace()), cfg)
    report = deliver_due(store, cfg)
    assert (report.delivered, report.retried, report.dead) == (0, 0, 1)
    [dead] = store.dead_letters()
    assert dead["status_code"] == 400
    assert dead["reason"].startswith("HTTP 400: invalid span id")
    assert len(dead["reason"]) <= send.REASON_MAX
    assert SK not in dead["reason"] and auth not in dead["reason"]
    assert all(SK not in e for e in report.errors)
    assert deliver_due(store, cfg, now_ns=LATER).attempted == 0
    result = flush(store, cfg, timeout=5)
    assert result.pending == 0 and result.delivered == 0
    assert len(receiver.received) == 1


def test_unconfigured_destination_stays_pending(tmp_path, store, receiver, make_trace):
    cfg = _otlp(tmp_path, receiver.url + "/v1/traces")
    enqueue(store, _pairs(make_trace()), cfg)
    local_only = Config(state_dir=str(tmp_path))
    assert deliver_due(store, local_only, now_ns=LATER).attempted == 0
    result = flush(store, local_only, timeout=1)
    assert (result.pending, result.orphaned) == (0, 1)
    assert store.pending_count("otlp") == 1
    assert receiver.received == []


def test_both_destinations_each_get_the_batch(tmp_path, store, receiver, make_trace):
    cfg = _langfuse(tmp_path, receiver.url)
    cfg.otlp_endpoint = receiver.url + "/v1/traces"
    trace = make_trace()
    assert enqueue(store, _pairs(trace), cfg) == 2
    assert deliver_due(store, cfg).delivered == 2
    assert sorted(r.path for r in receiver.received) == [
        "/api/public/otel/v1/traces",
        "/v1/traces",
    ]
    assert len(receiver.accepted_span_ids()) == 2 * len(trace.observations)


def test_split_batches_are_all_delivered(tmp_path, store, receiver, make_trace):
    cfg = _otlp(tmp_path, receiver.url + "/v1/traces")
    trace = make_trace(n_tools=9)
    rows = enqueue(store, _pairs(trace), cfg, max_spans=3)
    assert rows == 4
    assert deliver_due(store, cfg, limit=2).delivered == 4
    assert sorted(receiver.accepted_span_ids()) == sorted(o.id for o in trace.observations)


def test_flush_retries_within_deadline(tmp_path, store, receiver, make_trace):
    cfg = _otlp(tmp_path, receiver.url + "/v1/traces")
    receiver.respond(503)
    receiver.respond(502, {"Retry-After": "3600"})
    enqueue(store, _pairs(make_trace()), cfg)
    naps: list[float] = []
    result = flush(store, cfg, timeout=60, pause=0.01, sleep=naps.append)
    assert result.ok
    assert (result.delivered, result.retried, result.pending) == (1, 2, 0)
    assert naps and all(n <= 5.0 for n in naps)  # a 1h Retry-After was not waited out
    assert len(receiver.accepted_span_ids()) == len(make_trace().observations)


def test_flush_gives_up_at_timeout_and_reports_pending(tmp_path, store, dead_url, make_trace):
    cfg = _otlp(tmp_path, dead_url)
    enqueue(store, _pairs(make_trace()), cfg)
    result = flush(store, cfg, timeout=0.3, pause=0.05)
    assert not result.ok
    assert result.pending == 1 and result.delivered == 0
    assert result.retried >= 1
    assert store.pending_count("otlp") == 1


# -- pure pieces -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "kind"),
    [
        (200, "delivered"),
        (202, "delivered"),
        (301, "retry"),
        (400, "dead"),
        (401, "dead"),
        (403, "dead"),
        (404, "dead"),
        (408, "retry"),
        (413, "dead"),
        (429, "retry"),
        (500, "retry"),
        (502, "retry"),
        (503, "retry"),
        (504, "retry"),
    ],
)
def test_classify(status, kind):
    assert classify(status).kind == kind


def test_classify_keeps_body_short():
    out = classify(400, "x\n" * 1000)
    assert isinstance(out, Outcome)
    assert len(out.reason) <= send.REASON_MAX and "\n" not in out.reason


def test_backoff_grows_caps_and_honours_retry_after():
    delays = [backoff_ns(n, None, 1.0) for n in range(12)]
    assert delays == sorted(delays)
    assert delays[0] == 1_000_000_000
    assert max(delays) == int(send.BACKOFF_CAP_S * 1e9)
    assert backoff_ns(0, None, 0.0) == 500_000_000  # jitter halves at most
    assert backoff_ns(0, 90.0, 0.5) == 90_000_000_000
    assert backoff_ns(0, 10**9, 0.5) == int(send.RETRY_AFTER_CAP_S * 1e9)


def test_parse_retry_after():
    assert parse_retry_after("30", 0.0) == 30.0
    assert parse_retry_after("Thu, 01 Jan 1970 00:01:40 GMT", 40.0) == 60.0
    assert parse_retry_after("soon", 0.0) is None
    assert parse_retry_after(None, 0.0) is None


def test_describe_exception_drops_urls():
    exc = requests.exceptions.ConnectionError(
        "HTTPConnectionPool(host='u:secret@127.0.0.1', port=9): Max retries exceeded "
        "(Caused by NewConnectionError('<conn>: Failed to establish a new connection: "
        "[Errno 111] Connection refused'))"
    )
    text = describe_exception(exc)
    assert text == "ConnectionError: Connection refused"


def test_failing_destination_is_probed_once_per_pass(tmp_path, store, receiver, make_trace):
    cfg = _otlp(tmp_path, receiver.url + "/v1/traces")
    receiver.respond(503)
    trace = make_trace(n_tools=5)
    assert enqueue(store, _pairs(trace), cfg, max_spans=2) == 4
    report = deliver_due(store, cfg)
    assert (report.delivered, report.retried) == (0, 1)
    assert len(receiver.received) == 1
    assert store.pending_count("otlp") == 4
    assert deliver_due(store, cfg, now_ns=LATER).delivered == 4
    assert sorted(receiver.accepted_span_ids()) == sorted(o.id for o in trace.observations)


def test_batch_leased_by_another_sender_is_not_sent(tmp_path, store, receiver, make_trace):
    cfg = _otlp(tmp_path, receiver.url + "/v1/traces")
    enqueue(store, _pairs(make_trace()), cfg)
    (batch,) = store.due_batches(None, LATER)
    assert store.claim(batch.id, "other-process", time.time_ns() + 60 * 10**9)
    assert deliver_due(store, cfg, now_ns=LATER).delivered == 0
    assert receiver.received == []
    store.mark_retry(batch.id, "released", 0)
    assert deliver_due(store, cfg, now_ns=LATER).delivered == 1
    assert len(receiver.received) == 1
