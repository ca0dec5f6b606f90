"""Batch splitting: every span exactly once, limits respected, a huge span alone."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest

from cctrace.export.encode import batches
from cctrace.export.spans import make_resource


def _ids(payload: bytes) -> list[str]:
    req = ExportTraceServiceRequest()
    req.ParseFromString(payload)
    return [s.span_id.hex() for rs in req.resource_spans for ss in rs.scope_spans for s in ss.spans]


def test_one_batch_for_small_input(make_trace):
    trace = make_trace(n_tools=3)
    out = list(batches([(trace, trace.observations)], make_resource()))
    assert len(out) == 1
    payload, ids = out[0]
    assert ids == [o.id for o in trace.observations]
    assert _ids(payload) == ids


def test_split_by_span_count_covers_every_span_once(make_trace):
    t1 = make_trace(n_tools=7, tid="01" * 16)
    t2 = make_trace(n_tools=4, tid="02" * 16)
    pairs = [(t1, t1.observations), (t2, t2.observations)]
    out = list(batches(pairs, make_resource(), max_spans=4))
    assert all(len(ids) <= 4 for _, ids in out)
    assert len(out) > 1
    flat = [i for _, ids in out for i in ids]
    assert flat == [o.id for o in t1.observations + t2.observations]
    for payload, ids in out:
        assert _ids(payload) == ids


def test_split_by_bytes(make_trace):
    trace = make_trace(n_tools=10)
    for obs in trace.observations:
        obs.input = "x" * 2_000
    out = list(batches([(trace, trace.observations)], make_resource(), max_bytes=7_000))
    assert len(out) > 1
    assert all(len(payload) <= 7_000 for payload, _ in out)
    assert [i for _, ids in out for i in ids] == [o.id for o in trace.observations]


def test_huge_span_goes_alone(make_trace):
    trace = make_trace(n_tools=2)
    huge = trace.observations[2]
    huge.output = "y" * 50_000
    out = list(batches([(trace, trace.observations)], make_resource(), max_bytes=10_000))
    alone = [ids for payload, ids in out if huge.id in ids]
    assert alone == [[huge.id]]
    assert [i for _, ids in out for i in ids] == [o.id for o in trace.observations]


def test_empty_input_yields_nothing():
    assert list(batches([], make_resource())) == []


# make_trace is a pure factory, so sharing it across examples is safe.
@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    n_tools=st.integers(min_value=0, max_value=30),
    max_spans=st.integers(min_value=1, max_value=10),
    sizes=st.lists(st.integers(min_value=0, max_value=3_000), min_size=1, max_size=5),
)
def test_batches_cover_every_span_once_within_limits(make_trace, n_tools, max_spans, sizes):
    trace = make_trace(n_tools=n_tools)
    for i, obs in enumerate(trace.observations):
        obs.input = "z" * sizes[i % len(sizes)]
    max_bytes = 4_000
    out = list(batches([(trace, trace.observations)], make_resource(), max_spans, max_bytes))
    assert [i for _, ids in out for i in ids] == [o.id for o in trace.observations]
    for payload, ids in out:
        assert 1 <= len(ids) <= max_spans
        assert len(ids) == 1 or len(payload) <= max_bytes
        assert _ids(payload) == ids


def test_groups_are_planned_so_each_is_encoded_once(make_trace, monkeypatch):
    from cctrace.export import encode as enc

    calls = []
    real = enc.encode
    monkeypatch.setattr(enc, "encode", lambda spans: calls.append(len(spans)) or real(spans))
    trace = make_trace(n_tools=40)
    for obs in trace.observations:
        obs.output = "o" * 3_000
    out = list(batches([(trace, trace.observations)], make_resource(), max_bytes=20_000))
    assert len(out) > 3
    assert len(calls) == len(out)  # no group had to be halved and encoded again
    assert all(len(payload) <= 20_000 for payload, _ in out)


def test_multibyte_text_still_respects_the_byte_limit(make_trace):
    trace = make_trace(n_tools=12)
    for obs in trace.observations:
        obs.output = "\u00e9\u4e2d\U0001f600" * 500  # 3,000 chars, 4,500 bytes of UTF-8
    out = list(batches([(trace, trace.observations)], make_resource(), max_bytes=12_000))
    assert [i for _, ids in out for i in ids] == [o.id for o in trace.observations]
    assert all(len(ids) == 1 or len(payload) <= 12_000 for payload, ids in out)
