"""`wire.encode_request` gives the stock OTLP encoder's bytes, byte for byte."""

from __future__ import annotations

import math
from pathlib import Path
from unittest.mock import patch

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from opentelemetry.exporter.otlp.proto.common.trace_encoder import encode_spans
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import Event, ReadableSpan
from opentelemetry.sdk.util.instrumentation import InstrumentationScope
from opentelemetry.trace import Link, SpanContext, SpanKind, Status, StatusCode, TraceFlags
from opentelemetry.trace.span import TraceState

from cctrace.export import wire
from cctrace.export.spans import SCOPE, TraceSpan, make_resource, to_spans
from cctrace.export.wire import encode_request
from cctrace.model.build import BuildContext, build_traces
from cctrace.transcript.locate import sidechain_loader
from cctrace.transcript.reader import read_new

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "transcripts"


def stock(spans) -> bytes:
    return encode_spans(spans).SerializeToString()


def test_recorded_sessions_encode_identically(monkeypatch) -> None:
    fallbacks = []
    monkeypatch.setattr(wire, "encode_spans", lambda s: fallbacks.append(1) or encode_spans(s))
    resource = make_resource("dev", "r1")
    spans = []
    for path in sorted(FIXTURES.glob("*/*.jsonl")):
        if path.name != "hooks.jsonl":
            result = read_new(str(path), None)
            for trace in build_traces(result.records, BuildContext(
                    load_sidechain=sidechain_loader(str(path)), final=True, user_id="u",
                    release="r1")).traces:
                trace.tags = ["t1", "t2"]
                spans += to_spans(trace, trace.observations, resource)
    assert len(spans) > 50
    # Every span took the path that writes its trace's attributes once per trace.
    assert [type(s) for s in spans] == [TraceSpan] * len(spans)
    for group in (spans, spans[:1], spans[3:40], []):
        assert encode_request(group) == stock(group)
    assert fallbacks == []  # the direct writer produced them, not the fallback


def _ctx(span_id: int, remote: bool = False, state: TraceState | None = None) -> SpanContext:
    return SpanContext(trace_id=0x1234_5678_9ABC_DEF0_1122_3344_5566_7788, span_id=span_id,
                       is_remote=remote, trace_flags=TraceFlags(TraceFlags.SAMPLED),
                       trace_state=state)


SCALARS = (st.none() | st.booleans() | st.integers(-(2**63), 2**63 - 1)
           | st.floats(allow_nan=True, allow_infinity=True) | st.text(max_size=40)
           | st.text(min_size=600, max_size=700))
VALUES = SCALARS | st.lists(SCALARS, max_size=4) | st.tuples(SCALARS, SCALARS)


@settings(max_examples=250, deadline=None)
@given(
    attrs=st.dictionaries(st.text(max_size=12), VALUES, max_size=6),
    name=st.text(max_size=20),
    kind=st.sampled_from(list(SpanKind)),
    times=st.tuples(st.integers(0, 2**63), st.integers(0, 2**63)),
    parent=st.sampled_from([None, "local", "remote"]),
    status=st.sampled_from([None, (StatusCode.UNSET, None), (StatusCode.OK, None),
                            (StatusCode.ERROR, None), (StatusCode.ERROR, "boom é")]),
    state=st.sampled_from([None, TraceState([("vendor", "v1"), ("x", "y")])]),
)
def test_generated_spans_encode_identically(attrs, name, kind, times, parent, status,
                                            state) -> None:
    span = ReadableSpan(
        name=name, context=_ctx(7, state=state),
        parent=None if parent is None else _ctx(9, remote=parent == "remote"),
        resource=Resource({"service.name": "x", "n": 3, "list": ["a", "b"]}),
        attributes=attrs, kind=kind,
        status=Status(*status) if status else Status(StatusCode.UNSET),
        start_time=times[0], end_time=times[1], instrumentation_scope=SCOPE,
    )
    other = ReadableSpan(name="second", context=_ctx(8), resource=Resource({"r": 2}),
                         attributes={"k": "v"}, instrumentation_scope=InstrumentationScope(
                             "other", None, "https://schema", {"scope.attr": True}))
    calls = []
    with patch.object(wire, "encode_spans", lambda s: calls.append(1) or encode_spans(s)):
        for group in ([span], [span, other, span]):
            assert encode_request(group) == stock(group)
    assert calls == []  # all of it is what the direct writer writes itself


@pytest.mark.parametrize("attrs", [
    {"big": 2**70},                     # beyond int64: the stock encoder drops it
    {"bytes": b"\x00\x01"},
    {"map": {"a": 1}},
    {"nan": math.nan, "lone": "ok"},
])
def test_values_outside_the_direct_path_still_match(attrs) -> None:
    span = ReadableSpan(name="s", context=_ctx(5), resource=Resource({}), attributes=attrs,
                        instrumentation_scope=SCOPE)
    assert encode_request([span]) == stock([span])


def test_events_links_and_missing_scope_take_the_stock_encoder() -> None:
    with_events = ReadableSpan(name="e", context=_ctx(5), resource=Resource({}),
                               events=[Event("ev", {"a": 1}, timestamp=5)],
                               links=[Link(_ctx(6), {"l": "x"})], instrumentation_scope=SCOPE)
    no_scope = ReadableSpan(name="n", context=_ctx(6), resource=Resource({}))
    for group in ([with_events], [no_scope], [with_events, no_scope]):
        assert encode_request(group) == stock(group)
