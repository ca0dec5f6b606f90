"""Events of a turn: compaction, API errors and retries, stop hooks, notifications, local
commands, interruptions, synthetic messages and records that could not be read.

Each is an `event` observation at its record's time with a level (a retried API error is
a warning, the final failure an error) and its status line; ids come from the record's
uuid, so rebuilding yields the same events.
"""

from __future__ import annotations

from typing import Any

from cctrace.model import ids
from cctrace.model.content import error_text, scalar_fields
from cctrace.model.context import BuildState
from cctrace.model.types import Observation
from cctrace.transcript.records import Message, Record

# System record subtypes that become events, and the event's name.
EVENT_SYSTEM = {
    "compact_boundary": "compaction",
    "api_error": "api_error",
    "stop_hook_summary": "stop hooks",
    "informational": "notification",
    "local_command": "local command",
    "microcompact_boundary": "compaction",
}


def event(
    state: BuildState,
    trace_id: str,
    parent_id: str,
    rec: Record,
    ts: int,
    name: str,
    level: str = "DEFAULT",
    status: str | None = None,
    payload: Any = None,
    metadata: dict[str, Any] | None = None,
) -> Observation:
    state.count("events")
    key = rec.uuid or f"{parent_id}:{rec.offset}"
    return Observation(
        id=ids.span_id("event", key),
        trace_id=trace_id,
        parent_id=parent_id,
        type="event",
        name=name,
        start_ns=ts,
        end_ns=ts,
        input=payload,
        level=level,
        status_message=status or None,
        metadata=metadata or {},
    )


def unreadable(
    state: BuildState, trace_id: str, parent_id: str, rec: Record, ts: int
) -> Observation:
    """A record that could not be read or built: its error type and size only."""
    state.count("unreadable_records")
    error = str(rec.get("error") or "error")[:80]
    size = rec.get("size")
    meta = {k: rec.get(k) for k in ("error", "size", "sha256", "stage") if rec.get(k)}
    return event(state, trace_id, parent_id, rec, ts, "unreadable record", level="ERROR",
                 status=f"transcript record not captured: {error}, {size} bytes",
                 metadata=meta)


def system_event(
    state: BuildState, trace_id: str, parent_id: str, rec: Record, ts: int, name: str
) -> Observation:
    data = rec.data
    meta = {k: v for k, v in data.items() if k in (
        "subtype", "compactMetadata", "microcompactMetadata", "level", "retryAttempt",
        "retryInMs", "maxRetries", "hookCount", "hookInfos", "hookErrors",
        "preventedContinuation", "stopReason", "hasOutput", "logicalParentUuid")}
    content = data.get("content") if isinstance(data.get("content"), str) else None
    level, status = "DEFAULT", None
    if rec.subtype == "api_error":
        error = data.get("error")
        status = content or error_text(error) or "API error"
        attempt, most = data.get("retryAttempt"), data.get("maxRetries")
        if not content and isinstance(attempt, int) and isinstance(most, int):
            status += f" (retry {attempt} of {most})"
        # A retried error is a warning; the final failure shows as a synthetic message.
        level = "WARNING"
        if isinstance(error, dict):
            meta["error"] = scalar_fields(error) or str(error)
    elif data.get("level") in ("error", "warning"):
        level = "ERROR" if data["level"] == "error" else "WARNING"
        status = content
    return event(state, trace_id, parent_id, rec, ts, name, level=level, status=status,
                 payload=content, metadata=meta)


def synthetic_event(
    state: BuildState, trace_id: str, parent_id: str, msg: Message, fallback_ns: int
) -> Observation:
    rec = msg.first
    text = msg.text
    is_error = bool(rec.get("isApiErrorMessage")) or text.startswith("API Error")
    return event(
        state,
        trace_id, parent_id, rec, rec.timestamp_ns or fallback_ns,
        "api_error" if is_error else "notice",
        level="ERROR" if is_error else "DEFAULT",
        status=text or None,
        payload=text or None,
        metadata={k: v for k, v in (("error", rec.get("error")),
                                    ("request_id", msg.request_id)) if v},
    )
