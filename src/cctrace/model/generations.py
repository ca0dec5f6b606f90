"""One `generation` observation per model API call.

A call's streamed records are merged by message id before they get here (`scope.walk`);
this shapes the merged `Message`: its input (the user and tool-result messages since the
previous call), its output without media payloads or signatures, its model, its usage
counted once (Langfuse usage keys), when its first token came, and the ids that tie it
back to the transcript (message id, request id, record uuid).
"""

from __future__ import annotations

from typing import Any

from cctrace.model import ids
from cctrace.model.content import clean_content
from cctrace.model.context import BuildState
from cctrace.model.types import Observation
from cctrace.transcript.records import Message


def generation(
    state: BuildState,
    trace_id: str,
    parent_id: str,
    msg: Message,
    start_ns: int,
    inputs: list[dict[str, Any]],
) -> Observation:
    first_ns = msg.first.timestamp_ns or start_ns
    end_ns = max(msg.last.timestamp_ns or first_ns, first_ns, start_ns)
    metadata: dict[str, Any] = {"message_id": msg.id}
    if msg.request_id:
        metadata["request_id"] = msg.request_id
    if msg.stop_reason:
        metadata["stop_reason"] = msg.stop_reason
    if msg.thinking:
        metadata["thinking"] = msg.thinking
    service_tier = (msg.raw_usage or {}).get("service_tier")
    if isinstance(service_tier, str):
        metadata["service_tier"] = service_tier
    if msg.first.uuid:
        metadata["record_uuid"] = msg.first.uuid
    state.count("generations")
    return Observation(
        id=ids.span_id("generation", msg.id),
        trace_id=trace_id,
        parent_id=parent_id,
        type="generation",
        name=msg.model or "model call",
        start_ns=min(start_ns, first_ns),
        end_ns=end_ns,
        input=inputs or None,
        output={"role": "assistant", "content": clean_content(msg.content)},
        model=msg.model,
        usage=msg.usage or None,
        completion_start_ns=first_ns,
        metadata=metadata,
    )
