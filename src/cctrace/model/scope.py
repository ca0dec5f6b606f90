"""Walking one conversation (a turn, or a subagent's sidechain) into observations.

`walk` reads a scope's records in file order: assistant records are merged by message id
into one call each (streamed thinking, text and tool_use records share one), tool results
are paired by tool_use id, user records become the next call's input, system records and
interruptions become events. It then yields a generation per finished call with its tool
calls below it, and tells whether the conversation has finished (`scope_finished`). A
call still streaming, or a tool still running, is left for the next read.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from cctrace.model import generations
from cctrace.model.content import clean_content
from cctrace.model.context import BuildState, Scope
from cctrace.model.events import EVENT_SYSTEM, event, synthetic_event, system_event, unreadable
from cctrace.model.tools import tool_call
from cctrace.model.turns import INTERRUPT_PREFIX, NOTIFICATION_TAGS
from cctrace.model.types import Observation
from cctrace.transcript.reader import UNREADABLE
from cctrace.transcript.records import FINAL_STOP_REASONS, Message, Record, message_key


class Clock:
    """Monotone fallback for records without a usable timestamp."""

    def __init__(self, start: int) -> None:
        self.last = start

    def at(self, record: Record) -> int:
        ts = record.timestamp_ns
        if ts is not None:
            self.last = ts
            return ts
        return self.last


def walk(
    state: BuildState,
    records: list[Record],
    trace_id: str,
    parent_id: str,
    closed: bool,
    depth: int,
    seen_agents: frozenset[str],
) -> Scope:
    """Observations of one conversation; `records[0]` is its prompt. `closed` says no
    more records will come, so unfinished calls and tools are emitted as they are."""
    start = records[0].timestamp_ns or 0
    clock = Clock(start)
    obs: list[Observation] = []
    messages: dict[str, Message] = {}
    msg_start: dict[str, int] = {}
    msg_input: dict[str, list[dict[str, Any]]] = {}
    msg_last_index: dict[str, int] = {}
    results: dict[str, tuple[Record, dict[str, Any], int]] = {}
    pending_input: list[dict[str, Any]] = []
    prev_ns = start
    last_index = len(records) - 1
    last_ns = start

    for index, rec in enumerate(records):
        ts = clock.at(rec)
        last_ns = max(last_ns, ts)
        kind = rec.type
        if kind == "assistant":
            key = message_key(rec)
            msg = messages.get(key)
            if msg is None:
                msg = messages[key] = Message(id=key, records=[])
                msg_start[key] = min(prev_ns, ts)
                msg_input[key] = pending_input
                pending_input = []
            msg.add(rec)
            msg_last_index[key] = index
        elif kind == "user":
            blocks = rec.content
            for block in blocks:
                if block.get("type") == "tool_result" and isinstance(
                    block.get("tool_use_id"), str
                ):
                    results.setdefault(block["tool_use_id"], (rec, block, ts))
            text = rec.text.strip()
            if index and text.startswith(INTERRUPT_PREFIX):
                obs.append(event(state, trace_id, parent_id, rec, ts, "interrupted",
                                 level="WARNING", status=text))
            elif index and text.startswith(NOTIFICATION_TAGS):
                obs.append(event(state, trace_id, parent_id, rec, ts, "notification",
                                 payload=text))
            if not rec.is_meta:
                pending_input.append(
                    {"role": "user", "content": clean_content(blocks)}
                )
            prev_ns = ts
        elif kind == "system":
            name = EVENT_SYSTEM.get(rec.subtype or "")
            if name is None:
                state.count("skipped_system", rec.subtype or "?")
            else:
                obs.append(system_event(state, trace_id, parent_id, rec, ts, name))
            prev_ns = ts
        elif kind == "api-request":
            # Written when the request is sent: the most exact start of the next call.
            prev_ns = ts
        elif kind == "attachment":
            state.count("attachments", str(rec.attachment.get("type") or "?"))
            prev_ns = ts
        elif kind == UNREADABLE:
            obs.append(unreadable(state, trace_id, parent_id, rec, ts))
        else:
            state.count("skipped_types", kind or "?")

    final_text = ""
    models: list[str] = []
    for key, msg in messages.items():
        done = closed or msg.stop_reason is not None or msg_last_index[key] < last_index
        if msg.is_synthetic:
            if done:
                obs.append(synthetic_event(state, trace_id, parent_id, msg, clock.last))
            continue
        if msg.model and msg.model not in models:
            models.append(msg.model)
        if msg.text.strip():
            final_text = msg.text
        if not done:
            continue
        gen = generations.generation(state, trace_id, parent_id, msg, msg_start[key],
                                     msg_input[key])
        obs.append(gen)
        for block in msg.tool_uses:
            obs.extend(tool_call(state, trace_id, gen, msg, block, results, closed, last_ns,
                                 depth, seen_agents))
    complete = closed or scope_finished(messages, results)
    end_ns = max([last_ns, start] + [o.end_ns for o in obs])
    return Scope(obs, final_text, end_ns, complete, models)


def scope_finished(messages: dict[str, Message], results: Mapping[str, Any]) -> bool:
    """The conversation ended: every tool call has its result and the last call stopped
    for good (or is a synthetic message Claude Code wrote in its place)."""
    real = [m for m in messages.values()]
    if not real:
        return False
    last = real[-1]
    if any(b["id"] not in results for m in real for b in m.tool_uses):
        return False
    return last.is_synthetic or last.stop_reason in FINAL_STOP_REASONS
