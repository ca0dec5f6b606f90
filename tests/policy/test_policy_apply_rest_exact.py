"""Exact values of the rest of `policy/apply.py` that withholds: an input past the bounds
of what it names, how an output is shaped for the line filter, and the walk over a
generation's messages; what level `metadata` keeps (summaries) and where it applies
(the trace, a subagent of a metadata call, opted-out projects). Run first by
`bench/mutation.py -m policy.apply.rest` and `-m policy.apply.levels`. (Which
strings of an input are judged: `test_policy_inputs.py`; the folder and link rules:
`test_policy_reach.py`.)"""

from __future__ import annotations

import datetime
import hashlib

import pytest
from tests.policy.test_policy_apply import make_trace, obs, tool_result, tool_use

from cctrace.policy import Policy, apply
from cctrace.policy.apply import ToolDecision, _output_shape

HOME = "/home/u"
POLICY = Policy(home=HOME)


def test_an_input_past_the_bounds_is_withheld():
    from cctrace.policy import Policy
    from cctrace.policy.apply import UNJUDGED_INPUT, decide

    policy = Policy(home="/home/u")
    big = {"path": "/p/.env", "pad": ["x"] * 5000}
    assert decide("mcp__fs__read_text_file", big, "/p", policy).rule == UNJUDGED_INPUT
    assert UNJUDGED_INPUT == "(tool input past the policy's bounds)"
    assert decide("mcp__fs__read_text_file", {"path": "/p/a.txt", "pad": ["x"] * 100},
                  "/p", policy).rule is None


@pytest.mark.parametrize("name,tool_input,shape", [
    ("Read", {"file_path": "x"}, None),
    ("Glob", {"pattern": "*"}, None),
    ("Grep", {}, {"context": False, "listing": True, "grep": True}),
    ("Grep", {"output_mode": "count"}, {"context": False, "listing": True, "grep": True}),
    ("Grep", {"output_mode": "content"}, {"context": False, "listing": False, "grep": True}),
    ("Grep", {"output_mode": "content", "-B": 1},
     {"context": True, "listing": False, "grep": True}),
    ("Grep", {"-C": 0, "context": 2}, {"context": True, "listing": True, "grep": True}),
    ("Grep", {"-A": 2}, {"context": True, "listing": True, "grep": True}),
    ("Grep", {"-C": 1}, {"context": True, "listing": True, "grep": True}),
    ("Grep", {"-A": 0, "-B": 0, "-C": 0}, {"context": False, "listing": True, "grep": True}),
    ("Grep", {"multiline": True}, {"context": True, "listing": True, "grep": True}),
    ("Grep", "not a mapping", {"context": False, "listing": True, "grep": True}),
    ("mcp__x__y", {}, {"context": True, "listing": False, "grep": False}),
    ("Bash", {"command": 3}, {"context": True, "listing": False, "grep": False}),
])
def test_output_shape(name, tool_input, shape):
    assert _output_shape(ToolDecision(name=name, level="redacted"), tool_input) == shape


def test_output_shape_of_bash_is_the_commands():
    from cctrace.policy.bash import bash_shape

    d = ToolDecision(name="Bash", level="redacted")
    assert _output_shape(d, {"command": "grep -n x f"}) == bash_shape("grep -n x f")


def test_generation_blocks_of_a_denied_call_are_withheld_exactly():
    trace = make_trace([("t1", "Read", {"file_path": "/p/.env"}, "K=v1-secret"),
                        ("t2", "Read", {"file_path": "/p/a.py"}, "print(1)")])
    apply.apply_policy([trace], POLICY)
    gen1, gen2 = [o for o in trace.observations if o.type == "generation"]
    marker = "[WITHHELD:path-policy .env*]"
    assert gen1.output["content"][1] == tool_use("t1", "Read", {"file_path": "/p/.env"})
    assert gen1.output["content"][2] == tool_use("t2", "Read", {"file_path": "/p/a.py"})
    assert gen2.input[0]["content"] == [tool_result("t1", marker),
                                        tool_result("t2", "print(1)")]
    assert gen2.input[0]["role"] == "user"


def test_generation_tool_results_of_a_shaped_call_are_filtered_line_by_line():
    out = "notes.txt:1:ok\n.env:2:K=v1-secret"
    trace = make_trace([("t1", "Grep", {"pattern": "x", "output_mode": "content", "-n": True},
                         out)])
    apply.apply_policy([trace], POLICY)
    gen2 = [o for o in trace.observations if o.type == "generation"][1]
    assert gen2.input[0]["content"] == [tool_result(
        "t1", "notes.txt:1:ok\n.env:[WITHHELD:path-policy .env*]")]


def test_metadata_level_summarises_generations_messages_and_blocks():
    policy = Policy(home=HOME, level="metadata")
    trace = make_trace([("t1", "Read", {"file_path": "/p/a.py"}, "print(1)")])
    gen = [o for o in trace.observations if o.type == "generation"][0]
    gen.status_message = "a status"
    gen.input.append("a bare string message")
    gen.input[0]["content"] = [{"type": "text", "text": "hello"}, "bare", None]
    apply.apply_policy([trace], policy)
    assert gen.input[0]["content"][0] == apply._summarize_block(
        {"type": "text", "text": "hello"})
    assert gen.input[0]["content"][1:] == [apply.summary("bare"), None]
    assert gen.input[1] == apply.summary("a bare string message")
    assert gen.status_message == apply.summary_text("a status")
    assert gen.metadata == apply._summarize_meta({"message_id": "m1",
                                                  "thinking": "I will look"})


def test_metadata_level_on_scalar_generation_fields():
    policy = Policy(home=HOME, level="metadata")
    g = obs("g9", "generation", "claude-x", input="prompt text", output="answer text",
            metadata={"message_id": "m9"})
    trace = make_trace([])
    trace.observations.append(g)
    apply.apply_policy([trace], policy)
    assert (g.input, g.output) == (apply.summary("prompt text"), apply.summary("answer text"))
    # At the redacted level, scalars stay.
    g2 = obs("g8", "generation", "claude-x", input="prompt text", output="answer text",
             status_message="s")
    trace2 = make_trace([])
    trace2.observations.append(g2)
    apply.apply_policy([trace2], POLICY)
    assert (g2.input, g2.output, g2.status_message) == ("prompt text", "answer text", "s")


def test_message_content_as_a_string_at_the_metadata_level():
    policy = Policy(home=HOME, level="metadata")
    g = obs("g7", "generation", "claude-x", input=[{"role": "user", "content": "hi there"}],
            output={"role": "assistant", "content": "plain answer"})
    trace = make_trace([])
    trace.observations.append(g)
    apply.apply_policy([trace], policy)
    assert g.input == [{"role": "user", "content": apply.summary("hi there")}]
    assert g.output == {"role": "assistant", "content": apply.summary("plain answer")}
    g2 = obs("g6", "generation", "claude-x", input=[{"role": "user", "content": "hi"}],
             output={"role": "assistant", "content": None})
    trace2 = make_trace([])
    trace2.observations.append(g2)
    apply.apply_policy([trace2], POLICY)
    assert g2.input == [{"role": "user", "content": "hi"}]
    assert g2.output == {"role": "assistant", "content": None}


def test_metadata_only_tool():
    policy = Policy(home=HOME, tools={"Read": "metadata"})
    trace = make_trace([("t1", "Read", {"file_path": "/p/a.py"}, "print(1)")])
    tool = next(o for o in trace.observations if o.type == "tool")
    tool.status_message = "status"
    apply.apply_policy([trace], policy)
    assert tool.input == apply.summary({"file_path": "/p/a.py"})
    assert tool.output == apply.summary("print(1)")
    assert tool.status_message == apply.summary_text("status")
    gen2 = [o for o in trace.observations if o.type == "generation"][1]
    assert gen2.input[0]["content"] == [apply._summarize_block(tool_result("t1", "print(1)"))]


def test_a_server_tool_use_block_of_a_denied_call_is_withheld():
    trace = make_trace([])
    inp = {"path": "/p/.env", "note": "some text"}
    gen = obs("g5", "generation", "claude-x", input=[],
              output={"role": "assistant", "content": [
                  {"type": "server_tool_use", "id": "s1", "name": "mcp__x__read", "input": inp}]})
    trace.observations.append(gen)
    apply.apply_policy([trace], POLICY)
    assert gen.output["content"][0]["input"] == {"path": "/p/.env",
                                                 "note": "[WITHHELD:path-policy .env*]"}


def _tool(trace, tool_id):
    return next(o for o in trace.observations if o.metadata.get("tool_use_id") == tool_id)


def test_a_call_folder_that_is_not_a_string_is_the_turns():
    trace = make_trace([("r", "Bash", {"command": "cat a.txt"}, "A=1")], cwd="/p/secrets")
    _tool(trace, "r").metadata["cwd"] = ["/p/open"]
    apply.apply_policy([trace], POLICY)
    assert _tool(trace, "r").output == "[WITHHELD:path-policy **/secrets/**]"
    trace = make_trace([("r", "Bash", {"command": "cat a.txt"}, "A=1")], cwd="/p/secrets")
    _tool(trace, "r").metadata["cwd"] = ""
    apply.apply_policy([trace], POLICY)
    assert _tool(trace, "r").output == "[WITHHELD:path-policy **/secrets/**]"


def test_only_a_background_command_lends_its_rule_to_bashoutput():
    # `cat .env` in the foreground: a BashOutput of the same turn shows another command.
    trace = make_trace([("b", "Bash", {"command": "cat .env"}, "A=1"),
                        ("o", "BashOutput", {"bash_id": "x1"}, "build ok")])
    apply.apply_policy([trace], POLICY)
    assert _tool(trace, "b").output == "[WITHHELD:path-policy .env*]"
    assert _tool(trace, "o").output == "build ok"
    trace = make_trace([("b", "Bash", {"command": "cat .env", "run_in_background": True},
                         "started"), ("o", "BashOutput", {"bash_id": "x1"}, "A=1")])
    apply.apply_policy([trace], POLICY)
    assert _tool(trace, "o").output == "[WITHHELD:path-policy .env*]"


def test_a_nameless_call_is_judged_as_the_tool_named_tool():
    policy = Policy(home=HOME, tools={"tool": "metadata"})
    trace = make_trace([("n", "Read", {"file_path": "/p/a.py"}, "print(1)")])
    gen1 = trace.observations[1]
    block = next(b for b in gen1.output["content"] if b.get("id") == "n")
    block.pop("name")
    trace.observations = [o for o in trace.observations if o.type != "tool"]
    apply.apply_policy([trace], policy)
    kept = next(b for b in gen1.output["content"] if b.get("id") == "n")
    assert kept["input"]["withheld"] == "metadata-only"


# ------------------------------------------------------------- summaries and levels


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def _summary(chars: int, text: str) -> dict:
    return {"withheld": "metadata-only", "chars": chars, "sha256": _sha(text)}


def test_summary_is_size_and_sha256():
    assert apply.summary("abc") == {
        "withheld": "metadata-only", "chars": 3,
        "sha256": "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"}
    # Structured values as sorted, unescaped JSON; what JSON cannot hold as its str().
    assert apply.summary({"b": 1, "a": "é"}) == _summary(18, '{"a": "é", "b": 1}')
    assert apply.summary({"d": datetime.date(2026, 1, 2)}) == _summary(
        19, '{"d": "2026-01-02"}')
    assert apply.summary(7) == _summary(1, "7")
    assert apply.summary("\ud800")["chars"] == 1  # a lone surrogate does not raise
    assert apply.summary("\ud800")["sha256"] == (
        "91a681b998555fb475479817b126c94e57e52011fa1842c5d188795a4a05226b")
    assert apply.summary_text("abc") == (
        "[WITHHELD:metadata-only chars=3 "
        "sha256=ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad]")


def test_summarize_meta_keeps_identifiers_and_plain_values():
    assert apply._summarize_meta({
        "cwd": "/p", "note": "n", "models": ["a", "b"], "tags": ["a"], "level": 3,
        "x": None, "y": True, "z": 1.5, "t": ("a",), "mixed": {"type": "t", "text": "n"},
    }) == {
        "cwd": "/p", "note": _summary(1, "n"), "models": ["a", "b"], "tags": [_summary(1, "a")],
        "level": 3, "x": None, "y": True, "z": 1.5, "t": _summary(5, '["a"]'),
        "mixed": {"type": "t", "text": _summary(1, "n")},
    }
    # A safe key's list keeps its strings only when every item is one.
    assert apply._summarize_meta({"models": ["a", 1]}) == {"models": [_summary(1, "a"), 1]}
    assert apply._summarize_meta({"models": [["a"]]}) == {"models": [[_summary(1, "a")]]}
    assert apply._summarize_meta("top") == _summary(3, "top")


def _nest(n: int, leaf: object) -> object:
    for _ in range(n):
        leaf = {"k": leaf}
    return leaf


def _down(value: object, n: int) -> object:
    for _ in range(n):
        value = value["k"]  # type: ignore[index]
    return value


def test_summarize_meta_bounds_its_depth():
    # 32 dicts deep: each kept, the string in the last summarized on its own.
    assert _down(apply._summarize_meta(_nest(32, "leaf")), 32) == _summary(4, "leaf")
    # A 33rd dict (at depth 32) is one summary, and so is a list there.
    assert _down(apply._summarize_meta(_nest(33, "leaf")), 32) == _summary(
        13, '{"k": "leaf"}')
    assert _down(apply._summarize_meta(_nest(32, ["cwd"])), 32) == _summary(7, '["cwd"]')
    assert _down(apply._summarize_meta(_nest(31, ["x"])), 31) == [_summary(1, "x")]


def test_summarize_block_keeps_structure_keys():
    assert apply._summarize_block({
        "type": "text", "text": "hi", "id": ["x"], "name": {"n": 1}, "input": None,
        "is_error": True, "tool_use_id": "t1", "role": "user", "cache_control": "c",
    }) == {
        "type": "text", "text": _summary(2, "hi"), "id": _summary(5, '["x"]'),
        "name": _summary(8, '{"n": 1}'), "input": None, "is_error": True,
        "tool_use_id": "t1", "role": "user", "cache_control": "c",
    }
    assert apply._summarize_block("bare") == _summary(4, "bare")
    assert apply._summarize_block(None) is None


def test_metadata_level_summarises_the_trace_and_counts_it():
    policy = Policy(home=HOME, level="metadata")
    trace = make_trace([])
    trace.metadata = {"cwd": "/p", "title": "t"}
    result = apply.apply_policy([trace], policy)
    assert result.stats == {"metadata_only_traces": 1}
    assert trace.input == _summary(11, "prompt text")
    assert trace.output == _summary(12, "final answer")
    assert trace.metadata == {"cwd": "/p", "title": _summary(1, "t")}
    root = trace.observations[0]
    assert (root.input, root.output) == (_summary(11, "prompt text"),
                                         _summary(12, "final answer"))
    trace = make_trace([])
    trace.input = trace.output = None
    apply.apply_policy([trace], policy)
    assert (trace.input, trace.output) == (None, None)
    # At the redacted level nothing of the trace changes, and nothing is counted.
    trace = make_trace([])
    result = apply.apply_policy([trace], POLICY)
    assert result.stats == {}
    assert (trace.input, trace.output, trace.metadata) == (
        "prompt text", "final answer", {"cwd": "/p"})
    assert trace.observations[0].input == "prompt text"


def test_a_subagent_of_a_metadata_agent_call_is_summarised():
    policy = Policy(home=HOME, tools={"Task": "metadata"})
    trace = make_trace([("a1", "Task", {"prompt": "look"}, "found it"),
                        ("r1", "Read", {"file_path": "/p/a.py"}, "print(1)")])
    task = _tool(trace, "a1")
    read = _tool(trace, "r1")
    sub = obs("s1", "agent", "subagent", parent=task.id, input="look", output="found it")
    span = obs("s2", "span", "step", parent=task.id, input="look", output="found it")
    other = obs("s3", "agent", "subagent", parent=read.id, input="look", output="found it")
    trace.observations += [sub, span, other]
    apply.apply_policy([trace], policy)
    assert (sub.input, sub.output) == (_summary(4, "look"), _summary(8, "found it"))
    assert (span.input, span.output) == ("look", "found it")
    assert (other.input, other.output) == ("look", "found it")
    assert trace.observations[0].input == "prompt text"


def test_apply_policy_drops_opted_out_projects_and_counts_them():
    policy = Policy(home=HOME, opt_out=("/p/private/**",))
    out = make_trace([], cwd="/p/private/x")
    kept = make_trace([], cwd="/p/open")
    result = apply.apply_policy([out, kept, out], policy)
    assert result.traces == [kept]
    assert result.stats == {"dropped_opt_out": 2}
    policy = Policy(home=HOME, opt_in=("/p/open",), level="metadata")
    result = apply.apply_policy([make_trace([], cwd="/q"), kept], policy)
    assert result.traces == [kept]
    assert list(result.stats.items()) == [("dropped_not_opted_in", 1),
                                          ("metadata_only_traces", 1)]
    trace = make_trace([])
    trace.metadata = {"cwd": ["/p/private/x"]}  # not a folder: judged as no folder
    assert apply.apply_policy([trace], Policy(home=HOME, opt_out=("/p/private/**",))
                              ).traces == [trace]


def test_counts_add_up_over_the_traces_of_a_run():
    def grep_trace():
        return make_trace([("g", "Bash", {"command": "grep -r K ."},
                            "./.env:K=1\n./a.py:K=2")])

    # 3 lines a trace: the tool's output, its result metadata, the next generation's input.
    assert apply.apply_policy([grep_trace()], POLICY).stats == {"withheld_lines": 3}
    assert apply.apply_policy([grep_trace(), grep_trace()], POLICY).stats == {
        "withheld_lines": 6}
    policy = Policy(home=HOME, level="metadata")
    assert apply.apply_policy([make_trace([]), make_trace([])], policy).stats == {
        "metadata_only_traces": 2}


def test_a_copy_made_in_one_turn_is_withheld_in_the_next():
    first = make_trace([("c", "Bash", {"command": "cp .env x.txt"}, "")])
    second = make_trace([("r", "Bash", {"command": "cat x.txt"}, "K=1")])
    result = apply.apply_policy([first, second], POLICY)
    assert result.stats == {"withheld_tool_calls": 2}
    assert _tool(second, "r").output == "[WITHHELD:path-policy .env* (copied by an earlier call)]"


def test_summarize_meta_bounds_the_depth_of_lists_too():
    def nest(n: int) -> object:
        value: object = "x"
        for _ in range(n):
            value = [value]
        return value

    def down(value: object, n: int) -> object:
        for _ in range(n):
            value = value[0]  # type: ignore[index]
        return value

    assert down(apply._summarize_meta(nest(32)), 32) == _summary(1, "x")
    assert down(apply._summarize_meta(nest(33)), 32) == _summary(5, '["x"]')
    # A list in a dict in a list: each level counts once.
    mixed = apply._summarize_meta({"a": [{"a": nest(29)}]})
    assert down(mixed["a"][0]["a"], 29) == _summary(1, "x")
    mixed = apply._summarize_meta({"a": [{"a": nest(30)}]})
    assert down(mixed["a"][0]["a"], 29) == _summary(5, '["x"]')


def test_a_background_commands_rule_goes_to_output_tools_only():
    # A denied background command withholds the turn's BashOutput, never its other calls.
    trace = make_trace([("b", "Bash", {"command": "cat .env", "run_in_background": True},
                         "started"), ("l", "Bash", {"command": "ls"}, "a.txt")])
    apply.apply_policy([trace], POLICY)
    assert _tool(trace, "l").output == "a.txt"


def test_a_named_call_seen_only_in_its_generation_is_judged_by_its_name():
    policy = Policy(home=HOME, tools={"Read": "metadata"})
    trace = make_trace([("n", "Read", {"file_path": "/p/a.py"}, "print(1)")])
    gen1 = trace.observations[1]
    trace.observations = [o for o in trace.observations if o.type != "tool"]
    apply.apply_policy([trace], policy)
    kept = next(b for b in gen1.output["content"] if b.get("id") == "n")
    assert kept["input"]["withheld"] == "metadata-only"


def test_a_background_id_read_from_the_structured_result():
    # Claude Code's text names no id here; its structured result does.
    trace = make_trace([("b", "Bash", {"command": "cat .env", "run_in_background": True},
                         "started")])
    _tool(trace, "b").metadata["result"] = {"backgroundTaskId": "zz1"}
    made = apply.apply_policy([trace], POLICY).copies
    assert made == {"copy-task:zz1": ".env* (the output of an earlier call)"}
