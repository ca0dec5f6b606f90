"""End-to-end: real Claude Code sessions with cctrace installed produce the right traces.

Each test drives `claude -p` offline against the scripted model server, with cctrace's hook
installed by `cctrace install --scope user`, then `cctrace flush` and checks the spans the OTLP
receiver got (and `cctrace show --json`). Expected counts come from the script and from the
model requests the server actually answered, never from cctrace itself.
"""

from __future__ import annotations

import pytest

from support.model_server import Reply, Text, Thinking, ToolUse, text, tools
from support.traced import (
    TracedSession,
    by_trace,
    children,
    descendants,
    kind,
    latest_spans,
    roots,
    tool_name_matches,
    trace_spans,
    usage_of,
)

pytestmark = pytest.mark.e2e

TRACE_ATTRS = ("langfuse.session.id", "langfuse.trace.name")


def flush_ok(t: TracedSession) -> None:
    res = t.flush()
    assert res.returncode == 0, f"cctrace flush: {res.stdout}\n{res.stderr}"


def answered_steps(t: TracedSession, marker: str) -> int:
    """Model calls the CLI completed for a marker (retried errors excluded)."""
    return len({r.step for r in t.server.messages_requests("scripted")
                if r.marker == marker and r.status == 200})


def trace_span_ids(t: TracedSession) -> list[str]:
    """The ids Langfuse holds (a generation re-sent with its cost counts once)."""
    return [s["span_id"] for s in latest_spans(trace_spans(t.receiver.spans()))]


def check_tree(t: TracedSession, spans: list[dict], n_traces: int) -> dict[str, list[dict]]:
    """Invariants every session must satisfy; returns spans grouped by trace."""
    spans = latest_spans(spans)  # fails on a span delivered twice other than a cost update
    traces = by_trace(spans)
    assert len(traces) == n_traces
    lo, hi = t.transcript_time_range()
    for group in traces.values():
        (root,) = roots(group)
        assert kind(root) == "agent"
        names = {s["attributes"].get("langfuse.trace.name") for s in group}
        assert len(names) == 1 and None not in names
        known = {s["span_id"] for s in group}
        for s in group:
            for a in TRACE_ATTRS:
                assert s["attributes"].get(a), f"{a} missing on {s['name']}"
            assert s["attributes"]["langfuse.session.id"] == t.session_id
            assert s["parent_span_id"] is None or s["parent_span_id"] in known
            # One second of slack: the CLI writes a record just after the event it describes.
            assert lo - 1_000_000_000 <= s["start_ns"] <= s["end_ns"] <= hi + 1_000_000_000
        for g in (s for s in group if kind(s) == "generation"):
            u = usage_of(g)
            assert u.get("input", 0) > 0 and u.get("output", 0) > 0, u
            assert g["attributes"].get("langfuse.observation.model.name")
    return traces


def describe(traces: list[list[dict]], t: TracedSession) -> str:
    """What each received trace holds, and the transcript's record types, for a failure."""
    import json

    lines = []
    for i, group in enumerate(traces):
        lines.append(f"trace {i}: " + ", ".join(f"{kind(s)}:{s['name']}" for s in group))
    for line in t.transcript.read_text().splitlines():
        rec = json.loads(line)
        msg = rec.get("message") if isinstance(rec.get("message"), dict) else {}
        content = msg.get("content")
        head = content[:60] if isinstance(content, str) else [
            b.get("type") for b in content or [] if isinstance(b, dict)]
        lines.append(f"  {rec.get('type')}/{rec.get('subtype', '')} {head}")
    return "\n" + "\n".join(lines)


def generations(group: list[dict]) -> list[dict]:
    return [s for s in group if kind(s) == "generation"]


def tool_spans(group: list[dict]) -> list[dict]:
    return [s for s in group if kind(s) == "tool"]


def assert_show_matches(t: TracedSession, spans: list[dict]) -> None:
    spans = latest_spans(spans)
    doc = t.show()
    shown = [o for tr in doc["traces"] for o in tr["observations"]]
    assert len(doc["traces"]) == len(by_trace(spans))
    assert sorted((o["type"], o["name"]) for o in shown) == sorted(
        (kind(s), s["name"]) for s in spans)
    if all(len(str(o["id"])) == 16 for o in shown):
        assert {o["id"] for o in shown} == {s["span_id"] for s in spans}


def test_multi_turn_session(traced: TracedSession):
    t = traced
    t.server.add("[mt-1]", [
        tools(ToolUse("Write", {"file_path": t.p("notes.md"), "content": "# Notes\n- one\n"})),
        tools(ToolUse("Read", {"file_path": t.p("notes.md")})),
        text("Created notes.md."),
    ])
    t.server.add("[mt-2]", [
        tools(ToolUse("Edit", {"file_path": t.p("notes.md"), "old_string": "- one",
                               "new_string": "- one\n- two"})),
        tools(ToolUse("Bash", {"command": "wc -l notes.md", "description": "Count"})),
        tools(ToolUse("Grep", {"pattern": "two", "path": t.p("."), "output_mode": "content"})),
        text("Edited."),
    ])
    t.server.add("[mt-3]", [text("All done.")])
    for p in ("Make notes [mt-1]", "Edit notes [mt-2]", "Summarise [mt-3]"):
        t.prompt(p)
    flush_ok(t)
    spans = trace_spans(t.receiver.spans())
    traces = list(check_tree(t, spans, n_traces=3).values())
    expected_tools = [["Write", "Read"], ["Edit", "Bash", "Grep"], []]
    for group, marker, want in zip(traces, ("[mt-1]", "[mt-2]", "[mt-3]"), expected_tools,
                                   strict=True):
        gens = generations(group)
        assert len(gens) == answered_steps(t, marker), describe(traces, t)
        tls = tool_spans(group)
        assert len(tls) == len(want)
        for name in want:
            (span,) = [s for s in tls if tool_name_matches(s, name)]
            parent = next(s for s in group if s["span_id"] == span["parent_span_id"])
            assert kind(parent) == "generation"
            assert span["attributes"].get("langfuse.observation.level", "DEFAULT") != "ERROR"
    assert_show_matches(t, spans)


def test_failing_tools_are_errors(traced: TracedSession):
    t = traced
    t.server.add("[err]", [
        tools(ToolUse("Bash", {"command": "ls /nonexistent-cctrace-dir", "description": "ls"})),
        tools(ToolUse("Read", {"file_path": t.p("missing.txt")})),
        text("Neither exists."),
    ])
    t.prompt("Look [err]")
    flush_ok(t)
    spans = trace_spans(t.receiver.spans())
    (group,) = check_tree(t, spans, n_traces=1).values()
    tls = tool_spans(group)
    assert len(tls) == 2
    for s in tls:
        assert s["attributes"].get("langfuse.observation.level") == "ERROR", s["name"]
    assert_show_matches(t, spans)


def test_parallel_tool_calls_share_their_generation(traced: TracedSession):
    t = traced
    (t.home.project / "a.txt").write_text("a\n")
    (t.home.project / "b.txt").write_text("b\n")
    t.server.add("[par]", [
        tools(ToolUse("Read", {"file_path": t.p("a.txt")}),
              ToolUse("Read", {"file_path": t.p("b.txt")}),
              ToolUse("Bash", {"command": "echo hi", "description": "echo"}),
              preamble="All at once."),
        text("Done."),
    ])
    t.prompt("Parallel [par]")
    flush_ok(t)
    spans = trace_spans(t.receiver.spans())
    (group,) = check_tree(t, spans, n_traces=1).values()
    gens = generations(group)
    assert len(gens) == 2
    first = min(gens, key=lambda s: s["start_ns"])
    assert len([s for s in children(group, first) if kind(s) == "tool"]) == 3
    assert len(tool_spans(group)) == 3


def test_subagent_has_its_own_agent_span(traced: TracedSession):
    t = traced
    (t.home.project / "a.txt").write_text("alpha\n")
    t.server.add("[sub-main]", [
        tools(ToolUse("Agent", {"description": "Inspect", "prompt": "Inspect a.txt [sub-task]",
                                "subagent_type": "general-purpose",
                                "run_in_background": False})),
        text("The subagent is done."),
    ])
    t.server.add("[sub-task]", [
        tools(ToolUse("Read", {"file_path": t.p("a.txt")})),
        tools(ToolUse("Bash", {"command": "wc -c a.txt", "description": "bytes"})),
        text("alpha, 6 bytes."),
    ])
    t.prompt("Delegate [sub-main]")
    flush_ok(t)
    spans = trace_spans(t.receiver.spans())
    (group,) = check_tree(t, spans, n_traces=1).values()
    (root,) = roots(group)
    agents = [s for s in group if kind(s) == "agent" and s is not root]
    assert len(agents) == 1
    sub = agents[0]
    assert sub in descendants(group, root)
    inside = descendants(group, sub)
    assert len(generations(inside)) == answered_steps(t, "[sub-task]") == 3
    assert {n for n in ("Read", "Bash") if any(tool_name_matches(s, n)
                                              for s in tool_spans(inside))} == {"Read", "Bash"}
    # The main agent's own generations are not inside the subagent.
    assert len(generations(group)) - len(generations(inside)) == answered_steps(t, "[sub-main]")
    assert_show_matches(t, spans)


def test_thinking_and_retried_api_error(traced: TracedSession):
    t = traced
    t.server.add("[think]", [
        Reply([Thinking("Count with wc."), Text("Counting."),
               ToolUse("Bash", {"command": "echo 3", "description": "count"})], errors=[500]),
        Reply([Thinking("Answer."), Text("Three.")]),
    ])
    t.prompt("How many? [think]")
    flush_ok(t)
    spans = trace_spans(t.receiver.spans())
    (group,) = check_tree(t, spans, n_traces=1).values()
    # The 500 was retried by the CLI: still one generation per answered model call.
    assert [r.status for r in t.server.messages_requests("scripted")][0] == 500
    assert len(generations(group)) == 2
    assert len(tool_spans(group)) == 1


USAGE_KEYS = {"input_tokens": "input", "output_tokens": "output",
              "cache_read_input_tokens": "input_cache_read",
              "cache_creation_input_tokens": "input_cache_creation"}


def test_generation_usage_is_exactly_what_the_model_server_sent(traced: TracedSession):
    # Several content blocks per response, each its own transcript record; the usage of each
    # generation must be the final one the server streamed (message_delta), to the token.
    t = traced
    t.server.add("[usage]", [
        Reply([Thinking("Count the lines with wc, then answer."), Text("Counting now."),
               ToolUse("Bash", {"command": "echo 3", "description": "count"})],
              usage={"input_tokens": 17, "output_tokens": 40,
                     "cache_read_input_tokens": 1234, "cache_creation_input_tokens": 321}),
        Reply([Thinking("The tool said three."), Text("There are three lines."),
               Text("Done.")],
              usage={"input_tokens": 23, "output_tokens": 57,
                     "cache_read_input_tokens": 2345, "cache_creation_input_tokens": 12}),
    ])
    t.prompt("How many lines? [usage]")
    flush_ok(t)
    spans = trace_spans(t.receiver.spans())
    (group,) = check_tree(t, spans, n_traces=1).values()
    sent = sorted((r for r in t.server.messages_requests("scripted")
                   if r.marker == "[usage]" and r.status == 200), key=lambda r: r.step)
    assert [r.usage["output_tokens"] for r in sent] == [40, 57]
    gens = sorted(generations(group), key=lambda s: s["start_ns"])
    got = [{k: usage_of(g).get(k) for k in USAGE_KEYS.values()} for g in gens]
    want = [{USAGE_KEYS[k]: r.usage[k] for k in USAGE_KEYS} for r in sent]
    assert got == want, describe([group], t)


def test_compaction_keeps_turns_apart(traced: TracedSession):
    t = traced
    (t.home.project / "a.txt").write_text("alpha\n")
    t.server.add("[cmp-1]", [tools(ToolUse("Read", {"file_path": t.p("a.txt")})), text("ok")])
    t.server.add("[cmp-2]", [tools(ToolUse("Bash", {"command": "echo b", "description": "b"})),
                             text("ok")])
    t.prompt("Read [cmp-1]")
    t.prompt("/compact")
    t.prompt("Again [cmp-2]")
    flush_ok(t)
    spans = latest_spans(trace_spans(t.receiver.spans()))  # fails on a double delivery
    traces = list(by_trace(spans).values())
    # The two prompts are two traces; /compact may add its own, never merge them.
    turn_traces = [g for g in traces if tool_spans(g)]
    assert len(turn_traces) == 2
    for g in turn_traces:
        assert len(generations(g)) == 2
        (root,) = roots(g)
        assert kind(root) == "agent"


def test_receiver_down_then_up_delivers_everything_once(traced: TracedSession):
    t = traced
    t.receiver.down()
    t.server.add("[down]", [tools(ToolUse("Bash", {"command": "echo x", "description": "x"})),
                            text("ok")])
    t.prompt("While down [down]")
    t.flush(timeout=2)  # nothing can be delivered yet
    assert trace_spans(t.receiver.spans()) == []
    t.receiver.up()
    flush_ok(t)
    spans = trace_spans(t.receiver.spans())
    (group,) = check_tree(t, spans, n_traces=1).values()
    assert len(generations(group)) == 2 and len(tool_spans(group)) == 1
    flush_ok(t)  # a second flush sends nothing new
    assert len(trace_spans(t.receiver.spans())) == len(spans)


def test_reprocessing_and_resume_add_no_duplicate_spans(traced: TracedSession):
    t = traced
    t.server.add("[r1]", [tools(ToolUse("Bash", {"command": "echo 1", "description": "1"})),
                          text("one")])
    t.server.add("[r2]", [text("two")])
    t.prompt("First [r1]")
    flush_ok(t)
    first = set(trace_span_ids(t))
    assert first
    # Processing the same transcript again (backfill import) must not re-export anything.
    res = t.cctrace("import", str(t.transcript))
    assert res.returncode == 0, res.stderr
    flush_ok(t)
    assert set(trace_span_ids(t)) == first and len(trace_span_ids(t)) == len(first)
    # Resuming adds only the new turn's spans.
    t.prompt("Second [r2]")
    flush_ok(t)
    all_ids = trace_span_ids(t)
    assert len(all_ids) == len(set(all_ids))
    new = [s for s in latest_spans(trace_spans(t.receiver.spans()))
           if s["span_id"] not in first]
    assert new and len({s["trace_id"] for s in new}) == 1
    assert len(by_trace(trace_spans(t.receiver.spans()))) == 2


def test_langfuse_destination_gets_basic_auth(tmp_path, model_server, receiver,
                                               _isolated_state):
    t = TracedSession(tmp_path / "lf", model_server, receiver, _isolated_state, langfuse=True)
    t.install()
    t.server.add("[lf]", [text("hello")])
    t.prompt("Hi [lf]")
    flush_ok(t)
    reqs = [r for r in receiver.requests if r.status == 200]
    # Spans go to the OTLP endpoint; findings (e.g. the bypassed-permissions rule, as this
    # session runs with --dangerously-skip-permissions) go to the scores API.
    assert reqs and {r.path for r in reqs} <= {"/api/public/otel/v1/traces",
                                               "/api/public/scores"}
    assert any(r.path == "/api/public/otel/v1/traces" for r in reqs)
    assert all(r.headers.get("authorization", "").startswith("Basic ") for r in reqs)
    (group,) = check_tree(t, trace_spans(receiver.spans()), n_traces=1).values()
    assert len(generations(group)) == 1
