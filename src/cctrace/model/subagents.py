"""Subagents under the tool call that launched them, and 2.0.x warmups under their turn.

A subagent's conversation is read through `ctx.load_sidechain` (its own file, by agent
id) or, for 1.0.x, from the `isSidechain` records inline in the session file, matched to
the Task call they ran for (`inline_sidechains`). Either becomes a nested `agent`
observation over its own walked scope, at most `MAX_AGENT_DEPTH` deep and never twice on
one path. A 2.0.x "Warmup" pre-call is billed, so it is built the same way under the turn
it preceded (`warmups_by_turn`), its generations marked `warmup`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from cctrace.model import ids
from cctrace.model.context import BuildContext, BuildState
from cctrace.model.turns import prompt_text
from cctrace.model.types import Observation, Trace
from cctrace.transcript.records import Record

MAX_AGENT_DEPTH = 8
SUBAGENT_TOOLS = frozenset({"Task", "Agent"})


def subagent(
    state: BuildState,
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
    records = [r for r in state.ctx.load_sidechain(agent_id) if r.type]
    if not records:
        state.count("sidechain_missing")
        return []
    return agent_span(state, trace_id, parent_id, agent_id, records, tool_input, depth,
                      seen_agents, {"agent_id": agent_id,
                                    "launched_by_tool_use_id": launched_by})


def inline_subagent(
    state: BuildState,
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
    state.count("inline_subagents")
    return agent_span(state, trace_id, ids.span_id("tool", tool_id), key, records,
                      tool_input, depth, seen_agents,
                      {"sidechain_uuid": records[0].uuid, "inline": True})


def agent_span(
    state: BuildState,
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
    inner = state.walk(state, records, trace_id, agent_span, True, depth + 1,
                       seen_agents | {agent_id})
    start = records[0].timestamp_ns or 0
    state.count("subagents")
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


def warmup(state: BuildState, trace: Trace, records: list[Record]) -> None:
    """A 2.0.x Warmup pre-call under the turn it preceded: billed, so it is counted;
    its agent span and generations are marked `warmup`."""
    agent_id = records[0].agent_id or ("warmup:" + (records[0].uuid or trace.id))
    root = trace.observations[0].id if trace.observations else None
    if root is None:
        return
    state.count("warmups")
    obs = agent_span(state, trace.id, root, agent_id, records,
                     {"subagent_type": "warmup"}, 0, frozenset(),
                     {"agent_id": agent_id, "warmup": True})
    for o in obs:
        if o.type == "generation":
            o.metadata = {**o.metadata, "warmup": True}
    trace.observations[1:] = sorted(trace.observations[1:] + obs,
                                    key=lambda o: (o.start_ns, o.end_ns))


def warmups_by_turn(turns: list[list[Record]], ctx: BuildContext
                     ) -> dict[int, list[list[Record]]]:
    """2.0.x Warmup conversations by the turn they belong to: the first whose prompt came
    at or after the warmup (Claude Code pre-warms as a run starts, before its prompt).
    Each run's warmups are its session's (`transcript.locate.warmup_session`)."""
    if not turns:
        return {}
    info = next((r for t in turns for r in t if isinstance(r.get("version"), str)), None)
    version = info.get("version") if info is not None else None
    # The transcript's own session: a 2.0.x fork's first turns are copies that still name
    # the parent on their prompts, and the parent's warmups are the parent's.
    session_id = ctx.session_id or turns[-1][0].session_id
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
