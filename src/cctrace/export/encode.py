"""OTLP encoding: spans to `ExportTraceServiceRequest` protobuf bytes, split into batches.

We reuse the OTLP exporter package's encoder (`encode_spans`) so the wire format is exactly
what the stock exporter sends, but keep the bytes ourselves: they go into the store's outbox
before any network I/O. Batches are bounded by span count and by encoded size (Langfuse and
collectors reject oversized bodies); a single span larger than the byte limit still goes out
alone rather than being dropped, and the receiver decides.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence

from opentelemetry.exporter.otlp.proto.common.trace_encoder import encode_spans
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import ReadableSpan

from cctrace.export.spans import to_spans
from cctrace.model.types import Observation, Trace

MAX_SPANS = 500
MAX_BYTES = 4_000_000


def encode(spans: Sequence[ReadableSpan]) -> bytes:
    """Serialized `ExportTraceServiceRequest` for `spans`."""
    return encode_spans(spans).SerializeToString()


def span_id_hex(span: ReadableSpan) -> str:
    return format(span.get_span_context().span_id, "016x")


def split(
    spans: Iterable[ReadableSpan], max_spans: int = MAX_SPANS, max_bytes: int = MAX_BYTES
) -> Iterator[tuple[bytes, list[ReadableSpan]]]:
    """Encoded groups of at most `max_spans` spans and `max_bytes` bytes each.

    Each group is encoded once; only a group that comes out too large is halved and
    re-encoded, so the usual cost is a single encode per span (encoding every span alone to
    measure it doubled the worker's export cost).
    """
    group: list[ReadableSpan] = []
    for span in spans:
        group.append(span)
        if len(group) >= max_spans:
            yield from _fit(group, max_bytes)
            group = []
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
