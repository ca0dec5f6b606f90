"""What the builder is given and what it gives back, and the state one build carries.

`BuildContext` is everything the builder knows besides the records (hook timings per tool
call, and the only I/O: loaders for sidechains and 2.0.x warmups, and the trace an earlier
build placed a tool call in); `BuildResult` is its answer. `BuildState` is what the pieces
of one build share (context, stats, 1.0.x inline sidechains, subagent launches) and the
scope walker, passed in so the recursion scope -> tool -> subagent -> scope needs no
import cycle. `Scope` is what walking one conversation yields.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from cctrace.model.content import error_text
from cctrace.model.types import Observation, Trace
from cctrace.transcript.records import Record


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


@dataclass
class Scope:
    """Result of walking one conversation (a turn, or a subagent's sidechain)."""

    observations: list[Observation]
    final_text: str
    end_ns: int
    complete: bool
    models: list[str]


# walk(state, records, trace_id, parent_id, closed, depth, seen_agents) -> Scope
Walker = Callable[["BuildState", list[Record], str, str, bool, int, frozenset[str]], Scope]


@dataclass
class BuildState:
    """What the pieces of one `build_traces` call share."""

    ctx: BuildContext
    stats: dict[str, Any]
    walk: Walker
    # tool_use id -> that Task call's inline sidechain records (1.0.x session files).
    inline: Mapping[str, list[Record]] = field(default_factory=dict)
    # tool_use id of a subagent call -> the trace (turn) it was made in, this build.
    launch_traces: dict[str, str] = field(default_factory=dict)

    def count(self, bucket: str, key: str | None = None) -> None:
        if key is None:
            self.stats[bucket] = self.stats.get(bucket, 0) + 1
        else:
            self.stats.setdefault(bucket, Counter())[key] += 1
