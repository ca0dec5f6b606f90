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
) -> Iterator[list[ReadableSpan]]:
    """Group spans into lists that each encode to at most `max_spans` / `max_bytes`.

    The size of a group is estimated as the sum of each span encoded alone, which counts the
    resource and scope once per span and so never underestimates the combined request.
    """
    group: list[ReadableSpan] = []
    size = 0
    for span in spans:
        one = len(encode([span]))
        if group and (len(group) >= max_spans or size + one > max_bytes):
            yield group
            group, size = [], 0
        group.append(span)
        size += one
    if group:
        yield group


def batches(
    pairs: list[tuple[Trace, list[Observation]]],
    resource: Resource,
    max_spans: int = MAX_SPANS,
    max_bytes: int = MAX_BYTES,
) -> Iterator[tuple[bytes, list[str]]]:
    """(payload, span ids in hex) for every batch covering the given observations."""
    spans = (span for trace, obs in pairs for span in to_spans(trace, obs, resource))
    for group in split(spans, max_spans, max_bytes):
        yield encode(group), [span_id_hex(s) for s in group]
