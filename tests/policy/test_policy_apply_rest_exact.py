"""Exact values of the rest of `policy/apply.py` that withholds: which strings of a tool
input are judged as paths, how an output is shaped for the line filter, the folder and
link rules, and the walk over a generation's messages. Run first by
`bench/mutation.py -m policy.apply.rest`."""

from __future__ import annotations

import os

import pytest
from tests.policy.test_policy_apply import make_trace, obs, tool_result, tool_use

from cctrace.policy import Policy, apply, reach
from cctrace.policy.apply import ToolDecision, _output_shape
from cctrace.policy.inputs import _input_paths

HOME = "/home/u"
POLICY = Policy(home=HOME)


def test_input_paths_by_key_at_any_depth():
    tool_input = {"file_path": "/a/.env", "opts": {"File-Path": "b.pem", "n": 3},
                  "list": [{"dest": "c"}, "loose"], "text": "not a path key",
                  "url": "file:///etc/shadow", "paths": ["p1", {"x": "p2"}],
                  "long": {"path": "x" * 4097}, "nl": {"path": "a\nb"},
                  "edge": {"path": "y" * 4096}}
    assert sorted(_input_paths(tool_input, False)) == sorted(
        ["/a/.env", "b.pem", "c", "/etc/shadow", "p1", "p2", "y" * 4096])
    assert sorted(_input_paths({"q": "x", "n": ["y"], "m": "a\nb"}, True)) == ["x", "y"]
    # 4,096 in all; the authority read as a folder and as a host.
    assert _input_paths({"u": "file://" + "z" * 4089}, False) == ["z" * 4089, "//" + "z" * 4089]
    assert _input_paths({"u": "FILE:x"}, False) == ["x"]
    assert _input_paths({"u": "file:/%2Eenv"}, False) == ["/%2Eenv", "/.env"]
    assert _input_paths({"u": "file://" + "z" * 4090}, False) == []


def test_input_paths_depth_and_item_bounds():
    deep: dict = {"path": "bottom"}
    for _ in range(63):
        deep = {"a": deep}
    assert _input_paths(deep, False) == ["bottom"]  # 64 levels down: still read
    # 65: past the bound, so it cannot be cleared (None: the call is withheld).
    assert _input_paths({"a": deep}, False) is None
    assert _input_paths({"a": {"a": deep}}, False) is None
    assert _input_paths({"a": {"a": {"a": {}}}, "b": "x"}, False) == []  # empty: nothing
    # Lists count as levels too: a string 64 containers down is read, 65 is not.
    nested: object = "sixty-four"
    for _ in range(63):
        nested = [nested]
    assert _input_paths({"path": nested}, False) == ["sixty-four"]
    assert _input_paths({"path": [nested]}, False) is None
    # 2,000 items looked at (the list too): one more and the input cannot be cleared.
    assert len(_input_paths({"path": [f"f{i}" for i in range(1998)]}, False)) == 1998
    assert _input_paths({"path": [f"f{i}" for i in range(1999)]}, False) is None
    # The denied path first and a long list after it (LIFO: the path was never reached).
    assert _input_paths({"path": "/p/.env", "pad": ["x"] * 5000}, False) is None


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


def test_scope_rule(tmp_path):
    policy = Policy(home=str(tmp_path / "home"))
    clean = tmp_path / "clean"
    (clean / "sub").mkdir(parents=True)
    (clean / "sub" / "a.txt").write_text("x")
    assert reach.scope_rule(str(clean), None, policy) is None
    (clean / "sub" / ".env").write_text("x")
    assert reach.scope_rule(str(clean), None, policy) == ".env*"
    assert reach.scope_rule("clean", str(tmp_path), policy) == ".env*"
    assert reach.scope_rule(str(tmp_path / "gone"), None, policy) == (
        f"{tmp_path / 'gone'} (unattributable output)")
    assert reach.scope_rule("rel", None, policy) == "rel (unattributable output)"
    # A folder denied itself: its rule, even when nothing in it is denied by name.
    (tmp_path / "secrets").mkdir()
    assert reach.scope_rule(str(tmp_path / "secrets"), None, policy) == "**/secrets/**"


def test_scope_rule_gives_up_on_a_big_folder(tmp_path, monkeypatch):
    policy = Policy(home=str(tmp_path / "home"))
    big = tmp_path / "big"
    big.mkdir()
    for i in range(4):
        (big / f"f{i}.txt").write_text("x")
    monkeypatch.setattr(reach, "SCOPE_FILES", 4)
    assert reach.scope_rule(str(big), None, policy) is None  # 4 seen: not over the bound
    (big / "f4.txt").write_text("x")
    assert reach.scope_rule(str(big), None, policy) == f"{big} (unattributable output)"


def test_link_rule(tmp_path):
    policy = Policy(home=str(tmp_path / "home"))
    (tmp_path / ".env").write_text("K=v")
    (tmp_path / "plain.txt").write_text("x")
    os.symlink(tmp_path / ".env", tmp_path / "notes.txt")
    os.symlink(tmp_path / "plain.txt", tmp_path / "alias.txt")
    reach._REAL.clear()
    assert reach.link_rule(str(tmp_path / "notes.txt"), None, policy) == ".env*"
    assert reach.link_rule("notes.txt", str(tmp_path), policy) == ".env*"
    assert reach.link_rule(str(tmp_path / "alias.txt"), None, policy) is None
    assert reach.link_rule(str(tmp_path / "plain.txt"), None, policy) is None
    # The length bound is 4,096 characters as written (`/./` runs normalise away).
    def padded(n: int) -> str:
        link = str(tmp_path / "notes.txt")
        pad = n - len(link)
        text = "/." * (pad // 2) + (link if pad % 2 == 0 else link.replace("/notes", "//notes"))
        assert len(text) == n
        return text

    assert reach.link_rule(padded(4096), None, policy) == ".env*"
    assert reach.link_rule(padded(4097), None, policy) is None
    for bad in ("", "  ", "a\0b", "x" * 4097, 3, "relative-no-cwd"):
        assert reach.link_rule(bad, None, policy) is None, bad
    # Resolved once per run: a link changed later in the same run is not looked at again.
    assert reach._REAL[str(tmp_path / "notes.txt")] == str(tmp_path / ".env")


def test_the_resolution_cache_is_bounded(tmp_path, monkeypatch):
    policy = Policy(home=str(tmp_path / "home"))
    reach._REAL.clear()
    reach._REAL.update({f"/k{i}": f"/k{i}" for i in range(8193)})
    reach.link_rule(str(tmp_path / "x"), None, policy)
    assert len(reach._REAL) == 1
    reach._REAL.clear()
    reach._REAL.update({f"/k{i}": f"/k{i}" for i in range(8192)})
    reach.link_rule(str(tmp_path / "x"), None, policy)
    assert len(reach._REAL) == 8193


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
