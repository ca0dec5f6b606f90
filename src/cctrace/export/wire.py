"""OTLP protobuf bytes written directly: the same bytes as the stock encoder, ~4x cheaper.

`encode_request(spans)` returns exactly `encode_spans(spans).SerializeToString()` (the
OTLP exporter's encoder, which `export/encode.py` used alone). That encoder builds a
protobuf object per value, key, attribute and span, and every constructor copies its
children, so a large tool output was copied six times; here each message is written as
tag/length-prefixed chunks that are joined once. Proto3 rules are followed field by field
(scalars at their default are omitted, oneof members and sub-messages are always written,
fields in field-number order), and the grouping by resource and scope is the stock one.
Bytes that repeat are written once: a trace's attributes, which every span of it begins
with (`spans.TraceSpan`), once per trace; short values and tag lists from a small cache.

Anything outside what cctrace produces (events, links, mapping or bytes attribute values,
integers beyond int64, text that is not valid UTF-8, attribute keys that are not text)
takes the stock encoder instead, so the result is the stock result in every case.
`tests/export/test_export_wire.py` compares the bytes on recorded sessions and generated
spans.
"""

from __future__ import annotations

import struct
from collections import defaultdict
from collections.abc import Iterable, Sequence
from itertools import islice
from typing import Any

from opentelemetry.exporter.otlp.proto.common.trace_encoder import encode_spans
from opentelemetry.sdk.trace import ReadableSpan
from opentelemetry.trace import SpanKind

# OTLP Span.SpanKind numbers (the API's SpanKind values start at 0 for INTERNAL).
_KIND = {SpanKind.INTERNAL: 1, SpanKind.SERVER: 2, SpanKind.CLIENT: 3,
         SpanKind.PRODUCER: 4, SpanKind.CONSUMER: 5}
# Span.kind fields (field 6, varint) as written bytes; Span.status (field 15) when empty.
_KIND_FIELD = {kind: b"\x30" + bytes([number]) for kind, number in _KIND.items()}
_EMPTY_STATUS = b"\x7a\x00"
_FLAGS_HAS_IS_REMOTE = 0x100
_FLAGS_IS_REMOTE = 0x200
_INT64_MIN, _INT64_MAX = -(2**63), 2**63 - 1
_pack_double = struct.Struct("<d").pack
_pack_fixed64 = struct.Struct("<Q").pack
_pack_fixed32 = struct.Struct("<I").pack


class _Unsupported(Exception):
    """A span uses something this encoder does not write: the stock encoder takes over."""


def encode_request(spans: Sequence[ReadableSpan]) -> bytes:
    """Serialized `ExportTraceServiceRequest` for `spans`, identical to the stock encoder."""
    try:
        chunks: list[bytes] = []
        _request(spans, chunks)
        return b"".join(chunks)
    except (_Unsupported, UnicodeEncodeError, OverflowError, TypeError, AttributeError):
        return encode_spans(spans).SerializeToString()


def _varint_slow(n: int) -> bytes:
    out = bytearray()
    while n >= 0x80:
        out.append((n & 0x7F) | 0x80)
        n >>= 7
    out.append(n)
    return bytes(out)


# Lengths below 16 KiB (nearly every key, value and small message) from a table.
_VARINTS = [_varint_slow(n) for n in range(1 << 14)]


def _varint(n: int) -> bytes:
    return _VARINTS[n] if 0 <= n < 16384 else _varint_slow(n)


def _int64(n: int) -> bytes:
    if not _INT64_MIN <= n <= _INT64_MAX:
        raise _Unsupported("int beyond int64")  # the stock encoder logs and drops it
    return _varint(n & 0xFFFFFFFFFFFFFFFF)


# Tags: (field number << 3) | wire type, as written bytes.
def _tag(field: int, wire: int) -> bytes:
    return _varint((field << 3) | wire)


def _message(field: int, body: list[bytes], out: list[bytes]) -> None:
    """Append a length-delimited sub-message built in `body` (always written)."""
    size = sum(map(len, body))
    out.append(_tag(field, 2) + _varint(size))
    out.extend(body)


def _text(field: int, value: str, out: list[bytes], always: bool = False) -> None:
    if value or always:
        raw = value.encode("utf-8")
        out.append(_tag(field, 2) + _varint(len(raw)))
        out.append(raw)


def _any_value(value: Any, out: list[bytes]) -> None:
    """AnyValue fields (oneof: written even at their default)."""
    if value is None:
        return
    if isinstance(value, bool):
        out.append(b"\x10\x01" if value else b"\x10\x00")
    elif isinstance(value, str):
        _text(1, value, out, always=True)
    elif isinstance(value, int):
        out.append(b"\x18" + _int64(value))
    elif isinstance(value, float):
        out.append(b"\x21" + _pack_double(value))
    elif isinstance(value, (list, tuple)):
        array: list[bytes] = []
        for item in value:
            inner: list[bytes] = []
            _any_value(item, inner)
            _message(1, inner, array)
        _message(5, array, out)
    else:
        raise _Unsupported(type(value).__name__)


# Encoded `key` fields of KeyValue, per attribute name (a few dozen distinct names).
_KEY_FIELDS: dict[str, bytes] = {}


def _key_field(key: str) -> bytes:
    field = _KEY_FIELDS.get(key)
    if field is None:
        raw = key.encode("utf-8")
        field = (b"\x0a" + _varint(len(raw)) + raw) if raw else b""
        if len(_KEY_FIELDS) < 4096:
            _KEY_FIELDS[key] = field
    return field


_SMALL_VALUE = 256
_SMALL_KV_MAX = 4096
_SMALL_KV: dict[tuple[int, str, str], bytes] = {}


def _small_kv(tag: bytes, key: str, value: str) -> bytes:
    key_field = _key_field(key)
    raw = value.encode("utf-8")
    string_field = b"\x0a" + _varint(len(raw))
    any_size = len(string_field) + len(raw)
    value_field = b"\x12" + _varint(any_size)
    kv_size = len(key_field) + len(value_field) + any_size
    return tag + _varint(kv_size) + key_field + value_field + string_field + raw


def _small_list_kv(tag: bytes, key: str, value: tuple[str, ...]) -> bytes:
    kv: list[bytes] = [_key_field(key)]
    inner: list[bytes] = []
    _any_value(value, inner)
    _message(2, inner, kv)
    return tag + _varint(sum(map(len, kv))) + b"".join(kv)


def _attributes(field: int, attributes: Any, out: list[bytes]) -> None:
    if attributes:
        _attribute_items(field, attributes.items(), out)


def _span_attributes(span: ReadableSpan, out: list[bytes]) -> None:
    """Span.attributes (field 9). A span of `spans.to_spans` (`shared`) begins with its
    trace's attributes, the same on every span of the trace: their KeyValue fields are
    written once per trace and copied, and only the span's own follow one by one."""
    attributes = span.attributes
    shared = getattr(span, "shared", None)
    if shared is None:
        _attributes(9, attributes, out)
        return
    encoded = shared.encoded.get(9)
    if encoded is None:
        chunks: list[bytes] = []
        _attributes(9, shared.items, chunks)
        encoded = shared.encoded[9] = b"".join(chunks)
    out.append(encoded)
    _attribute_items(9, islice(attributes.items(), shared.count, None), out)


def _attribute_items(field: int, items: Iterable[tuple[Any, Any]], out: list[bytes]) -> None:
    """One KeyValue in repeated field `field` per item."""
    tag = _tag(field, 2)
    for key, value in items:
        kind = type(value)
        if kind is str and len(value) < _SMALL_VALUE and type(key) is str:
            # Trace-level attributes repeat on every span of a trace: encoded once.
            cache_key: Any = (field, key, value)
            encoded = _SMALL_KV.get(cache_key)
            if encoded is None:
                encoded = _small_kv(tag, key, value)
                if len(_SMALL_KV) >= _SMALL_KV_MAX:
                    _SMALL_KV.clear()
                _SMALL_KV[cache_key] = encoded
            out.append(encoded)
            continue
        if (kind is list or kind is tuple) and type(key) is str and len(value) < 64 and all(
                type(v) is str and len(v) < _SMALL_VALUE for v in value):
            # The trace's tags (a list of strings on every span): encoded once too. Only
            # strings share a key: True == 1 would make a bool list hit an int list's entry.
            cache_key = (field, key, tuple(value), 1)
            encoded = _SMALL_KV.get(cache_key)
            if encoded is None:
                encoded = _small_list_kv(tag, key, cache_key[2])
                if len(_SMALL_KV) >= _SMALL_KV_MAX:
                    _SMALL_KV.clear()
                _SMALL_KV[cache_key] = encoded
            out.append(encoded)
            continue
        if not isinstance(key, str):
            raise _Unsupported("attribute key not text")  # the stock encoder drops it
        key_field = _key_field(key)
        if type(value) is int:
            int_field = b"\x18" + _int64(value)
            kv_body = key_field + b"\x12" + _varint(len(int_field)) + int_field
            out.append(tag + _varint(len(kv_body)) + kv_body)
            continue
        if type(value) is str:
            # The common case inlined: KeyValue{key, value: AnyValue{string_value}}.
            raw = value.encode("utf-8")
            string_field = b"\x0a" + _varint(len(raw))
            any_size = len(string_field) + len(raw)
            value_field = b"\x12" + _varint(any_size)
            kv_size = len(key_field) + len(value_field) + any_size
            head = tag + _varint(kv_size) + key_field + value_field + string_field
            if len(raw) < 512:
                out.append(head + raw)
            else:
                out.append(head)
                out.append(raw)
            continue
        kv: list[bytes] = [key_field] if key_field else []
        inner: list[bytes] = []
        _any_value(value, inner)
        _message(2, inner, kv)
        _message(field, kv, out)


def _span(span: ReadableSpan, out: list[bytes]) -> None:
    if span.events or span.links:
        raise _Unsupported("events or links")
    ctx = span.get_span_context()
    body: list[bytes] = [
        b"\x0a\x10" + ctx.trace_id.to_bytes(16, "big"),
        b"\x12\x08" + ctx.span_id.to_bytes(8, "big"),
    ]
    if ctx.trace_state is not None:
        _text(3, ",".join(f"{k}={v}" for k, v in ctx.trace_state.items()), body)
    parent = span.parent
    if parent:
        body.append(b"\x22\x08" + parent.span_id.to_bytes(8, "big"))
    _text(5, span.name, body)
    body.append(_KIND_FIELD[span.kind])
    if span.start_time:
        body.append(b"\x39" + _pack_fixed64(span.start_time))
    if span.end_time:
        body.append(b"\x41" + _pack_fixed64(span.end_time))
    _span_attributes(span, body)
    if span.dropped_attributes:
        body.append(b"\x50" + _varint(span.dropped_attributes))
    if span.dropped_events:
        body.append(b"\x60" + _varint(span.dropped_events))
    if span.dropped_links:
        body.append(b"\x70" + _varint(span.dropped_links))
    status = span.status
    if status is not None:
        if not status.description and not status.status_code.value:
            body.append(_EMPTY_STATUS)  # UNSET, no description: nearly every span
        else:
            status_body: list[bytes] = []
            _text(2, status.description or "", status_body)
            code = status.status_code.value
            if code:
                status_body.append(b"\x18" + _varint(code))
            _message(15, status_body, body)
    flags = _FLAGS_HAS_IS_REMOTE
    if parent and parent.is_remote:
        flags |= _FLAGS_IS_REMOTE
    body.append(b"\x85\x01" + _pack_fixed32(flags))
    _message(2, body, out)


def _request(spans: Sequence[ReadableSpan], out: list[bytes]) -> None:
    # Grouped as the stock encoder groups: by resource, then by scope, first seen first.
    groups: dict[Any, dict[Any, list[bytes]]] = defaultdict(lambda: defaultdict(list))
    last_resource: Any = None
    last_scope: Any = None
    chunks: list[bytes] = []
    for span in spans:
        scope = span.instrumentation_scope or None
        if scope is None:
            raise _Unsupported("span without scope")
        # Hashing a Resource serializes its attributes: skip it while both stay the same
        # objects (the same objects are the same keys).
        if span.resource is not last_resource or scope is not last_scope:
            last_resource, last_scope = span.resource, scope
            chunks = groups[last_resource][scope]
        _span(span, chunks)
    for resource, scopes in groups.items():
        rs: list[bytes] = []
        res: list[bytes] = []
        _attributes(1, resource.attributes, res)
        _message(1, res, rs)
        for scope, span_chunks in scopes.items():
            ss: list[bytes] = []
            sc: list[bytes] = []
            _text(1, scope.name, sc)
            _text(2, scope.version or "", sc)
            _attributes(3, scope.attributes, sc)
            _message(1, sc, ss)
            ss.extend(span_chunks)
            _text(3, scope.schema_url or "", ss)
            _message(2, ss, rs)
        _text(3, resource.schema_url or "", rs)
        _message(1, rs, out)
