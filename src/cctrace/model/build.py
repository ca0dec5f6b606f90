"""Building Langfuse-shaped traces from Claude Code transcript records (pure).

`build_traces(records, ctx)` splits a session's records into user turns and returns one
`Trace` per turn: a root `agent` observation (prompt in, final answer out), one
`generation` per model API call (streamed records merged by message id, usage counted
once), a `tool` observation per tool call nested under the generation that asked for it,
a nested `agent` per subagent (read through `ctx.load_sidechain`, or for 1.0.x from the
`isSidechain` records inline in the session file, see `inline_sidechains`), and `event`s for
compaction, API errors, interruptions and notifications. Every id comes from a stable
transcript key (record uuid, message id, tool_use id, agent id), every time from the
transcript, so rebuilding, resuming or forking a session yields identical ids. A turn
still running yields `complete=False` with only its finished children, and the offset to
re-read it from next time. No I/O happens here except through `ctx.load_sidechain`.
"""

from __future__ import annotations

import json
import os
import re
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from cctrace.model import ids
from cctrace.model.types import Observation, Trace
from cctrace.transcript.reader import UNREADABLE
from cctrace.transcript.records import (
    FINAL_STOP_REASONS,
    Message,
    Record,
    message_key,
)

TURN_NAME = "claude-code turn"
MAX_AGENT_DEPTH = 8
SUBAGENT_TOOLS = frozenset({"Task", "Agent"})
INTERRUPT_PREFIX = "[Request interrupted by user"
REJECTED_TAG = "<tool_use_error>"
# What Claude Code writes when a PreToolUse hook denied the call with cctrace guard mode's
# reason (`cctrace.hook.guard.reason_for`): "PreToolUse:Bash hook error: Blocked by ...".
GUARD_DENIED = re.compile(r"^(?:PreToolUse:[^\s:]{1,128} hook error: )?"
                          r"Blocked by cctrace guard mode: rule ")
# User-record texts that Claude Code writes itself; they never open a turn.
_NON_PROMPT_PREFIXES = ("<local-command-stdout>", "<local-command-stderr>",
                        "<local-command-caveat>", INTERRUPT_PREFIX)
# Fed back to the model by Claude Code (background task completions): each is a turn.
NOTIFICATION_TAGS = ("<task-notification>",)
_EVENT_SYSTEM = {
    "compact_boundary": "compaction",
    "api_error": "api_error",
    "stop_hook_summary": "stop hooks",
    "informational": "notification",
    "local_command": "local command",
    "microcompact_boundary": "compaction",
}


@dataclass
class ToolHookInfo:
    """What tool hooks (PreToolUse / PostToolUse / PostToolUseFailure) told about one call."""

    duration_ms: float | None = None
    error: str | None = None
    is_interrupt: bool = False
    failed: bool = False  # PostToolUseFailure fired
    pre_ns: int | None = None  # when the PreToolUse payload was received
    post_ns: int | None = None  # when the PostToolUse(Failure) payload was received


def tool_hook_infos(
    payloads: Iterable[tuple[Mapping[str, Any], int | None]],
) -> dict[str, ToolHookInfo]:
    """Fold tool hook payloads (each with its receive time in ns, if known) by tool_use_id."""
    out: dict[str, ToolHookInfo] = {}
    for payload, received_ns in payloads:
        tool_id = payload.get("tool_use_id")
        event = payload.get("hook_event_name")
        if not isinstance(tool_id, str) or event not in (
            "PreToolUse", "PostToolUse", "PostToolUseFailure"
        ):
            continue
        info = out.setdefault(tool_id, ToolHookInfo())
        if event == "PreToolUse":
            info.pre_ns = received_ns
            continue
        info.post_ns = received_ns
        duration = payload.get("duration_ms")
        if isinstance(duration, (int, float)) and not isinstance(duration, bool):
            info.duration_ms = duration
        if event == "PostToolUseFailure":
            info.failed = True
            info.error = error_text(payload.get("error"))
            info.is_interrupt = bool(payload.get("is_interrupt"))
    return out


def _no_sidechain(agent_id: str) -> list[Record]:
    return []


def _no_warmups(session_id: str) -> list[list[Record]]:
    return []


def _no_trace(tool_use_id: str) -> str | None:
    return None


@dataclass
class BuildContext:
    """Everything the builder knows besides the records; `load_sidechain` is the only I/O."""

    session_id: str | None = None
    user_id: str | None = None
    environment: str = "default"
    release: str | None = None
    hook_tools: Mapping[str, ToolHookInfo] = field(default_factory=dict)
    load_sidechain: Callable[[str], list[Record]] = _no_sidechain
    # 2.0.x "Warmup" pre-calls of a session (their own agent-*.jsonl files), by session id.
    load_warmups: Callable[[str], list[list[Record]]] = _no_warmups
    # The trace (turn) a tool call of an earlier build was made in, by tool_use id.
    trace_of_tool: Callable[[str], str | None] = _no_trace
    final: bool = False
    # With `final`: the session ended at this time (the SessionEnd hook's receive time). A
    # last turn whose prompt came later belongs to a resumed run that has already begun
    # appending to the same file, so it stays open.
    final_before_ns: int | None = None


@dataclass
class BuildResult:
    traces: list[Trace]
    open_turn_offset: int | None
    stats: dict[str, Any]


# ---------------------------------------------------------------------------- turns


def prompt_text(record: Record) -> str:
    return record.text.strip()


def is_prompt(record: Record) -> bool:
    """A record that opens a turn: a real user prompt or a fed-back notification."""
    if record.type != "user" or record.is_meta or record.is_sidechain:
        return False
    if record.get("isCompactSummary") or record.get("isVisibleInTranscriptOnly"):
        return False
    blocks = record.content
    if not blocks or any(b.get("type") == "tool_result" for b in blocks):
        return False
    text = prompt_text(record)
    if text.startswith(_NON_PROMPT_PREFIXES):
        return False
    return bool(text) or any(b.get("type") in ("image", "document") for b in blocks)


def split_turns(records: list[Record]) -> tuple[list[Record], list[list[Record]]]:
    """(records before the first prompt, one record list per turn starting at its prompt)."""
    pre: list[Record] = []
    turns: list[list[Record]] = []
    for rec in records:
        if is_prompt(rec):
            turns.append([rec])
        elif turns:
            turns[-1].append(rec)
        else:
            pre.append(rec)
    return pre, turns


# ---------------------------------------------------------------------------- helpers


def _strip_media(block: dict[str, Any]) -> dict[str, Any]:
    """Replace inline base64 payloads (images, documents) by a short description."""
    source = block.get("source")
    if isinstance(source, dict) and isinstance(source.get("data"), str):
        return {**block, "source": {k: v for k, v in source.items() if k != "data"}
                | {"data": f"[{len(source['data'])} base64 chars omitted]"}}
    return block


def _clean_content(value: Any) -> Any:
    """Tool result / message content, with media payloads and signatures removed.

    Nothing is cut here: a cut before redaction can split a secret (`redact.cut` cuts
    generation inputs and status messages after the redaction stage)."""
    if isinstance(value, str):
        return value
    if isinstance(value, list):
        out = []
        for block in value:
            if not isinstance(block, dict):
                out.append(block)
                continue
            block = _strip_media(block)
            if "signature" in block:
                block = {k: v for k, v in block.items() if k != "signature"}
            if block.get("type") == "tool_result":
                block = {**block, "content": _clean_content(block.get("content"))}
            out.append(block)
        return out
    return value


def _content_text(value: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, list):
        return "\n".join(
            b.get("text", "") for b in value if isinstance(b, dict) and b.get("type") == "text"
        )
    return ""


def _scalar_fields(value: Any, limit: int = 500) -> dict[str, Any]:
    """Short scalar fields of a `toolUseResult` object (status, exit codes, agent ids...)."""
    if not isinstance(value, dict):
        return {}
    out: dict[str, Any] = {}
    for key, item in value.items():
        if isinstance(item, bool) or isinstance(item, (int, float)) or item is None:
            out[key] = item
        elif isinstance(item, str) and len(item) <= limit:
            out[key] = item
    return out


def error_text(error: Any) -> str | None:
    """A readable line for an API error as Claude Code records it: the API's own message
    and the HTTP status ("HTTP 529: Overloaded (overloaded_error)"), never a Python repr.
    `error` is a string, or a dict with `status`, `message` ("529 {json body}"),
    `formatted`, or a nested `error` object (the API's body)."""
    if error is None or error == "":
        return None
    if isinstance(error, str):
        return error.strip() or None
    if not isinstance(error, dict):
        return str(error)
    status = error.get("status") if isinstance(error.get("status"), int) else None
    body: Any = error.get("error")
    message = error.get("message")
    if isinstance(message, str):
        head, _, rest = message.strip().partition(" ")
        if head.isdigit() and rest.lstrip().startswith("{"):
            status = status or int(head)
            try:
                body = json.loads(rest)
            except ValueError:
                pass
    if isinstance(body, dict) and isinstance(body.get("error"), dict):
        body = body["error"]
    inner = body.get("message") if isinstance(body, dict) else None
    kind = body.get("type") if isinstance(body, dict) else None
    if isinstance(inner, str) and inner:
        text = inner + (f" ({kind})" if isinstance(kind, str) and kind else "")
    elif isinstance(error.get("formatted"), str) and error["formatted"]:
        text = error["formatted"]
    elif isinstance(message, str) and message:
        text = message
    else:
        text = "API error"
    return f"HTTP {status}: {text}" if status else text


def _notification(text: str) -> dict[str, str]:
    """Tag values of a fed-back `<task-notification>` prompt (task-id, tool-use-id...)."""
    if not text.startswith(NOTIFICATION_TAGS):
        return {}
    out = {}
    for tag in ("task-id", "tool-use-id", "status"):
        start = text.find(f"<{tag}>")
        end = text.find(f"</{tag}>", start + 1)
        if start >= 0 and end > start:
            out[tag] = text[start + len(tag) + 2:end].strip()
    return out


class _Clock:
    """Monotone fallback for records without a usable timestamp."""

    def __init__(self, start: int) -> None:
        self.last = start

    def at(self, record: Record) -> int:
        ts = record.timestamp_ns
        if ts is not None:
            self.last = ts
            return ts
        return self.last


# ---------------------------------------------------------------------------- scopes


@dataclass
class _Scope:
    """Result of walking one conversation (a turn, or a subagent's sidechain)."""

    observations: list[Observation]
    final_text: str
    end_ns: int
    complete: bool
    models: list[str]


class _Builder:
    def __init__(
        self,
        ctx: BuildContext,
        stats: dict[str, Any],
        inline: Mapping[str, list[Record]] | None = None,
    ) -> None:
        self.ctx = ctx
        self.stats = stats
        # tool_use id -> that Task call's inline sidechain records (1.0.x session files).
        self.inline = inline or {}
        # tool_use id of a subagent call -> the trace (turn) it was made in, this build.
        self.launch_traces: dict[str, str] = {}

    def count(self, bucket: str, key: str | None = None) -> None:
        if key is None:
            self.stats[bucket] = self.stats.get(bucket, 0) + 1
        else:
            self.stats.setdefault(bucket, Counter())[key] += 1

    # A scope is a list of records holding one conversation; `records[0]` is its prompt.
    def scope(
        self,
        records: list[Record],
        trace_id: str,
        parent_id: str,
        closed: bool,
        depth: int,
        seen_agents: frozenset[str],
    ) -> _Scope:
        start = records[0].timestamp_ns or 0
        clock = _Clock(start)
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
                    obs.append(self.event(trace_id, parent_id, rec, ts, "interrupted",
                                          level="WARNING", status=text))
                elif index and text.startswith(NOTIFICATION_TAGS):
                    obs.append(self.event(trace_id, parent_id, rec, ts, "notification",
                                          payload=text))
                if not rec.is_meta:
                    pending_input.append(
                        {"role": "user", "content": _clean_content(blocks)}
                    )
                prev_ns = ts
            elif kind == "system":
                name = _EVENT_SYSTEM.get(rec.subtype or "")
                if name is None:
                    self.count("skipped_system", rec.subtype or "?")
                else:
                    obs.append(self.system_event(trace_id, parent_id, rec, ts, name))
                prev_ns = ts
            elif kind == "api-request":
                # Written when the request is sent: the most exact start of the next call.
                prev_ns = ts
            elif kind == "attachment":
                self.count("attachments", str(rec.attachment.get("type") or "?"))
                prev_ns = ts
            elif kind == UNREADABLE:
                obs.append(self.unreadable(trace_id, parent_id, rec, ts))
            else:
                self.count("skipped_types", kind or "?")

        final_text = ""
        models: list[str] = []
        for key, msg in messages.items():
            done = closed or msg.stop_reason is not None or msg_last_index[key] < last_index
            if msg.is_synthetic:
                if done:
                    obs.append(self.synthetic_event(trace_id, parent_id, msg, clock))
                continue
            if msg.model and msg.model not in models:
                models.append(msg.model)
            if msg.text.strip():
                final_text = msg.text
            if not done:
                continue
            gen = self.generation(trace_id, parent_id, msg, msg_start[key], msg_input[key])
            obs.append(gen)
            for block in msg.tool_uses:
                obs.extend(self.tool(trace_id, gen, msg, block, results, closed, last_ns,
                                     depth, seen_agents))
        complete = closed or self.scope_finished(messages, results)
        end_ns = max([last_ns, start] + [o.end_ns for o in obs])
        return _Scope(obs, final_text, end_ns, complete, models)

    @staticmethod
    def scope_finished(messages: dict[str, Message], results: Mapping[str, Any]) -> bool:
        real = [m for m in messages.values()]
        if not real:
            return False
        last = real[-1]
        if any(b["id"] not in results for m in real for b in m.tool_uses):
            return False
        return last.is_synthetic or last.stop_reason in FINAL_STOP_REASONS

    # ------------------------------------------------------------------ observations

    def generation(
        self,
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
        self.count("generations")
        return Observation(
            id=ids.span_id("generation", msg.id),
            trace_id=trace_id,
            parent_id=parent_id,
            type="generation",
            name=msg.model or "model call",
            start_ns=min(start_ns, first_ns),
            end_ns=end_ns,
            input=inputs or None,
            output={"role": "assistant", "content": _clean_content(msg.content)},
            model=msg.model,
            usage=msg.usage or None,
            completion_start_ns=first_ns,
            metadata=metadata,
        )

    def tool(
        self,
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
        tool_id = block["id"]
        name = str(block.get("name") or "tool")
        hook = self.ctx.hook_tools.get(tool_id)
        use_rec = next((r for r in msg.records if block in r.content), msg.last)
        start = use_rec.timestamp_ns or gen.end_ns
        if hook and hook.pre_ns:
            start = max(start, hook.pre_ns) if hook.pre_ns - start < 60 * 10**9 else start
        found = results.get(tool_id)
        if found is None and not closed:
            return []
        inline = self.inline.get(tool_id) if name in SUBAGENT_TOOLS else None
        metadata: dict[str, Any] = {"tool_use_id": tool_id}
        level, status = "DEFAULT", None
        output: Any = None
        extra: list[Observation] = []
        if found is None:
            end = max(scope_end, start)
            level, status = "WARNING", "no tool result recorded"
            if inline:
                # The session ended mid-task: the subagent's calls were still made (and paid).
                extra = self.inline_subagent(trace_id, tool_id, inline, block.get("input"),
                                             depth, seen_agents)
        else:
            rec, res, res_ns = found
            end = max(res_ns, start)
            output = _clean_content(res.get("content"))
            tur = rec.tool_use_result
            fields = _scalar_fields(tur)
            if fields:
                metadata["result"] = fields
            if res.get("is_error"):
                level = "ERROR"
                text = _content_text(res.get("content"))
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
                    self.launch_traces[tool_id] = trace_id
                    # Still running when this turn ends: the whole subagent goes with the
                    # turn that Claude Code feeds its completion back in (task-notification).
                    metadata["agent_id"] = agent_id
                    metadata["async"] = True
                elif isinstance(agent_id, str):
                    extra = self.subagent(trace_id, ids.span_id("tool", tool_id), agent_id,
                                          block.get("input"), depth, seen_agents)
                elif inline:
                    extra = self.inline_subagent(trace_id, tool_id, inline, block.get("input"),
                                                 depth, seen_agents)
                else:
                    self.count("subagent_without_id")
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
        self.count("tools")
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

    def subagent(
        self,
        trace_id: str,
        parent_id: str,
        agent_id: str,
        tool_input: Any,
        depth: int,
        seen_agents: frozenset[str],
        launched_by: str | None = None,
    ) -> list[Observation]:
        if agent_id in seen_agents or depth >= MAX_AGENT_DEPTH:
            return []
        records = [r for r in self.ctx.load_sidechain(agent_id) if r.type]
        if not records:
            self.count("sidechain_missing")
            return []
        return self.agent_span(trace_id, parent_id, agent_id, records, tool_input, depth,
                               seen_agents, {"agent_id": agent_id,
                                             "launched_by_tool_use_id": launched_by})

    def inline_subagent(
        self,
        trace_id: str,
        tool_id: str,
        records: list[Record],
        tool_input: Any,
        depth: int,
        seen_agents: frozenset[str],
    ) -> list[Observation]:
        """A 1.0.x subagent whose records sit inline in the session file.

        It has no agent id: its key is the uuid of its first record (stable across
        re-reads), falling back to the Task call's tool_use id.
        """
        if depth >= MAX_AGENT_DEPTH:
            return []
        key = "inline:" + (records[0].uuid or tool_id)
        if key in seen_agents:
            return []
        self.count("inline_subagents")
        return self.agent_span(trace_id, ids.span_id("tool", tool_id), key, records,
                               tool_input, depth, seen_agents,
                               {"sidechain_uuid": records[0].uuid, "inline": True})

    def agent_span(
        self,
        trace_id: str,
        parent_id: str,
        agent_id: str,
        records: list[Record],
        tool_input: Any,
        depth: int,
        seen_agents: frozenset[str],
        extra_meta: Mapping[str, Any],
    ) -> list[Observation]:
        # The sidechain starts at its prompt; anything before (there should be none) is noise.
        start_index = next((i for i, r in enumerate(records) if r.type == "user"), 0)
        records = records[start_index:]
        agent_span = ids.span_id("agent", agent_id)
        tool_input = tool_input if isinstance(tool_input, dict) else {}
        kind = tool_input.get("subagent_type") or "general-purpose"
        inner = self.scope(records, trace_id, agent_span, closed=True,
                           depth=depth + 1, seen_agents=seen_agents | {agent_id})
        start = records[0].timestamp_ns or 0
        self.count("subagents")
        root = Observation(
            id=agent_span,
            trace_id=trace_id,
            parent_id=parent_id,
            type="agent",
            name=f"subagent {kind}",
            start_ns=start,
            end_ns=max(inner.end_ns, start),
            input=tool_input.get("prompt") or prompt_text(records[0]),
            output=inner.final_text or None,
            metadata={k: v for k, v in (
                *extra_meta.items(), ("agent_type", kind), ("models", inner.models),
                ("complete", inner.complete)) if v},
        )
        return [root, *inner.observations]

    def warmup(self, trace: Trace, records: list[Record]) -> None:
        """A 2.0.x Warmup pre-call under the turn it preceded: billed, so it is counted;
        its agent span and generations are marked `warmup`."""
        agent_id = records[0].agent_id or ("warmup:" + (records[0].uuid or trace.id))
        root = trace.observations[0].id if trace.observations else None
        if root is None:
            return
        self.count("warmups")
        obs = self.agent_span(trace.id, root, agent_id, records,
                              {"subagent_type": "warmup"}, 0, frozenset(),
                              {"agent_id": agent_id, "warmup": True})
        for o in obs:
            if o.type == "generation":
                o.metadata = {**o.metadata, "warmup": True}
        trace.observations[1:] = sorted(trace.observations[1:] + obs,
                                        key=lambda o: (o.start_ns, o.end_ns))

    def event(
        self,
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
        self.count("events")
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

    def unreadable(self, trace_id: str, parent_id: str, rec: Record, ts: int) -> Observation:
        """A record that could not be read or built: its error type and size only."""
        self.count("unreadable_records")
        error = str(rec.get("error") or "error")[:80]
        size = rec.get("size")
        meta = {k: rec.get(k) for k in ("error", "size", "sha256", "stage") if rec.get(k)}
        return self.event(trace_id, parent_id, rec, ts, "unreadable record", level="ERROR",
                          status=f"transcript record not captured: {error}, {size} bytes",
                          metadata=meta)

    def system_event(
        self, trace_id: str, parent_id: str, rec: Record, ts: int, name: str
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
                meta["error"] = _scalar_fields(error) or str(error)
        elif data.get("level") in ("error", "warning"):
            level = "ERROR" if data["level"] == "error" else "WARNING"
            status = content
        return self.event(trace_id, parent_id, rec, ts, name, level=level, status=status,
                          payload=content, metadata=meta)

    def synthetic_event(
        self, trace_id: str, parent_id: str, msg: Message, clock: _Clock
    ) -> Observation:
        rec = msg.first
        text = msg.text
        is_error = bool(rec.get("isApiErrorMessage")) or text.startswith("API Error")
        return self.event(
            trace_id, parent_id, rec, rec.timestamp_ns or clock.last,
            "api_error" if is_error else "notice",
            level="ERROR" if is_error else "DEFAULT",
            status=text or None,
            payload=text or None,
            metadata={k: v for k, v in (("error", rec.get("error")),
                                        ("request_id", msg.request_id)) if v},
        )

    # ------------------------------------------------------------------ turns

    def turn(self, records: list[Record], closed: bool) -> Trace:
        prompt = records[0]
        key = prompt.uuid or f"offset:{prompt.offset}"
        trace_id = ids.trace_id(key)
        root_id = ids.span_id("turn", key)
        inner = self.scope(records, trace_id, root_id, closed, 0, frozenset())
        complete = closed or inner.complete
        note = _notification(prompt_text(prompt))
        start = prompt.timestamp_ns or 0
        if note.get("task-id"):
            # A background subagent ran while (and after) the turn that launched it ended;
            # its completion opens this turn. It is kept here with its real times, the turn
            # starting when it did (no child before its parent), and linked both ways: its
            # `launched_by_*` metadata names the launching tool call and trace, that tool's
            # metadata names its `agent_id`.
            launched_by = note.get("tool-use-id")
            background = self.subagent(
                trace_id, root_id, note["task-id"], {"subagent_type": "background"}, 0,
                frozenset(), launched_by=launched_by)
            launcher = self.launch_traces.get(launched_by or "") or (
                self.ctx.trace_of_tool(launched_by) if launched_by else None)
            if background and launcher:
                background[0].metadata["launched_by_trace_id"] = launcher
            inner.observations.extend(background)
            start = min([start] + [o.start_ns for o in background if o.start_ns])
        blocks = prompt.content
        text = prompt_text(prompt)
        is_note = text.startswith(NOTIFICATION_TAGS)
        prompt_input: Any = text if all(b.get("type") == "text" for b in blocks) else (
            _clean_content(blocks))
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
        session_id = prompt.session_id or self.ctx.session_id or ""
        end = max(inner.end_ns, start)
        observations = list(inner.observations)
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
        self.count("turns")
        return Trace(
            id=trace_id,
            session_id=session_id,
            name=TURN_NAME,
            start_ns=start,
            end_ns=end,
            input=prompt_input,
            output=(inner.final_text or None) if complete else None,
            user_id=self.ctx.user_id,
            tags=tags,
            environment=self.ctx.environment,
            release=self.ctx.release,
            metadata=metadata,
            observations=observations,
            complete=complete,
        )


def build_traces(records: list[Record], ctx: BuildContext) -> BuildResult:
    """One `Trace` per user turn in `records` (file order), plus where to resume.

    `open_turn_offset` is the byte offset of the last turn's prompt when that turn is not
    complete yet (the caller re-reads from there), else None.
    """
    stats: dict[str, Any] = {"records": len(records)}
    main = [rec for rec in records if not rec.is_sidechain]
    inline, unmatched = inline_sidechains(records)
    builder = _Builder(ctx, stats, inline)
    if len(main) < len(records):
        stats["sidechain_records_in_main"] = len(records) - len(main)
    if unmatched:
        stats["sidechain_records_unmatched"] = unmatched
    pre, turns = split_turns(main)
    stats["pre_turn_records"] = len(pre)
    warmups = _warmups_by_turn(turns, ctx)
    traces: list[Trace] = []
    open_offset: int | None = None
    for index, turn_records in enumerate(turns):
        if is_copied_turn(turn_records):
            stats["copied_turns"] = stats.get("copied_turns", 0) + 1
            continue
        closed = index < len(turns) - 1 or (ctx.final and (
            ctx.final_before_ns is None
            or (turn_records[0].timestamp_ns or 0) <= ctx.final_before_ns))
        trace = builder.turn(turn_records, closed)
        for records in warmups.get(index, []) if trace.complete else []:
            builder.warmup(trace, records)
        if not trace.complete:
            open_offset = turn_records[0].offset
        traces.append(trace)
    for key in ("skipped_types", "skipped_system", "attachments"):
        if key in stats:
            stats[key] = dict(stats[key])
    return BuildResult(traces, open_offset, stats)


def copied_from(record: Record) -> str | None:
    """The session a forked session's copied model call was made in (2.1.x writes
    `requestSessionId` on the assistant records `--fork-session` copies), else None."""
    origin = record.get("requestSessionId")
    if record.type != "assistant" or not isinstance(origin, str) or not origin:
        return None
    return origin if origin != record.session_id else None


def is_copied_turn(records: list[Record]) -> bool:
    """A turn of a fork's copied history: every model call in it was made by the parent.
    It is the parent's turn (same ids); the fork does not build or count it again."""
    calls = [r for r in records if r.type == "assistant"]
    return bool(calls) and all(copied_from(r) for r in calls)


def _warmups_by_turn(turns: list[list[Record]], ctx: BuildContext
                     ) -> dict[int, list[list[Record]]]:
    """2.0.x Warmup conversations by the turn they belong to: the first whose prompt came
    at or after the warmup (Claude Code pre-warms as a run starts, before its prompt)."""
    if not turns:
        return {}
    info = next((r for t in turns for r in t if isinstance(r.get("version"), str)), None)
    version = info.get("version") if info is not None else None
    session_id = turns[0][0].session_id or ctx.session_id
    if not (isinstance(version, str) and version.startswith("2.0.") and session_id):
        return {}
    out: dict[int, list[list[Record]]] = {}
    for records in ctx.load_warmups(session_id):
        records = [r for r in records if r.type]
        if not records:
            continue
        at = records[0].timestamp_ns or 0
        index = next((i for i, t in enumerate(turns) if (t[0].timestamp_ns or 0) >= at),
                     None)
        # A warmup after the last prompt of this read belongs to a later run's turn.
        if index is not None:
            out.setdefault(index, []).append(records)
    return out


# ---------------------------------------------------------------------------- 1.0.x sidechains


def _sidechain_chains(records: list[Record]) -> list[list[tuple[int, Record]]]:
    """Inline sidechain records grouped into conversations by their `parentUuid` links.

    A subagent's first record has no parent (or one outside the sidechain); every later
    record points at an earlier one of the same subagent, so parallel subagents whose
    records interleave in the file stay apart. Each chain keeps file order and the index
    of each record in `records`.
    """
    chain_of: dict[str, int] = {}
    chains: list[list[tuple[int, Record]]] = []
    for index, rec in enumerate(records):
        if not rec.is_sidechain or not rec.type:
            continue
        parent = rec.parent_uuid
        at = chain_of.get(parent) if parent else None
        if at is None:
            at = len(chains)
            chains.append([])
        chains[at].append((index, rec))
        if rec.uuid:
            chain_of[rec.uuid] = at
    return chains


def inline_sidechains(records: list[Record]) -> tuple[dict[str, list[Record]], int]:
    """Map each subagent tool call (tool_use id) to its inline sidechain records (1.0.x).

    Claude Code 1.0.x writes a subagent's records into the session file itself, marked
    `isSidechain`, and the Task result names no agent. A chain belongs to the Task call it
    starts after and before whose result it starts; when several calls run in parallel,
    the chain whose prompt equals the call's `prompt` input wins, then the earliest left.
    Returns the map and the number of sidechain records no call claimed.
    """
    chains = _sidechain_chains(records)
    if not chains:
        return {}, 0
    calls: list[tuple[int, str, str]] = []  # (tool_use index, tool_use id, prompt)
    result_at: dict[str, int] = {}
    for index, rec in enumerate(records):
        if rec.type == "assistant":
            for block in rec.content:
                if (block.get("type") == "tool_use" and block.get("name") in SUBAGENT_TOOLS
                        and isinstance(block.get("id"), str)):
                    given = block.get("input")
                    prompt = given.get("prompt") if isinstance(given, dict) else None
                    calls.append((index, block["id"],
                                  prompt.strip() if isinstance(prompt, str) else ""))
        elif rec.type == "user":
            for block in rec.content:
                if block.get("type") == "tool_result" and isinstance(block.get("tool_use_id"),
                                                                     str):
                    result_at.setdefault(block["tool_use_id"], index)

    def first_prompt(chain: list[tuple[int, Record]]) -> str:
        return next((prompt_text(r) for _, r in chain if r.type == "user"), "")

    prompts = [first_prompt(chain) for chain in chains]
    taken: dict[int, str] = {}  # chain index -> tool_use id
    owner: dict[str, int] = {}

    def window(call_index: int, tool_id: str) -> list[int]:
        end = result_at.get(tool_id, len(records))
        return [c for c, chain in enumerate(chains)
                if c not in taken and call_index < chain[0][0] < end]

    for by_prompt in (True, False):
        for call_index, tool_id, prompt in calls:
            if tool_id in owner:
                continue
            for c in window(call_index, tool_id):
                if not by_prompt or (prompt and prompts[c] == prompt):
                    taken[c] = tool_id
                    owner[tool_id] = c
                    break
    mapping = {tool_id: [r for _, r in chains[c]] for tool_id, c in owner.items()}
    unmatched = sum(len(chain) for c, chain in enumerate(chains) if c not in taken)
    return mapping, unmatched
