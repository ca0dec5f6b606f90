"""Builder on 1.0.x-shaped sessions: subagent records inline, marked `isSidechain`.

The Task result names no agent; the builder links each sidechain (a `parentUuid` chain) to
its Task call and nests it as an `agent` span, even when parallel subagents interleave.
"""

from __future__ import annotations

from typing import Any

from cctrace.model import ids
from cctrace.model.build import BuildContext, build_traces
from cctrace.model.subagents import inline_sidechains
from cctrace.transcript.records import Record
from transcript.synth import assistant, flatten, text, tool_result, tool_use, usage, user


def recs(raw: list[dict[str, Any]]) -> list[Record]:
    return [Record(r, i * 100) for i, r in enumerate(raw)]


def sidechain(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Mark records as one inline subagent conversation: isSidechain, chained by parentUuid."""
    prev = None
    for rec in records:
        rec["isSidechain"] = True
        rec["parentUuid"] = prev
        prev = rec["uuid"]
    return records


def subagent(tag: str, prompt: str, t0: float) -> list[dict[str, Any]]:
    return sidechain(flatten(
        user(prompt, t0),
        assistant(f"{tag}-1", [tool_use(f"{tag}-read", "Read", {"file_path": "/x"})], t0 + 1,
                  stop="tool_use", use=usage(out=11)),
        tool_result(f"{tag}-read", "x", t0 + 2),
        assistant(f"{tag}-2", [text(f"{tag} done")], t0 + 3, stop="end_turn",
                  use=usage(out=13)),
    ))


def interleave(a: list[dict[str, Any]], b: list[dict[str, Any]]) -> list[dict[str, Any]]:
    out = []
    for x, y in zip(a, b, strict=True):
        out += [x, y]
    return out


def two_parallel_tasks() -> list[dict[str, Any]]:
    calls = assistant("main-1", [tool_use("task-a", "Task", {"prompt": "inspect A",
                                                             "subagent_type": "general"}),
                                 tool_use("task-b", "Task", {"prompt": "inspect B"})],
                      1, stop="tool_use")
    # B's subagent writes its first record before A's: file order alone would swap them.
    return flatten(
        user("do both", 0), calls,
        interleave(subagent("B", "inspect B", 2), subagent("A", "inspect A", 2.05)),
        tool_result("task-a", "A done", 9, tur={"totalDurationMs": 5}),
        tool_result("task-b", "B done", 9.5, tur={"totalDurationMs": 6}),
        assistant("main-2", [text("both done")], 10, stop="end_turn"),
    )


def test_parallel_inline_subagents_nest_under_their_own_task_call():
    raw = two_parallel_tasks()
    res = build_traces(recs(raw), BuildContext())
    [trace] = res.traces
    assert trace.complete
    obs = {o.id: o for o in trace.observations}
    for tag, task in (("A", "task-a"), ("B", "task-b")):
        tool = obs[ids.span_id("tool", task)]
        [agent] = [o for o in obs.values() if o.parent_id == tool.id]
        assert agent.type == "agent" and agent.input == f"inspect {tag}"
        assert agent.output == f"{tag} done"
        gens = {o.metadata["message_id"] for o in obs.values()
                if o.type == "generation" and o.parent_id == agent.id}
        assert gens == {f"{tag}-1", f"{tag}-2"}
        [read] = [o for o in obs.values() if o.metadata.get("tool_use_id") == f"{tag}-read"]
        assert obs[read.parent_id].metadata["message_id"] == f"{tag}-1"
        first = next(r for r in raw if r.get("isSidechain") and r["message"].get("content")
                     == f"inspect {tag}")
        assert agent.id == ids.span_id("agent", "inline:" + first["uuid"])
    assert res.stats.get("sidechain_records_unmatched", 0) == 0
    assert res.stats.get("subagent_without_id", 0) == 0
    # generation usage of the subagents is there once each (cost is not lost)
    outs = sorted(o.usage["output"] for o in obs.values() if o.type == "generation"
                  and o.metadata["message_id"][0] in "AB")
    assert outs == [11, 11, 13, 13]


def test_ids_are_stable_across_rebuilds():
    raw = two_parallel_tasks()
    first = [o.id for o in build_traces(recs(raw), BuildContext()).traces[0].observations]
    again = [o.id for o in build_traces(recs(raw), BuildContext()).traces[0].observations]
    assert first == again and len(set(first)) == len(first)


def test_prompt_mismatch_falls_back_to_the_earliest_chain_in_the_call_window():
    raw = flatten(
        user("go", 0),
        assistant("m1", [tool_use("t1", "Task", {"prompt": "something else"})], 1,
                  stop="tool_use"),
        subagent("S", "inspect S", 2),
        tool_result("t1", "ok", 8),
        assistant("m2", [text("ok")], 9, stop="end_turn"),
    )
    mapping, unmatched = inline_sidechains(recs(raw))
    assert set(mapping) == {"t1"} and unmatched == 0
    assert [r.uuid for r in mapping["t1"]] == [r["uuid"] for r in raw if r.get("isSidechain")]


def test_sidechain_outside_any_task_window_is_counted_not_attached():
    raw = flatten(
        user("go", 0),
        subagent("X", "stray", 0.5),
        assistant("m1", [tool_use("t1", "Task", {"prompt": "p"})], 1, stop="tool_use"),
        tool_result("t1", "ok", 8, tur={"totalDurationMs": 1}),
        assistant("m2", [text("ok")], 9, stop="end_turn"),
    )
    res = build_traces(recs(raw), BuildContext())
    assert res.stats["sidechain_records_unmatched"] == 4
    assert res.stats["subagent_without_id"] == 1
    assert not [o for o in res.traces[0].observations if o.name.startswith("subagent")]


def test_running_task_has_no_subagent_until_result_or_session_end():
    raw = flatten(
        user("go", 0),
        assistant("m1", [tool_use("t1", "Task", {"prompt": "inspect S"})], 1,
                  stop="tool_use"),
        subagent("S", "inspect S", 2),
    )
    live = build_traces(recs(raw), BuildContext())
    assert not live.traces[0].complete
    assert not [o for o in live.traces[0].observations if o.type == "agent"]
    ended = build_traces(recs(raw), BuildContext(final=True)).traces[0]
    tool = next(o for o in ended.observations if o.type == "tool" and o.name == "Task")
    [agent] = [o for o in ended.observations if o.parent_id == tool.id]
    assert agent.type == "agent"
    assert {o.metadata.get("message_id") for o in ended.observations
            if o.parent_id == agent.id and o.type == "generation"} == {"S-1", "S-2"}
