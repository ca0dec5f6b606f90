"""export.wire at its edges: what the direct writer takes itself (the stock encoder only for
what it does not write), the int64 bounds, the varint table's end, the dropped counts, the
grouping by resource and scope, a trace's attributes written once, the caches' bounds."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from opentelemetry.attributes import BoundedAttributes
from opentelemetry.exporter.otlp.proto.common.trace_encoder import encode_spans
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import Event, ReadableSpan
from opentelemetry.sdk.util import BoundedList
from opentelemetry.sdk.util.instrumentation import InstrumentationScope
from opentelemetry.trace import Link, SpanContext, Status, StatusCode, TraceFlags

from cctrace.export import wire
from cctrace.export.spans import SCOPE, SharedAttributes, TraceSpan

RESOURCE = Resource({"service.name": "x"})


def stock(spans) -> bytes:
    return encode_spans(spans).SerializeToString()


@contextmanager
def fallbacks() -> Iterator[list[int]]:
    """The number of times the stock encoder was asked (the direct writer gave up)."""
    calls: list[int] = []
    real = wire.encode_spans
    wire.encode_spans = lambda s: calls.append(1) or real(s)
    try:
        yield calls
    finally:
        wire.encode_spans = real


def _ctx(span_id: int, remote: bool = False) -> SpanContext:
    return SpanContext(trace_id=0xABCDEF, span_id=span_id, is_remote=remote,
                       trace_flags=TraceFlags(TraceFlags.SAMPLED))


def _span(attrs=None, resource=RESOURCE, scope=SCOPE, **kw) -> ReadableSpan:
    return ReadableSpan(name=kw.pop("name", "s"), context=_ctx(kw.pop("span_id", 5)),
                        resource=resource, attributes=attrs, instrumentation_scope=scope, **kw)


def direct(spans) -> bytes:
    """The request's bytes, checked equal to the stock encoder's and written directly."""
    with fallbacks() as calls:
        got = wire.encode_request(spans)
    assert calls == []
    assert got == stock(spans)
    return got


@pytest.mark.parametrize("attrs", [
    {"f": 1.5, "b": True, "n": -3},
    {"floats": [1.5, -0.0], "ints": [1, -2, 2**40], "bools": [True, False]},
    {"mixed": ["a", 1, 2.5, None, True], "tuple": ("x", "y")},
    {"long list": ["v"] * 64, "long item": ["w" * 256]},
    {"empty": "", "none list": [None], "empty list": []},
])
def test_every_kind_of_value_cctrace_writes_goes_direct(attrs):
    direct([_span(attrs)])


def test_a_remote_parent_goes_direct_with_its_flag():
    span = _span({"k": "v"}, parent=_ctx(9, remote=True))
    got = direct([span])
    # flags: HAS_IS_REMOTE | IS_REMOTE
    assert got.endswith(b"\x85\x01" + (0x300).to_bytes(4, "little"))


@pytest.mark.parametrize(("value", "goes_direct"), [
    (2**63 - 1, True), (-(2**63), True), (2**63, False), (-(2**63) - 1, False),
])
def test_int64_bounds(value, goes_direct):
    for attrs in ({"n": value}, {"list": [value, 1]}):
        spans = [_span(attrs)]
        with fallbacks() as calls:
            got = wire.encode_request(spans)
        assert got == stock(spans)
        assert calls == ([] if goes_direct else [1])


@pytest.mark.parametrize("size", [16383, 16384, 16385])
def test_lengths_at_the_end_of_the_varint_table(size):
    direct([_span({"text": "x" * size})])
    direct([_span({"k" * size: "v"})])


def test_dropped_attributes_events_and_links_are_counted_on_the_wire():
    attrs = BoundedAttributes(maxlen=1, attributes={"a": "1", "b": "2", "c": "3"})
    events: BoundedList = BoundedList(0)
    events.append(Event("gone", timestamp=1))
    links: BoundedList = BoundedList(0)
    for n in range(3):
        links.append(Link(_ctx(20 + n)))
    span = _span(attrs, events=events, links=links)
    assert (span.dropped_attributes, span.dropped_events, span.dropped_links) == (2, 1, 3)
    got = direct([span])
    assert b"\x50\x02\x60\x01\x70\x03" in got


@pytest.mark.parametrize("what", ["events", "links"])
def test_events_or_links_alone_take_the_stock_encoder(what):
    extra = {"events": [Event("ev", {"a": 1}, timestamp=5)]} if what == "events" \
        else {"links": [Link(_ctx(6), {"l": "x"})]}
    spans = [_span({"k": "v"}, **extra)]
    with fallbacks() as calls:
        assert wire.encode_request(spans) == stock(spans)
    assert calls == [1]


def test_spans_group_by_resource_and_by_scope_first_seen_first():
    other_resource = Resource({"service.name": "y"}, schema_url="https://resource-schema")
    other_scope = InstrumentationScope("other", "1.0", "https://scope-schema")
    spans = [
        _span({"n": 1}, span_id=1),
        _span({"n": 2}, resource=other_resource, span_id=2),   # same scope, new resource
        _span({"n": 3}, span_id=3),                            # back to the first group
        _span({"n": 4}, scope=other_scope, span_id=4),         # same resource, new scope
        _span({"n": 5}, resource=other_resource, scope=other_scope, span_id=5),
        _span({"n": 6}, scope=other_scope, span_id=6),
    ]
    got = direct(spans)
    assert b"https://resource-schema" in got


def _trace_span(shared: SharedAttributes, own: dict, span_id: int) -> TraceSpan:
    span = TraceSpan(name="t", context=_ctx(span_id), resource=RESOURCE,
                     attributes={**shared.items, **own}, instrumentation_scope=SCOPE)
    span.shared = shared
    return span


def test_a_traces_attributes_are_written_once_and_then_copied():
    shared = SharedAttributes({"langfuse.trace.name": "t", "session.id": "s" * 300})
    spans = [_trace_span(shared, {"own": n}, n + 1) for n in range(3)]
    first = direct(spans)
    assert list(shared.encoded) == [9]
    plain = [_span(dict(s.attributes), span_id=n + 1, name="t") for n, s in enumerate(spans)]
    assert wire.encode_request(plain) == first
    # What is kept is what is written for every span of the trace: a planted value shows.
    shared.encoded[9] = b"\x4a\x00"
    again = wire.encode_request(spans)
    assert again.count(b"\x4a\x00") >= 3 and b"s" * 300 not in again


def test_the_caches_stay_bounded(monkeypatch):
    monkeypatch.setattr(wire, "_KEY_FIELDS", {})
    monkeypatch.setattr(wire, "_SMALL_KV", {})
    attrs = {f"key{n}": f"v{n}" for n in range(5000)}
    direct([_span(attrs)])
    assert len(wire._KEY_FIELDS) == 4096
    # cleared when full, before the 4097th entry: the span's last 5000 - 4096, and the
    # resource's one (written after the spans)
    assert len(wire._SMALL_KV) == 5000 - 4096 + 1
    # the tag lists share the bound
    monkeypatch.setattr(wire, "_SMALL_KV", {})
    direct([_span({f"tags{n}": [f"t{n}", "x"] for n in range(5000)}, resource=Resource({}))])
    assert len(wire._SMALL_KV) == 5000 - 4096


@pytest.mark.parametrize("attrs", [{5: "v"}, {5: 3}, {5: ["a"]}, {"a": "x", 5: 2.5}])
def test_a_key_that_is_not_text_takes_the_stock_encoder(attrs):
    # The stock encoder drops such an attribute; written as str(key) it went out as "5".
    spans = [_span(attrs)]
    with fallbacks() as calls:
        got = wire.encode_request(spans)
    assert calls == [1] and got == stock(spans)
    assert b"\n\x015" not in got


def test_key_fields():
    assert wire._key_field("k") == b"\x0a\x01k"
    assert wire._key_field("") == b""


def test_status_fields():
    for status in (Status(StatusCode.ERROR, "boom"), Status(StatusCode.ERROR),
                   Status(StatusCode.OK), Status(StatusCode.UNSET)):
        direct([_span({"k": "v"}, status=status)])
