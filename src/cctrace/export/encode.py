"""OTLP encoding: spans to `ExportTraceServiceRequest` protobuf bytes, split into batches.

The bytes are exactly what the OTLP exporter package's encoder (`encode_spans`) produces,
written by `cctrace.export.wire` at a fraction of its cost (it falls back to the stock
encoder for anything it does not write itself, and a test compares the two); we keep the
bytes ourselves: they go into the store's outbox before any network I/O. Batches are
bounded by span count and by encoded size (Langfuse and collectors reject oversized
bodies); a single span larger than the byte limit still goes out alone rather than being
dropped, and the receiver decides.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from itertools import islice
from typing import Any

from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import ReadableSpan

from cctrace.export.spans import to_spans
from cctrace.export.wire import encode_request
from cctrace.model.types import Observation, Trace

MAX_SPANS = 500
MAX_BYTES = 4_000_000


def encode(spans: Sequence[ReadableSpan]) -> bytes:
    """Serialized `ExportTraceServiceRequest` for `spans` (the stock encoder's bytes)."""
    return encode_request(spans)


def span_id_hex(span: ReadableSpan) -> str:
    return format(span.get_span_context().span_id, "016x")


# Groups are planned to this share of the byte limit from a cheap size estimate, so the one
# encode per group nearly always fits (a group that does not is halved and re-encoded).
PLAN_SHARE = 0.75


def estimate(span: ReadableSpan) -> int:
    """A cheap guess of a span's encoded size: its text plus a fixed overhead per field.

    Exact for ASCII text up to protobuf's few bytes of framing; non-ASCII text encodes
    larger (UTF-8), which the halving fallback in `_fit` absorbs.
    """
    attributes = span.attributes or {}
    shared = getattr(span, "shared", None)
    if shared is None:
        size = 96 + len(span.name) + _attributes_size(attributes)
    else:
        # The trace's attributes in front (`spans.TraceSpan`): their share once per trace.
        if shared.size is None:
            shared.size = _attributes_size(shared.items)
        own = dict(islice(attributes.items(), shared.count, None))
        size = 96 + len(span.name) + shared.size + _attributes_size(own)
    for event in span.events:
        size += 32 + len(event.name) + sum(
            len(k) + (len(v) if isinstance(v, str) else 12) + 8
            for k, v in (event.attributes or {}).items())
    return size


def _attributes_size(attributes: Mapping[str, Any]) -> int:
    # Keys and their fixed overhead in two C-level passes, then what each value adds.
    size = sum(map(len, attributes)) + 8 * len(attributes)
    for value in attributes.values():
        if isinstance(value, str):
            size += len(value)
        elif isinstance(value, (list, tuple)):
            size += sum(len(v) + 4 if isinstance(v, str) else 12 for v in value)
        else:
            size += 12
    return size


def split(
    spans: Iterable[ReadableSpan], max_spans: int = MAX_SPANS, max_bytes: int = MAX_BYTES
) -> Iterator[tuple[bytes, list[ReadableSpan]]]:
    """Encoded groups of at most `max_spans` spans and `max_bytes` bytes each.

    Groups are planned from `estimate`, then each is encoded once; only a group that comes
    out too large anyway is halved and re-encoded. (Encoding every span alone to measure it
    doubled the export cost; encoding 500-span groups of large tool outputs and halving
    them until they fit encoded the same bytes three times over.)
    """
    budget = int(max_bytes * PLAN_SHARE)
    group: list[ReadableSpan] = []
    planned = 0
    for span in spans:
        size = estimate(span)
        if group and (len(group) >= max_spans or planned + size > budget):
            yield from _fit(group, max_bytes)
            group, planned = [], 0
        group.append(span)
        planned += size
    if group:
        yield from _fit(group, max_bytes)


def _fit(group: list[ReadableSpan], max_bytes: int) -> Iterator[tuple[bytes, list[ReadableSpan]]]:
    payload = encode(group)
    if len(payload) <= max_bytes or len(group) == 1:
        yield payload, group
        return
    mid = len(group) // 2
    yield from _fit(group[:mid], max_bytes)
    yield from _fit(group[mid:], max_bytes)


def batches(
    pairs: list[tuple[Trace, list[Observation]]],
    resource: Resource,
    max_spans: int = MAX_SPANS,
    max_bytes: int = MAX_BYTES,
) -> Iterator[tuple[bytes, list[str]]]:
    """(payload, span ids in hex) for every batch covering the given observations."""
    spans = (span for trace, obs in pairs for span in to_spans(trace, obs, resource))
    for payload, group in split(spans, max_spans, max_bytes):
        yield payload, [span_id_hex(s) for s in group]
