"""Importing transcripts of Claude Code 1.0.128 and 2.0.77 builds correct traces.

Always runs (no CLI needed): the recorded fixtures `v1_0_128_*` / `v2_0_77_*` are imported
through the real `cctrace import` path into a fresh store, and the traces are checked
against values recomputed independently from the raw JSON: one trace per prompt, one
generation per assistant message with its usage counted once, every tool call nested under
the generation that issued it, and each subagent an `agent` span under its Task tool call
holding the subagent's own generations and tools. 2.0.x "Warmup" sidechains (agent files no
Task call launched) are not part of any turn.
"""

from __future__ import annotations

import os
from collections import defaultdict
from pathlib import Path
from typing import Any

import pytest

from cctrace.model.types import Observation
from compat.fixtures import Fixture, fixtures

FIXTURES = fixtures()
pytestmark = pytest.mark.skipif(not FIXTURES, reason="no compat fixtures recorded")

SUBAGENT_TOOLS = ("Task", "Agent")


def import_fixture(fx: Fixture, tmp: Path) -> list[Observation]:
    """Import a copy of the fixture into a fresh state dir; returns the stored observations."""
    from cctrace.cli.importer import import_paths
    from cctrace.store.db import Store

    main, _ = fx.copy_to(tmp / "t")
    state = tmp / "state"
    os.environ["CCTRACE_CONFIG"] = str(tmp / "none.toml")
    counts = import_paths([str(main)], export=False, live_minutes=0, state_dir=str(state))
    assert counts.get("errors", 0) == 0, counts
    with Store.open(str(state)) as store:
        return [o for _, _, _, o in store.observations_after(0, limit=1_000_000)]


def _assistant_messages(records: list[dict], sidechain: bool | None) -> dict[str, dict]:
    out: dict[str, dict] = {}
    for r in records:
        msg = r.get("message") if isinstance(r.get("message"), dict) else {}
        if r.get("type") != "assistant" or msg.get("model") == "<synthetic>":
            continue
        if sidechain is not None and bool(r.get("isSidechain")) != sidechain:
            continue
        out[msg["id"]] = msg["usage"]
    return out


def _tool_uses(records: list[dict], sidechain: bool | None) -> dict[str, tuple[str, str]]:
    """tool_use id -> (tool name, message id)."""
    out = {}
    for r in records:
        msg = r.get("message") if isinstance(r.get("message"), dict) else {}
        if r.get("type") != "assistant":
            continue
        if sidechain is not None and bool(r.get("isSidechain")) != sidechain:
            continue
        for block in msg.get("content") or []:
            if isinstance(block, dict) and block.get("type") == "tool_use":
                out[block["id"]] = (block["name"], msg["id"])
    return out


def launched_agents(fx: Fixture) -> list[str]:
    """Agent ids a Task/Agent call of the session launched (`toolUseResult.agentId`, 2.0.x
    and 2.1.x)."""
    out = []
    for r in fx.records():
        tur = r.get("toolUseResult")
        if isinstance(tur, dict) and isinstance(tur.get("agentId"), str):
            out.append(tur["agentId"])
    return out


def expected(fx: Fixture) -> tuple[dict[str, dict], dict[str, tuple[str, str]]]:
    """Generations (message id -> usage) and tool calls a correct import holds."""
    main = fx.records()
    gens = _assistant_messages(main, sidechain=False)
    uses = _tool_uses(main, sidechain=False)
    # 1.0.x: subagent records inline in the session file.
    gens |= _assistant_messages(main, sidechain=True)
    uses |= _tool_uses(main, sidechain=True)
    # The agents a Task/Agent call launched: 2.0.x keeps agent-<id>.jsonl beside the session;
    # 2.1.x under <session>/subagents (a fresh 2.1.x recording only: the recorded 2.1.328
    # fixtures are checked by tests/transcript and tests/model).
    for agent_id in launched_agents(fx):
        path = fx.folder / f"agent-{agent_id}.jsonl"
        if not path.exists():
            path = fx.folder / fx.meta["session_id"] / "subagents" / f"agent-{agent_id}.jsonl"
        recs = fx.records(path)
        gens |= _assistant_messages(recs, None)
        uses |= _tool_uses(recs, None)
    # 2.0.x "Warmup" pre-calls of this session (their own agent files): billed, so imported.
    gens |= {mid: usage for path in warmup_files(fx)
             for mid, usage in _assistant_messages(fx.records(path), None).items()}
    return gens, uses


def warmup_files(fx: Fixture) -> list[Path]:
    """The fixture's agent files holding a Warmup pre-call of its session: the session its
    reply names (a resumed run's prompt may carry the run's provisional id)."""
    out = []
    for path in sorted(fx.folder.glob("agent-*.jsonl")):
        records = fx.records(path)
        first = next((r for r in records if r.get("type") == "user"), {})
        reply = next((r for r in reversed(records) if r.get("type") == "assistant"), first)
        if (first.get("message", {}).get("content") == "Warmup"
                and reply.get("sessionId") == fx.meta["session_id"]):
            out.append(path)
    return out


def has_inline_sidechain(fx: Fixture) -> bool:
    """1.0.x: subagent records inline in the session file (`isSidechain`)."""
    return any(r.get("isSidechain") for r in fx.records())


def _params(fxs: list[Fixture]) -> list[Any]:
    return [pytest.param(fx, id=fx.name) for fx in fxs]


@pytest.fixture(scope="module")
def imported(tmp_path_factory) -> dict[str, list[Observation]]:
    out = {}
    old = os.environ.get("CCTRACE_CONFIG")
    try:
        for fx in FIXTURES:
            out[fx.name] = import_fixture(fx, tmp_path_factory.mktemp(fx.name))
    finally:
        if old is None:
            os.environ.pop("CCTRACE_CONFIG", None)
        else:
            os.environ["CCTRACE_CONFIG"] = old
    return out


def test_every_release_has_a_tool_session_and_a_subagent_session():
    for version in ("1.0.128", "2.0.77"):
        mine = fixtures(version)
        assert any(fx.version == version for fx in mine)
        assert {"multi_turn", "subagent"} <= {fx.scenario for fx in mine}, version


@pytest.mark.parametrize("fx", [pytest.param(f, id=f.name) for f in FIXTURES])
def test_one_trace_per_prompt_with_one_root(fx, imported):
    obs = imported[fx.name]
    traces = defaultdict(list)
    for o in obs:
        traces[o.trace_id].append(o)
    assert len(traces) == len(fx.meta["runs"])
    ids = {o.id for o in obs}
    assert len(ids) == len(obs)
    for members in traces.values():
        roots = [o for o in members if o.parent_id is None]
        assert len(roots) == 1 and roots[0].type == "agent"
        assert all(o.parent_id in ids for o in members if o.parent_id)


@pytest.mark.parametrize("fx", _params(FIXTURES))
def test_generations_once_each_with_their_usage(fx, imported):
    gens_expected, _ = expected(fx)
    gens = [o for o in imported[fx.name] if o.type == "generation"]
    by_msg = defaultdict(list)
    for g in gens:
        by_msg[g.metadata.get("message_id")].append(g)
    assert set(by_msg) == set(gens_expected)
    for mid, usage in gens_expected.items():
        (g,) = by_msg[mid]
        assert g.usage["input"] == usage["input_tokens"]
        assert g.usage["output"] == usage["output_tokens"]
        assert g.usage.get("input_cache_read", 0) == usage.get("cache_read_input_tokens", 0)
        creation = g.usage.get("input_cache_creation", 0) + g.usage.get(
            "input_cache_creation_1h", 0)
        assert creation == usage.get("cache_creation_input_tokens", 0)


@pytest.mark.parametrize("fx", _params(FIXTURES))
def test_warmup_calls_are_generations_marked_warmup(fx, imported):
    warm = {mid for path in warmup_files(fx)
            for mid in _assistant_messages(fx.records(path), None)}
    assert bool(warm) == fx.version.startswith("2.0."), fx.name  # 2.0.x pre-warms
    gens = {o.metadata.get("message_id"): o for o in imported[fx.name]
            if o.type == "generation"}
    assert {m for m, g in gens.items() if g.metadata.get("warmup")} == warm
    obs = {o.id: o for o in imported[fx.name]}
    for mid in warm:
        agent = obs[gens[mid].parent_id]
        assert (agent.type, agent.name, agent.metadata["warmup"]) == (
            "agent", "subagent warmup", True)
        assert obs[agent.parent_id].parent_id is None  # under the turn's root


@pytest.mark.parametrize("fx", _params(FIXTURES))
def test_tools_nested_under_their_generation(fx, imported):
    _, uses = expected(fx)
    obs = {o.id: o for o in imported[fx.name]}
    tools = {o.metadata.get("tool_use_id"): o for o in obs.values() if o.type == "tool"}
    assert set(tools) == set(uses)
    for tool_id, (name, msg_id) in uses.items():
        tool = tools[tool_id]
        assert tool.name == name
        parent = obs[tool.parent_id]
        assert parent.type == "generation" and parent.metadata.get("message_id") == msg_id


SUBAGENT_FIXTURES = [fx for fx in FIXTURES if fx.scenario.startswith("subagent")]


@pytest.mark.parametrize("fx", _params(SUBAGENT_FIXTURES))
def test_subagent_is_an_agent_span_under_its_task_call(fx, imported):
    obs = {o.id: o for o in imported[fx.name]}
    tasks = [o for o in obs.values() if o.type == "tool" and o.name in SUBAGENT_TOOLS]
    assert tasks
    for task in tasks:
        agents = [o for o in obs.values() if o.parent_id == task.id and o.type == "agent"]
        assert len(agents) == 1 and agents[0].name.startswith("subagent")
        inner = [o for o in obs.values() if o.parent_id == agents[0].id]
        assert any(o.type == "generation" for o in inner)


def test_warmup_sidechains_are_warmup_generations_not_subagents(imported):
    """2.0.x pre-warms subagents with "Warmup" requests (billed): each becomes a generation
    marked warmup, never a launched subagent of a tool call (issue 14)."""
    checked = 0
    for fx in fixtures("2.0.77"):
        launched = set(launched_agents(fx))
        for path in fx.folder.glob("agent-*.jsonl"):
            recs = fx.records(path)
            first = next(r for r in recs if r.get("type") == "user")
            if first["message"]["content"] != "Warmup":
                continue
            assert path.stem.removeprefix("agent-") not in launched
            warm_ids = set(_assistant_messages(recs, None))
            gens = {o.metadata.get("message_id"): o for o in imported[fx.name]
                    if o.type == "generation"}
            assert warm_ids and all(gens[m].metadata.get("warmup") is True for m in warm_ids)
            checked += 1
    assert checked
