"""Builder and reader on real Claude Code 2.1.328 transcripts (tests/fixtures/transcripts).

Each scenario folder holds a session `<id>.jsonl`, maybe `<id>/subagents/agent-*.jsonl`
and `hooks.jsonl` (`{"event", "payload"}` lines). The expected values are recomputed
independently from the raw JSON, so the checks hold for any recorded scenario.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest

from cctrace.model import ids
from cctrace.model.build import BuildContext, build_traces, tool_hook_infos
from cctrace.transcript.locate import sidechain_loader
from cctrace.transcript.reader import Cursor, read_new

ROOT = Path(os.environ.get("CCTRACE_TRANSCRIPT_FIXTURES")
            or Path(__file__).resolve().parents[1] / "fixtures" / "transcripts")


def sessions() -> list[Path]:
    if not ROOT.is_dir():
        return []
    # v<X_Y_Z>_* folders hold older releases' sessions: tests/compat checks them.
    return sorted(p for p in ROOT.glob("*/*.jsonl") if p.name != "hooks.jsonl"
                  and not re.match(r"v\d+_\d+_\d+_", p.parent.name))


SESSIONS = sessions()
pytestmark = pytest.mark.skipif(not SESSIONS, reason="no recorded transcripts yet")


def hooks_for(path: Path) -> list[dict]:
    hooks = path.parent / "hooks.jsonl"
    if not hooks.exists():
        return []
    return [json.loads(line)["payload"] for line in hooks.read_text().splitlines() if line]


def ctx_for(path: Path, final: bool = True) -> BuildContext:
    return BuildContext(hook_tools=tool_hook_infos((p, None) for p in hooks_for(path)),
                        load_sidechain=sidechain_loader(str(path)), final=final,
                        user_id="tester")


def raw(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def all_files(path: Path) -> list[Path]:
    sub = path.parent / path.stem / "subagents"
    return [path, *sorted(sub.glob("agent-*.jsonl"))] if sub.is_dir() else [path]


def build(path: Path, final: bool = True):
    return build_traces(read_new(str(path)).records, ctx_for(path, final))


@pytest.fixture(params=SESSIONS, ids=[f"{p.parent.name}/{p.stem[:8]}" for p in SESSIONS])
def session(request) -> Path:
    return request.param


def test_structure_invariants(session):
    res = build(session)
    assert res.traces and res.open_turn_offset is None
    for trace in res.traces:
        assert trace.complete and trace.root is not None and trace.user_id == "tester"
        seen = {o.id for o in trace.observations}
        assert len(seen) == len(trace.observations)
        for o in trace.observations:
            assert o.trace_id == trace.id and o.end_ns >= o.start_ns
            assert o.parent_id is None or o.parent_id in seen
            assert o.start_ns >= 1_600_000_000 * 10**9  # a real transcript time, not zero
        assert sum(o.parent_id is None for o in trace.observations) == 1
        assert any(t.startswith("claude-code:2.") for t in trace.tags)


def test_one_trace_per_prompt_record(session):
    res = build(session)
    prompts = [r for r in raw(session) if r.get("type") == "user" and not r.get("isMeta")
               and not any(isinstance(b, dict) and b.get("type") == "tool_result"
                           for b in (r["message"]["content"]
                                     if isinstance(r["message"]["content"], list) else []))]
    opened = [t.metadata["prompt_uuid"] for t in res.traces]
    assert [ids.trace_id(u) for u in opened] == [t.id for t in res.traces]
    assert set(opened) <= {p["uuid"] for p in prompts}


def test_usage_counted_once_per_message(session):
    res = build(session)
    gens = [o for t in res.traces for o in t.observations if o.type == "generation"]
    expected: dict[str, dict] = {}
    for path in all_files(session):
        for r in raw(path):
            msg = r.get("message") or {}
            if r.get("type") == "assistant" and msg.get("model") != "<synthetic>":
                expected[msg["id"]] = msg["usage"]
    built = {o.metadata["message_id"]: o.usage for o in gens}
    # every message of the main file is a generation; sidechains only when reached
    main_ids = {r["message"]["id"] for r in raw(session) if r.get("type") == "assistant"
                and r["message"].get("model") != "<synthetic>"}
    assert main_ids <= set(built)
    for mid, usage in built.items():
        assert usage["output"] == expected[mid]["output_tokens"]
        assert usage["input"] == expected[mid]["input_tokens"]
        creation = usage["input_cache_creation"] + usage.get("input_cache_creation_1h", 0)
        assert creation == expected[mid].get("cache_creation_input_tokens", 0)


def test_every_tool_call_nested_with_result(session):
    res = build(session)
    obs = {o.id: o for t in res.traces for o in t.observations}
    uses, results = {}, {}
    for r in raw(session):
        content = (r.get("message") or {}).get("content")
        for b in content if isinstance(content, list) else []:
            if b.get("type") == "tool_use":
                uses[b["id"]] = b
            elif b.get("type") == "tool_result":
                results[b["tool_use_id"]] = b
    for tool_id, block in uses.items():
        tool = obs[ids.span_id("tool", tool_id)]
        assert tool.type == "tool" and tool.name == block["name"]
        assert obs[tool.parent_id].type == "generation"
        assert tool.input == block["input"]
        if results.get(tool_id, {}).get("is_error"):
            assert tool.level == "ERROR" and tool.status_message


def test_hook_durations_applied(session):
    payloads = [p for p in hooks_for(session) if p.get("hook_event_name") == "PostToolUse"
                and isinstance(p.get("duration_ms"), int)]
    if not payloads:
        pytest.skip("no PostToolUse durations recorded")
    obs = {o.id: o for t in build(session).traces for o in t.observations}
    for p in payloads:
        tool = obs.get(ids.span_id("tool", p["tool_use_id"]))
        if tool is not None:
            assert tool.end_ns - tool.start_ns == p["duration_ms"] * 1_000_000


def test_subagents_nested_under_agent_tool(session):
    files = all_files(session)[1:]
    if not files:
        pytest.skip("no subagents in this scenario")
    obs = {o.id: o for t in build(session).traces for o in t.observations}
    agents = [o for o in obs.values() if o.type == "agent" and o.parent_id]
    assert agents
    for agent in agents:
        parent = obs[agent.parent_id]
        if parent.type == "tool":  # a subagent that ran in the foreground
            assert parent.name in ("Agent", "Task")
        else:  # a background one: under the turn its completion was fed back in
            assert parent.parent_id is None and parent.input.startswith("<task-notification>")
            launcher = obs[ids.span_id("tool", agent.metadata["launched_by_tool_use_id"])]
            assert launcher.name in ("Agent", "Task")
            assert launcher.metadata["agent_id"] == agent.metadata["agent_id"]
        assert agent.id == ids.span_id("agent", agent.metadata["agent_id"])
        assert any(o.parent_id == agent.id and o.type == "generation" for o in obs.values())


def test_rebuild_is_identical(session):
    a, b = build(session), build(session)
    assert [[o.id for o in t.observations] for t in a.traces] == [
        [o.id for o in t.observations] for t in b.traces]


def test_incremental_growth_emits_same_observations(session, tmp_path):
    """Feed the file in pieces (cut mid-line too) through the reader's cursor loop."""
    data = session.read_bytes()
    grow = tmp_path / session.name
    sub = session.parent / session.stem
    if sub.is_dir():  # sidechains are complete; only the main file grows
        os.symlink(sub, tmp_path / session.stem)
    cuts = sorted({len(data) * k // 7 for k in range(1, 7)} | {len(data)})
    cursor, emitted, done = Cursor(path=str(grow)), set(), 0
    for cut in cuts:
        with open(grow, "ab") as fh:
            fh.write(data[done:cut])
        done = cut
        res = read_new(str(grow), cursor)
        out = build_traces(res.records, ctx_for(grow, final=cut == len(data)))
        cursor = res.cursor
        cursor.turn_offset = out.open_turn_offset
        for t in out.traces:
            emitted |= {o.id for o in t.observations}
    full = {o.id for t in build(session).traces for o in t.observations}
    assert emitted == full


def scenario(name: str) -> Path:
    found = [p for p in SESSIONS if p.parent.name == name]
    if not found:
        pytest.skip(f"scenario {name} not recorded")
    return found[0]


def observations(path: Path) -> list:
    return [o for t in build(path).traces for o in t.observations]


def test_scenario_compact_has_compaction_event():
    assert any(o.type == "event" and o.name == "compaction"
               for o in observations(scenario("compact")))


def test_scenario_tool_errors_are_error_level():
    errors = [o for o in observations(scenario("tool_errors")) if o.level == "ERROR"]
    assert {o.name for o in errors} == {"Bash", "Read"}
    assert all(o.type == "tool" and o.status_message for o in errors)


def test_scenario_api_error_retries_are_warning_events():
    events = [o for o in observations(scenario("api_error")) if o.name == "api_error"]
    assert events and all(o.level == "WARNING" for o in events)


def test_scenario_multi_turn_one_trace_per_prompt():
    assert len(build(scenario("multi_turn")).traces) == 3


def test_scenario_thinking_kept():
    gens = [o for o in observations(scenario("thinking")) if o.type == "generation"]
    assert any(o.metadata.get("thinking") for o in gens)
