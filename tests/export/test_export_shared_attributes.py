"""Spans of `to_spans` carry their trace's attributes as a shared front (`TraceSpan`): the
wire bytes and the size estimate are what the same attributes give span by span, and a
span whose own keys would overwrite one of the trace's is an ordinary span."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from opentelemetry.exporter.otlp.proto.common.trace_encoder import encode_spans
from opentelemetry.sdk.trace import ReadableSpan
from opentelemetry.trace import SpanContext, TraceFlags

from cctrace.export import spans as spans_mod
from cctrace.export.encode import estimate
from cctrace.export.spans import SCOPE, SharedAttributes, TraceSpan, make_resource, to_spans
from cctrace.export.wire import encode_request
from cctrace.model.types import Observation, Trace

RESOURCE = make_resource("dev", "r1")
TRACE_ID = "0123456789abcdef0123456789abcdef"


def _trace(n: int = 3, **fields) -> Trace:
    obs = [Observation(id=f"{i + 1:016x}", trace_id=TRACE_ID,
                       parent_id=None if i == 0 else f"{1:016x}", type="span",
                       name=f"o{i}", start_ns=10 + i, end_ns=20 + i, input={"i": i},
                       output="out é" * i, metadata={"k": i})
           for i in range(n)]
    return Trace(id=TRACE_ID, session_id="s1", name="turn", start_ns=10, end_ns=40,
                 tags=["a", "b"], metadata={"cwd": "/w", "complete": True},
                 observations=obs, **fields)


def _plain(span: ReadableSpan) -> ReadableSpan:
    return ReadableSpan(name=span.name, context=span.context, parent=span.parent,
                        resource=span.resource, attributes=dict(span.attributes),
                        kind=span.kind, status=span.status, start_time=span.start_time,
                        end_time=span.end_time, instrumentation_scope=span.instrumentation_scope)


def test_trace_spans_encode_and_estimate_as_plain_spans() -> None:
    trace = _trace(user_id="u", release="r1")
    spans = to_spans(trace, trace.observations, RESOURCE)
    assert [type(s) for s in spans] == [TraceSpan, TraceSpan, TraceSpan]
    shared = spans[0].shared
    assert all(s.shared is shared for s in spans)
    assert list(spans[1].attributes)[:shared.count] == list(shared.items)
    plain = [_plain(s) for s in spans]
    assert encode_request(spans) == encode_request(plain) == \
        encode_spans(plain).SerializeToString()
    assert [estimate(s) for s in spans] == [estimate(p) for p in plain]
    assert set(shared.encoded) == {9} and shared.size is not None
    # Encoded again from the cache: the same bytes.
    assert encode_request(spans[::-1]) == encode_spans(plain[::-1]).SerializeToString()


def test_an_own_key_over_a_trace_key_makes_an_ordinary_span(monkeypatch) -> None:
    original = spans_mod.trace_attributes
    monkeypatch.setattr(spans_mod, "trace_attributes", lambda t: {
        **original(t), "langfuse.observation.level": "from the trace"})
    trace = _trace(2)
    spans = to_spans(trace, trace.observations, RESOURCE)
    assert [type(s) for s in spans] == [ReadableSpan, ReadableSpan]
    assert spans[0].attributes["langfuse.observation.level"] == "DEFAULT"
    assert encode_request(spans) == encode_spans(spans).SerializeToString()


VALUES = (st.text(max_size=300) | st.integers(-(2**63), 2**63 - 1) | st.booleans()
          | st.floats(allow_nan=False) | st.lists(st.text(max_size=8), max_size=70)
          | st.lists(st.booleans() | st.integers(0, 3), max_size=3))


@settings(max_examples=150, deadline=None)
@given(front=st.dictionaries(st.text(max_size=10), VALUES, max_size=6),
       own=st.dictionaries(st.text(max_size=10), VALUES, max_size=6),
       copies=st.integers(1, 3))
def test_generated_shared_fronts_match_the_stock_encoder(front, own, copies) -> None:
    own = {k: v for k, v in own.items() if k not in front}
    shared = SharedAttributes(front)
    spans = []
    for i in range(copies):
        ctx = SpanContext(trace_id=0xABC, span_id=i + 1, is_remote=False,
                          trace_flags=TraceFlags(TraceFlags.SAMPLED))
        span = TraceSpan(name=f"s{i}", context=ctx, resource=RESOURCE,
                         attributes={**front, **own}, start_time=1, end_time=2,
                         instrumentation_scope=SCOPE)
        span.shared = shared
        spans.append(span)
    plain = [_plain(s) for s in spans]
    assert encode_request(spans) == encode_spans(plain).SerializeToString()
    assert [estimate(s) for s in spans] == [estimate(p) for p in plain]
