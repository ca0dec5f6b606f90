"""The OTLP receiver: spans from the real OTLPSpanExporter decode to plain dicts; JSON and gzip
bodies; scripted faults; down/up on the same port."""

from __future__ import annotations

import gzip
import json
import socket
import urllib.error
import urllib.request

import pytest
from opentelemetry.exporter.otlp.proto.http import Compression
from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor, SpanExportResult

from support.otlp_receiver import Fault, OTLPReceiver


def export_spans(endpoint: str, *, compression: Compression = Compression.NoCompression,
                 headers: dict[str, str] | None = None):
    """Make a parent and a child span with the real SDK and export them; return the spans."""
    exporter = OTLPSpanExporter(endpoint=endpoint, compression=compression,
                                headers=headers or {}, timeout=5)
    provider = TracerProvider(resource=Resource.create({"service.name": "cctrace-test"}))
    finished = []

    class Collect(SimpleSpanProcessor):
        def on_end(self, span):
            finished.append(span)

    provider.add_span_processor(Collect(exporter))
    tracer = provider.get_tracer("cctrace.test")
    parent = tracer.start_span("turn", start_time=1_700_000_000_000_000_000, attributes={
        "langfuse.observation.type": "agent", "langfuse.trace.tags": ["a", "b"],
        "n": 3, "ratio": 0.5, "ok": True, "ints": [1, 2]})
    from opentelemetry import trace
    ctx = trace.set_span_in_context(parent)
    child = tracer.start_span("Read", context=ctx, start_time=1_700_000_000_100_000_000)
    child.end(end_time=1_700_000_000_200_000_000)
    parent.end(end_time=1_700_000_001_000_000_000)
    result = exporter.export(finished)
    provider.shutdown()
    return result, finished


@pytest.mark.parametrize("compression", [Compression.NoCompression, Compression.Gzip])
def test_real_exporter_spans_are_decoded(compression):
    with OTLPReceiver() as recv:
        result, sent = export_spans(recv.endpoint, compression=compression,
                                    headers={"Authorization": "Basic abc"})
        spans = recv.spans()
        req = recv.requests[0]
    assert result == SpanExportResult.SUCCESS
    assert req.headers.get("authorization") == "Basic abc"
    assert req.headers.get("content-type") == "application/x-protobuf"
    if compression == Compression.Gzip:
        assert req.headers.get("content-encoding") == "gzip"
    by_name = {s["name"]: s for s in spans}
    parent, child = by_name["turn"], by_name["Read"]
    want_parent = sent[-1] if sent[-1].name == "turn" else sent[0]
    assert parent["trace_id"] == format(want_parent.context.trace_id, "032x")
    assert parent["span_id"] == format(want_parent.context.span_id, "016x")
    assert parent["parent_span_id"] is None
    assert child["parent_span_id"] == parent["span_id"]
    assert child["trace_id"] == parent["trace_id"]
    assert parent["start_ns"] == 1_700_000_000_000_000_000
    assert parent["end_ns"] == 1_700_000_001_000_000_000
    assert parent["attributes"] == {"langfuse.observation.type": "agent",
                                    "langfuse.trace.tags": ["a", "b"], "n": 3,
                                    "ratio": 0.5, "ok": True, "ints": [1, 2]}
    assert parent["resource"]["service.name"] == "cctrace-test"


def test_langfuse_path_and_json_bodies():
    doc = {"resourceSpans": [{"resource": {"attributes": [
        {"key": "service.name", "value": {"stringValue": "x"}}]},
        "scopeSpans": [{"scope": {"name": "s"}, "spans": [{
            "traceId": "0af7651916cd43dd8448eb211c80319c", "spanId": "b7ad6b7169203331",
            "name": "j", "startTimeUnixNano": "5", "endTimeUnixNano": "9",
            "attributes": [{"key": "i", "value": {"intValue": "7"}},
                           {"key": "arr", "value": {"arrayValue": {"values": [
                               {"stringValue": "t"}]}}}]}]}]}]}
    with OTLPReceiver() as recv:
        body = gzip.compress(json.dumps(doc).encode())
        r = urllib.request.Request(recv.base_url + "/api/public/otel/v1/traces", data=body,
                                   headers={"Content-Type": "application/json",
                                            "Content-Encoding": "gzip"})
        with urllib.request.urlopen(r, timeout=5) as resp:
            assert resp.status == 200
        (span,) = recv.spans()
    assert span["trace_id"] == "0af7651916cd43dd8448eb211c80319c"
    assert span["parent_span_id"] is None and span["start_ns"] == 5 and span["end_ns"] == 9
    assert span["attributes"] == {"i": 7, "arr": ["t"]}
    assert span["resource"] == {"service.name": "x"}


def post_raw(url: str, body: bytes) -> tuple[int, dict[str, str], bytes]:
    r = urllib.request.Request(url, data=body, headers={"Content-Type": "application/x-protobuf"})
    try:
        with urllib.request.urlopen(r, timeout=5) as resp:
            return resp.status, dict(resp.headers), resp.read()
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers), exc.read()


def test_scripted_faults_then_success_and_only_accepted_spans_count():
    with OTLPReceiver() as recv:
        recv.push_faults([503, Fault(429, {"Retry-After": "1"}), Fault(200, body=b"\x00garbage")])
        result, _ = export_spans(recv.endpoint)  # the SDK retries 503/429
        statuses = [r.status for r in recv.requests]
        accepted = recv.span_ids()
        seen = recv.span_ids(accepted_only=False)
        retry_after = post_raw(recv.endpoint, b"")  # queue now empty -> normal 200
    assert statuses[:3] == [503, 429, 200]
    assert result == SpanExportResult.SUCCESS
    assert len(seen) == 3 * len(accepted) == 6
    assert retry_after[0] == 200


def test_undecodable_body_is_a_400_and_fault_headers_are_sent():
    with OTLPReceiver() as recv:
        bad = post_raw(recv.endpoint, b"\xff\xff not protobuf")
        recv.push_faults([Fault(429, {"Retry-After": "7"})])
        limited = post_raw(recv.endpoint, b"")
        req = recv.requests[0]
    assert bad[0] == 400 and req.error
    assert limited[0] == 429 and limited[1]["Retry-After"] == "7"


def test_down_refuses_connections_and_up_reuses_the_port():
    with OTLPReceiver() as recv:
        port = recv.port
        recv.down()
        with pytest.raises(OSError):
            socket.create_connection(("127.0.0.1", port), timeout=2).close()
        result, _ = export_spans(recv.endpoint)
        assert result == SpanExportResult.FAILURE
        recv.up()
        assert recv.port == port
        result, _ = export_spans(recv.endpoint)
        assert result == SpanExportResult.SUCCESS
        assert len(recv.span_ids()) == 2


def test_slow_responses_make_a_short_timeout_client_give_up():
    with OTLPReceiver() as recv:
        recv.set_delay(1.5)
        r = urllib.request.Request(recv.endpoint, data=b"", method="POST")
        with pytest.raises((TimeoutError, urllib.error.URLError, socket.timeout)):
            urllib.request.urlopen(r, timeout=0.3)
        recv.set_delay(0)
        assert post_raw(recv.endpoint, b"")[0] == 200


def test_wait_for_spans_returns_once_enough_arrived():
    with OTLPReceiver() as recv:
        export_spans(recv.endpoint)
        got = recv.wait_for_spans(2, timeout=5)
    assert {s["name"] for s in got} == {"turn", "Read"}
