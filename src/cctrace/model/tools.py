"""One `tool` observation per tool call, paired with its result and its hooks.

A call (a `tool_use` block of a generation) is paired with its `tool_result` by tool_use
id, nested under the generation that asked for it, and timed from the transcript refined
by what its PreToolUse / PostToolUse hooks reported. A call refused before any hook ran
is marked `rejected`, one guard mode denied `guard_denied`, so coverage expects the right
hooks. A subagent call carries its subagent (`subagents`) or, launched in the
background, only its agent id until its completion opens a later turn.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from cctrace.model import ids
from cctrace.model.content import clean_content, content_text, scalar_fields
from cctrace.model.context import BuildState
from cctrace.model.subagents import SUBAGENT_TOOLS, inline_subagent, subagent
from cctrace.model.types import Observation
from cctrace.transcript.records import Message, Record

REJECTED_TAG = "<tool_use_error>"
# What Claude Code writes when a PreToolUse hook denied the call with cctrace guard mode's
# reason (`cctrace.hook.guard.reason_for`): "PreToolUse:Bash hook error: Blocked by ...".
GUARD_DENIED = re.compile(r"^(?:PreToolUse:[^\s:]{1,128} hook error: )?"
                          r"Blocked by cctrace guard mode: rule ")


def tool_call(
    state: BuildState,
    trace_id: str,
    gen: Observation,
    msg: Message,
    block: dict[str, Any],
    results: Mapping[str, tuple[Record, dict[str, Any], int]],
    closed: bool,
    scope_end: int,
    depth: int,
    seen_agents: frozenset[str],
) -> list[Observation]:
    """The call's `tool` observation and, for a subagent call, its subagent's; [] for a
    call still running in a scope that is not closed."""
    tool_id = block["id"]
    name = str(block.get("name") or "tool")
    hook = state.ctx.hook_tools.get(tool_id)
    use_rec = next((r for r in msg.records if block in r.content), msg.last)
    start = use_rec.timestamp_ns or gen.end_ns
    if hook and hook.pre_ns:
        start = max(start, hook.pre_ns) if hook.pre_ns - start < 60 * 10**9 else start
    found = results.get(tool_id)
    if found is None and not closed:
        return []
    inline = state.inline.get(tool_id) if name in SUBAGENT_TOOLS else None
    metadata: dict[str, Any] = {"tool_use_id": tool_id}
    where = use_rec.get("cwd")
    if isinstance(where, str) and where:
        # The Bash tool keeps a `cd` for the next calls: this call ran where its record
        # says, not where the turn began (build drops it when it is the turn's own cwd).
        metadata["cwd"] = where
    level, status = "DEFAULT", None
    output: Any = None
    extra: list[Observation] = []
    if found is None:
        end = max(scope_end, start)
        level, status = "WARNING", "no tool result recorded"
        if inline:
            # The session ended mid-task: the subagent's calls were still made (and paid).
            extra = inline_subagent(state, trace_id, tool_id, inline, block.get("input"),
                                    depth, seen_agents)
    else:
        rec, res, res_ns = found
        end = max(res_ns, start)
        output = clean_content(res.get("content"))
        tur = rec.tool_use_result
        fields = scalar_fields(tur)
        if fields:
            metadata["result"] = fields
        if res.get("is_error"):
            level = "ERROR"
            text = content_text(res.get("content"))
            status = text or "tool error"
            if text.lstrip().startswith(REJECTED_TAG):
                # Refused while its input was validated, before any hook could run
                # (1.0.x/2.0.x): coverage must not expect tool hooks for it.
                metadata["rejected"] = True
            elif GUARD_DENIED.match(text.lstrip()):
                # Denied by guard mode in its PreToolUse: it never ran, so no
                # PostToolUse follows (coverage expects the PreToolUse only).
                metadata["guard_denied"] = True
        if name in SUBAGENT_TOOLS and isinstance(tur, dict):
            agent_id = tur.get("agentId")
            if tur.get("isAsync") or tur.get("status") == "async_launched":
                state.launch_traces[tool_id] = trace_id
                # Still running when this turn ends: the whole subagent goes with the
                # turn that Claude Code feeds its completion back in (task-notification).
                metadata["agent_id"] = agent_id
                metadata["async"] = True
            elif isinstance(agent_id, str):
                extra = subagent(state, trace_id, ids.span_id("tool", tool_id), agent_id,
                                 block.get("input"), depth, seen_agents)
            elif inline:
                extra = inline_subagent(state, trace_id, tool_id, inline, block.get("input"),
                                        depth, seen_agents)
            else:
                state.count("subagent_without_id")
    if hook is not None:
        if hook.duration_ms is not None and hook.duration_ms >= 0:
            metadata["duration_ms"] = hook.duration_ms
            span = int(hook.duration_ms * 1_000_000)
            # The result is recorded as the tool returns; the tool_use record is written
            # when the block streamed, which can be well before execution began.
            if found is not None:
                start = max(start, end - span)
            end = start + span
        if hook.failed or hook.error:
            level = "ERROR"
            status = hook.error or status or "tool failed"
        if hook.is_interrupt:
            metadata["is_interrupt"] = True
    state.count("tools")
    tool_obs = Observation(
        id=ids.span_id("tool", tool_id),
        trace_id=trace_id,
        parent_id=gen.id,
        type="tool",
        name=name,
        start_ns=start,
        end_ns=max(end, start),
        input=block.get("input"),
        output=output,
        level=level,
        status_message=status,
        metadata=metadata,
    )
    if extra:
        tool_obs.end_ns = max([tool_obs.end_ns] + [o.end_ns for o in extra if o.type == "agent"
                                                   and o.parent_id == tool_obs.id])
    return [tool_obs, *extra]
