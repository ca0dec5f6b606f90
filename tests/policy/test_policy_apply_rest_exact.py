"""Exact values of the rest of `policy/apply.py` that withholds: an input past the bounds
of what it names, how an output is shaped for the line filter, and the walk over a
generation's messages. Run first by `bench/mutation.py -m policy.apply.rest`. (Which
strings of an input are judged: `test_policy_inputs.py`; the folder and link rules:
`test_policy_reach.py`.)"""

from __future__ import annotations

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
