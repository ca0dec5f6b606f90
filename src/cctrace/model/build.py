"""Building Langfuse-shaped traces from Claude Code transcript records (pure).

`build_traces(records, ctx)` splits a session's records into user turns (`turns`) and
returns one `Trace` per turn: a root `agent` observation (prompt in, final answer out)
over the turn's walked conversation (`scope`): one `generation` per model API call
(`generations`), a `tool` observation per tool call nested under the generation that asked
for it (`tools`), a nested `agent` per subagent, 2.0.x warmups under their turn
(`subagents`), and `event`s for compaction, API errors, interruptions and notifications
(`events`). Every id comes from a stable transcript key (record uuid, message id,
tool_use id, agent id), every time from the transcript, so rebuilding, resuming or
forking a session yields identical ids. A turn still running yields `complete=False` with
only its finished children, and the offset to re-read it from next time. No I/O happens
here except through the loaders of `BuildContext` (`context`).

The names callers have always imported from here stay importable from here.
"""

from __future__ import annotations

import os
from typing import Any

from cctrace.model import ids
from cctrace.model.content import clean_content, error_text
from cctrace.model.context import (
    BuildContext,
    BuildResult,
    BuildState,
    ToolHookInfo,
    tool_hook_infos,
)
from cctrace.model.scope import walk
from cctrace.model.subagents import (
    MAX_AGENT_DEPTH,
    SUBAGENT_TOOLS,
    inline_sidechains,
    subagent,
    warmup,
    warmups_by_turn,
)
from cctrace.model.tools import GUARD_DENIED, REJECTED_TAG
from cctrace.model.turns import (
    INTERRUPT_PREFIX,
    NOTIFICATION_TAGS,
    TURN_NAME,
    copied_from,
    is_copied_turn,
    is_prompt,
    notification,
    prompt_text,
    shell_output,
    split_turns,
)
from cctrace.model.types import Observation, Trace
from cctrace.transcript.records import Record

__all__ = [
    "GUARD_DENIED", "INTERRUPT_PREFIX", "MAX_AGENT_DEPTH", "NOTIFICATION_TAGS", "REJECTED_TAG",
    "SUBAGENT_TOOLS", "TURN_NAME", "BuildContext", "BuildResult", "ToolHookInfo",
    "build_traces", "build_turn", "copied_from", "error_text", "inline_sidechains",
    "is_copied_turn", "is_prompt", "prompt_text", "split_turns", "tool_hook_infos",
]


def build_traces(records: list[Record], ctx: BuildContext) -> BuildResult:
    """One `Trace` per user turn in `records` (file order), plus where to resume.

    `open_turn_offset` is the byte offset of the last turn's prompt when that turn is not
    complete yet (the caller re-reads from there), else None.
    """
    stats: dict[str, Any] = {"records": len(records)}
    main = [rec for rec in records if not rec.is_sidechain]
    inline, unmatched = inline_sidechains(records)
    state = BuildState(ctx, stats, walk, inline)
    if len(main) < len(records):
        stats["sidechain_records_in_main"] = len(records) - len(main)
    if unmatched:
        stats["sidechain_records_unmatched"] = unmatched
    pre, turns = split_turns(main)
    stats["pre_turn_records"] = len(pre)
    warmups = warmups_by_turn(turns, ctx)
    traces: list[Trace] = []
    open_offset: int | None = None
    for index, turn_records in enumerate(turns):
        if is_copied_turn(turn_records):
            stats["copied_turns"] = stats.get("copied_turns", 0) + 1
            continue
        closed = index < len(turns) - 1 or (ctx.final and (
            ctx.final_before_ns is None
            or (turn_records[0].timestamp_ns or 0) <= ctx.final_before_ns))
        trace = build_turn(state, turn_records, closed)
        for records in warmups.get(index, []) if trace.complete else []:
            warmup(state, trace, records)
        if not trace.complete:
            open_offset = turn_records[0].offset
        traces.append(trace)
    for key in ("skipped_types", "skipped_system", "attachments"):
        if key in stats:
            stats[key] = dict(stats[key])
    return BuildResult(traces, open_offset, stats)


def turn_key(prompt: Record, session_id: str) -> str:
    """What a turn's trace and root ids are made from: its prompt's uuid (ids already in
    users' Langfuse stay), else its byte offset within the file of its session. The
    offset alone would repeat across files, and a later file's turn would then be taken
    for a copy of an earlier one (`worker.copies`)."""
    if prompt.uuid:
        return prompt.uuid
    return f"offset:{session_id}:{prompt.offset}" if session_id else f"offset:{prompt.offset}"


def build_turn(state: BuildState, records: list[Record], closed: bool) -> Trace:
    """The trace of one turn (`records[0]` is its prompt): its walked observations under a
    root `agent` (only once complete), a background subagent whose completion opened it,
    and the tags and metadata read from its records (project, branch, models, version)."""
    prompt = records[0]
    session_id = prompt.session_id or state.ctx.session_id or ""
    key = turn_key(prompt, session_id)
    trace_id = ids.trace_id(key)
    root_id = ids.span_id("turn", key)
    inner = walk(state, records, trace_id, root_id, closed, 0, frozenset())
    complete = closed or inner.complete
    note = notification(prompt_text(prompt))
    start = prompt.timestamp_ns or 0
    if note.get("task-id"):
        # A background subagent ran while (and after) the turn that launched it ended;
        # its completion opens this turn. It is kept here with its real times, the turn
        # starting when it did (no child before its parent), and linked both ways: its
        # `launched_by_*` metadata names the launching tool call and trace, that tool's
        # metadata names its `agent_id`.
        launched_by = note.get("tool-use-id")
        background = subagent(
            state, trace_id, root_id, note["task-id"], {"subagent_type": "background"}, 0,
            frozenset(), launched_by=launched_by)
        launcher = state.launch_traces.get(launched_by or "") or (
            state.ctx.trace_of_tool(launched_by) if launched_by else None)
        if background and launcher:
            background[0].metadata["launched_by_trace_id"] = launcher
        inner.observations.extend(background)
        start = min([start] + [o.start_ns for o in background if o.start_ns])
    blocks = prompt.content
    text = prompt_text(prompt)
    is_note = text.startswith(NOTIFICATION_TAGS)
    prompt_input: Any = text if all(b.get("type") == "text" for b in blocks) else (
        clean_content(blocks))
    if isinstance(prompt_input, str):
        # A shell-mode command and what it printed, as the model is shown them.
        prompt_input += shell_output(records)
    info = next((r for r in records if r.get("cwd") or r.get("version")), prompt)
    cwd = info.get("cwd") if isinstance(info.get("cwd"), str) else None
    branch = info.get("gitBranch") if isinstance(info.get("gitBranch"), str) else None
    version = info.get("version") if isinstance(info.get("version"), str) else None
    tags: list[str] = []
    if cwd:
        tags.append(f"project:{os.path.basename(cwd.rstrip('/')) or cwd}")
    if branch:
        tags.append(f"branch:{branch}")
    tags.extend(f"model:{m}" for m in inner.models)
    if version:
        tags.append(f"claude-code:{version}")
    if is_note:
        tags.append("notification")
    metadata: dict[str, Any] = {
        k: v for k, v in (
            ("cwd", cwd), ("git_branch", branch), ("version", version),
            ("entrypoint", info.get("entrypoint")), ("prompt_uuid", prompt.uuid),
            ("prompt_id", prompt.get("promptId")), ("user_type", info.get("userType")),
            ("permission_mode", prompt.get("permissionMode")),
        ) if v is not None
    }
    metadata["complete"] = complete
    end = max(inner.end_ns, start)
    observations = list(inner.observations)
    for obs in observations:
        if obs.type == "tool" and obs.metadata.get("cwd") == cwd:
            del obs.metadata["cwd"]  # ran where the turn did: nothing to add
    if complete:
        root = Observation(
            id=root_id,
            trace_id=trace_id,
            parent_id=None,
            type="agent",
            name=TURN_NAME,
            start_ns=start,
            end_ns=end,
            input=prompt_input,
            output=inner.final_text or None,
            metadata={"models": inner.models, "prompt_uuid": prompt.uuid},
        )
        observations.insert(0, root)
    observations[1 if complete else 0:] = sorted(
        observations[1 if complete else 0:], key=lambda o: (o.start_ns, o.end_ns))
    state.count("turns")
    return Trace(
        id=trace_id,
        session_id=session_id,
        name=TURN_NAME,
        start_ns=start,
        end_ns=end,
        input=prompt_input,
        output=(inner.final_text or None) if complete else None,
        user_id=state.ctx.user_id,
        tags=tags,
        environment=state.ctx.environment,
        release=state.ctx.release,
        metadata=metadata,
        observations=observations,
        complete=complete,
    )
