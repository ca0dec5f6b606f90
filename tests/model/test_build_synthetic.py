"""Builder on targeted synthetic transcripts (shaped like Claude Code 2.1.x records)."""

from __future__ import annotations

from cctrace.model import ids
from cctrace.model.build import BuildContext, ToolHookInfo, build_traces
from cctrace.transcript.records import Record
from transcript.synth import (
    assistant,
    flatten,
    system,
    text,
    thinking,
    tool_result,
    tool_use,
    usage,
    user,
)


def recs(raw):
    out, off = [], 0
    for r in raw:
        out.append(Record(r, off))
        off += 100
    return out


def by_type(trace, kind):
    return [o for o in trace.observations if o.type == kind]


def simple_turn(t0=0.0, prompt="list files", msg="m1"):
    p = user(prompt, t0)
    return flatten(
        p,
        assistant(f"{msg}a", [thinking("let me look"), text("Looking."),
                              tool_use(f"{msg}-t1", "Bash", {"command": "ls"}),
                              tool_use(f"{msg}-t2", "Read", {"file_path": "/x"})],
                  t0 + 1, stop="tool_use", use=usage(out=40)),
        tool_result(f"{msg}-t1", "a\nb", t0 + 3, tur={"stdout": "a\nb", "interrupted": False}),
        tool_result(f"{msg}-t2", "no such file", t0 + 3.5, is_error=True),
        assistant(f"{msg}b", [text("Done: a, b.")], t0 + 5, stop="end_turn",
                  use=usage(out=7, one_hour=5)),
    ), p


def test_one_turn_shape_and_ids():
    raw, prompt = simple_turn()
    res = build_traces(recs(raw), BuildContext(user_id="alice", environment="dev"))
    assert res.open_turn_offset is None
    [trace] = res.traces
    assert trace.complete and trace.id == ids.trace_id(prompt["uuid"])
    root = trace.root
    assert root.id == ids.span_id("turn", prompt["uuid"]) and root.type == "agent"
    assert root.input == "list files" and root.output == "Done: a, b."
    assert trace.user_id == "alice" and trace.environment == "dev"
    assert trace.session_id == "sess-1"
    assert "project:proj" in trace.tags and "branch:main" in trace.tags
    assert "claude-code:2.1.328" in trace.tags
    assert "model:claude-sonnet-4-5-20250929" in trace.tags
    assert trace.metadata["cwd"] == "/home/dev/proj"
    assert trace.metadata["entrypoint"] == "sdk-cli"
    gens = by_type(trace, "generation")
    assert [g.id for g in gens] == [ids.span_id("generation", "m1a"),
                                    ids.span_id("generation", "m1b")]
    for o in trace.observations:
        assert o.end_ns >= o.start_ns
        assert o.trace_id == trace.id


def test_streamed_records_merge_and_usage_counts_once():
    raw, _ = simple_turn()
    [trace] = build_traces(recs(raw), BuildContext()).traces
    g1, g2 = by_type(trace, "generation")
    # four records share message id m1a; usage appears once, not four times
    assert g1.usage == {"input": 10, "output": 40, "input_cache_read": 100,
                        "input_cache_creation": 20}
    assert [b["type"] for b in g1.output["content"]] == ["thinking", "text", "tool_use",
                                                         "tool_use"]
    assert "signature" not in g1.output["content"][0]
    assert g1.metadata["thinking"] == "let me look"
    assert g1.metadata["stop_reason"] == "tool_use" and g1.metadata["request_id"] == "req-m1a"
    # 5m/1h split: the two parts, no synonym of the total
    assert g2.usage == {"input": 10, "output": 7, "input_cache_read": 100,
                        "input_cache_creation": 15, "input_cache_creation_1h": 5}


def test_parallel_tools_nest_under_generation_and_error_level():
    raw, _ = simple_turn()
    [trace] = build_traces(recs(raw), BuildContext()).traces
    g1 = by_type(trace, "generation")[0]
    tools = {t.name: t for t in by_type(trace, "tool")}
    assert set(tools) == {"Bash", "Read"}
    assert all(t.parent_id == g1.id for t in tools.values())
    assert tools["Bash"].id == ids.span_id("tool", "m1-t1")
    assert tools["Bash"].input == {"command": "ls"} and tools["Bash"].output == "a\nb"
    assert tools["Bash"].metadata["result"] == {"stdout": "a\nb", "interrupted": False}
    assert tools["Bash"].level == "DEFAULT"
    assert tools["Read"].level == "ERROR" and tools["Read"].status_message == "no such file"
    assert tools["Bash"].end_ns - tools["Bash"].start_ns > 0
    # the second generation's input is the tool results that preceded it
    g2 = by_type(trace, "generation")[1]
    assert [b["tool_use_id"] for m in g2.input for b in m["content"]] == ["m1-t1", "m1-t2"]


def test_hook_info_sets_duration_and_failure():
    raw, _ = simple_turn()
    hooks = {"m1-t1": ToolHookInfo(duration_ms=250),
             "m1-t2": ToolHookInfo(error="File does not exist.", failed=True)}
    [trace] = build_traces(recs(raw), BuildContext(hook_tools=hooks)).traces
    tools = {t.name: t for t in by_type(trace, "tool")}
    assert tools["Bash"].end_ns - tools["Bash"].start_ns == 250_000_000
    assert tools["Read"].status_message == "File does not exist."


def test_turns_split_on_real_prompts_only():
    a, p1 = simple_turn(0, "one", "x")
    b, p2 = simple_turn(100, "two", "y")
    meta = user("<local-command-caveat>Caveat</local-command-caveat>", 50, isMeta=True)
    raw = flatten(system("informational", -1, content="hi"), a, meta, b)
    res = build_traces(recs(raw), BuildContext())
    assert [t.id for t in res.traces] == [ids.trace_id(p1["uuid"]), ids.trace_id(p2["uuid"])]
    assert res.stats["pre_turn_records"] == 1


def test_unknown_types_skipped_and_counted():
    raw, _ = simple_turn()
    raw.insert(1, {"type": "queue-operation", "operation": "enqueue"})
    raw.insert(1, {"type": "brand-new-type", "uuid": "zz"})
    raw.insert(1, {"type": "attachment", "attachment": {"type": "whatever"}, "uuid": "at"})
    raw.insert(1, system("mystery_subtype", 0.5))
    res = build_traces(recs(raw), BuildContext())
    assert res.stats["skipped_types"] == {"queue-operation": 1, "brand-new-type": 1}
    assert res.stats["attachments"] == {"whatever": 1}
    assert res.stats["skipped_system"] == {"mystery_subtype": 1}
    assert len(res.traces) == 1 and res.traces[0].complete


def test_compaction_api_error_and_interrupt_events():
    p = user("go", 0)
    raw = flatten(
        p,
        system("api_error", 1, level="error", retryAttempt=1, maxRetries=10, retryInMs=500,
               error={"status": 529}),
        assistant("m1", [tool_use("t1", "Bash", {"command": "sleep 100"})], 2, stop="tool_use"),
        tool_result("t1", "The user doesn't want to proceed", 3, is_error=True),
        user([text("[Request interrupted by user for tool use]")], 3.1),
        system("compact_boundary", 4, content="Conversation compacted",
               compactMetadata={"trigger": "auto", "preTokens": 1000}),
    )
    res = build_traces(recs(raw), BuildContext(final=True))
    [trace] = res.traces
    events = {e.name: e for e in by_type(trace, "event")}
    assert set(events) == {"api_error", "interrupted", "compaction"}
    assert events["api_error"].level == "WARNING"
    assert events["api_error"].metadata["retryAttempt"] == 1
    assert events["interrupted"].level == "WARNING"
    assert events["compaction"].metadata["compactMetadata"]["trigger"] == "auto"
    assert all(e.parent_id == trace.root.id for e in events.values())


def test_synthetic_api_error_message_is_an_error_event():
    p = user("go", 0)
    raw = flatten(p, assistant("syn", [text("API Error: 400 bad request")], 1,
                               stop="stop_sequence", model="<synthetic>"))
    raw[-1]["isApiErrorMessage"] = True
    [trace] = build_traces(recs(raw), BuildContext()).traces
    assert trace.complete
    assert by_type(trace, "generation") == []
    [ev] = by_type(trace, "event")
    assert ev.level == "ERROR" and ev.status_message.startswith("API Error")


def test_open_turn_emits_finished_children_then_completes():
    raw, prompt = simple_turn()
    records = recs(raw)
    # cut after the first tool result: one tool still running, no final answer yet
    cut = next(i for i, r in enumerate(raw) if r["type"] == "user" and i > 0) + 1
    res = build_traces(records[:cut], BuildContext())
    [partial] = res.traces
    assert not partial.complete and partial.root is None
    assert res.open_turn_offset == records[0].offset
    assert {o.name for o in partial.observations if o.type == "tool"} == {"Bash"}
    assert len(by_type(partial, "generation")) == 1
    # streaming: last message has records but no stop reason yet -> not emitted
    res_mid = build_traces(records[:-1] + [], BuildContext())
    assert len(by_type(res_mid.traces[0], "generation")) == 1
    full = build_traces(records, BuildContext())
    assert full.open_turn_offset is None and full.traces[0].complete
    partial_ids = {o.id for o in partial.observations}
    assert partial_ids < {o.id for o in full.traces[0].observations}


def test_open_turn_closed_by_final_or_next_turn():
    p = user("go", 0)
    raw = flatten(p, assistant("m1", [tool_use("t1", "Bash", {})], 1, stop="tool_use"))
    assert not build_traces(recs(raw), BuildContext()).traces[0].complete
    final = build_traces(recs(raw), BuildContext(final=True)).traces[0]
    assert final.complete
    [tool] = by_type(final, "tool")
    assert tool.level == "WARNING"
    nxt = build_traces(recs(raw + [user("next", 9)]), BuildContext())
    assert nxt.traces[0].complete and not nxt.traces[1].complete


def test_same_records_twice_give_same_ids():
    raw, _ = simple_turn()
    a = build_traces(recs(raw), BuildContext(session_id="A")).traces
    # a fork/resume copies the records (same uuids) into another session
    forked = [{**r, "sessionId": "B"} for r in raw]
    b = build_traces(recs(forked), BuildContext()).traces
    assert [o.id for o in a[0].observations] == [o.id for o in b[0].observations]
    assert a[0].id == b[0].id and b[0].session_id == "B"


def test_subagent_nested_under_tool():
    p = user("delegate", 0)
    sub = flatten(
        {**user("find it", 1.5), "isSidechain": True, "agentId": "ag1"},
        [{**r, "isSidechain": True, "agentId": "ag1"}
         for r in assistant("s1", [tool_use("st1", "Grep", {"pattern": "x"})], 2, "tool_use")],
        {**tool_result("st1", "found", 2.5), "isSidechain": True, "agentId": "ag1"},
        [{**r, "isSidechain": True, "agentId": "ag1"}
         for r in assistant("s2", [text("It is in x.py")], 3, "end_turn")],
    )
    raw = flatten(
        p,
        assistant("m1", [tool_use("ta", "Agent", {"prompt": "find it",
                                                  "subagent_type": "Explore"})], 1, "tool_use"),
        tool_result("ta", [text("It is in x.py")], 4,
                    tur={"agentId": "ag1", "status": "completed", "totalTokens": 9}),
        assistant("m2", [text("Found.")], 5, "end_turn"),
    )
    calls = []

    def load(agent_id):
        calls.append(agent_id)
        return recs(sub) if agent_id == "ag1" else []

    [trace] = build_traces(recs(raw), BuildContext(load_sidechain=load)).traces
    assert calls == ["ag1"]
    tool = next(o for o in trace.observations if o.name == "Agent")
    agent = next(o for o in trace.observations if o.type == "agent" and o.parent_id)
    assert agent.id == ids.span_id("agent", "ag1") and agent.parent_id == tool.id
    assert agent.output == "It is in x.py" and agent.name == "subagent Explore"
    sub_gens = [o for o in trace.observations if o.parent_id == agent.id]
    assert [o.id for o in sub_gens] == [ids.span_id("generation", "s1"),
                                        ids.span_id("generation", "s2")]
    grep = next(o for o in trace.observations if o.name == "Grep")
    assert grep.parent_id == sub_gens[0].id and grep.output == "found"
    assert len(by_type(trace, "generation")) == 4


def test_a_call_keeps_the_folder_it_ran_in_when_a_cd_moved_it():
    # Claude Code's Bash tool keeps a `cd` for the calls after it, and each record says
    # where it was written: `cat a.txt` after `cd secrets` ran in secrets/ (the policy
    # resolves relative paths there). A call where the turn began carries no `cwd`.
    p = user("look", 0.0)
    moved = assistant("m1b", [tool_use("t2", "Bash", {"command": "cat a.txt"})], 4,
                      stop="tool_use", use=usage(out=3))
    for r in moved:
        r["cwd"] = "/home/dev/proj/secrets"
    raw = flatten(
        p,
        assistant("m1a", [tool_use("t1", "Bash", {"command": "cd secrets"})], 1,
                  stop="tool_use", use=usage(out=3)),
        tool_result("t1", "", 2),
        moved,
        tool_result("t2", "X=1", 5),
        assistant("m1c", [text("Done.")], 6, stop="end_turn", use=usage(out=2)),
    )
    [trace] = build_traces(recs(raw), BuildContext()).traces
    tools = {o.input["command"]: o.metadata for o in by_type(trace, "tool")}
    assert trace.metadata["cwd"] == "/home/dev/proj"
    assert "cwd" not in tools["cd secrets"]
    assert tools["cat a.txt"]["cwd"] == "/home/dev/proj/secrets"
