"""apply_policy's path decisions at their edges: Grep globs, shell globs in commands,
name-only tools, and which input fields a withheld call keeps.

Written against the mutants `bench/mutation.py -m policy.apply` left alive. Each test runs
a whole trace through `apply_policy` and asserts the denied content is absent everywhere
(tool input and output, the generation's tool_use and tool_result blocks), or that what
is not denied stays exactly as it was.
"""

from __future__ import annotations

from tests.policy.test_policy_apply import leaks, make_trace

from cctrace.policy import Policy, apply_policy
from cctrace.policy.reach import glob_rule

HOME = "/home/u"
POLICY = Policy(home=HOME)
SECRET = "MIIEowIBAAKCAQEAq7w3e9r1Abc"


def run(name: str, tool_input: dict, output: str, cwd: str = "/p"):
    trace = make_trace([("t1", name, tool_input, output)], cwd=cwd)
    apply_policy([trace], POLICY)
    tool = next(o for o in trace.observations if o.type == "tool")
    return trace, tool


def test_grep_whose_glob_selects_denied_files_is_withheld_whole():
    # The Grep output shows the key's lines without a name to attribute them by.
    trace, tool = run("Grep", {"pattern": "MII", "glob": "*.p?m", "output_mode": "content"},
                      SECRET)
    assert not leaks(trace, SECRET)
    assert tool.output == "[WITHHELD:path-policy *.pem]"
    assert tool.metadata["capture"] == "withheld:path-policy"


def test_grep_glob_alternatives_and_exclusions():
    trace, tool = run("Grep", {"pattern": "MII", "glob": "!*.md *.p?m",
                               "output_mode": "content"}, SECRET)
    assert not leaks(trace, SECRET)
    assert tool.output == "[WITHHELD:path-policy *.pem]"
    # A glob that excludes the denied files selects none of them.
    trace, tool = run("Grep", {"pattern": "x", "glob": "!*.pem", "output_mode": "content"},
                      "plain text")
    assert tool.output == "plain text"
    assert "capture" not in tool.metadata


def test_grep_with_a_blank_glob_is_judged_by_its_output():
    trace, tool = run("Grep", {"pattern": "x", "glob": "  ", "output_mode": "content"},
                      "plain text")
    assert tool.output == "plain text"


def test_a_shell_glob_with_every_glob_character_that_expands_to_a_denied_file():
    trace, tool = run("Bash", {"command": "cat *.[p]e?"}, SECRET)
    assert not leaks(trace, SECRET)
    assert tool.output == "[WITHHELD:path-policy *.pem]"


def test_shell_globs_that_cannot_name_a_denied_file():
    assert glob_rule("src/**", POLICY) is None
    assert glob_rule("src/*", POLICY) is None
    assert glob_rule("*.pemX", POLICY) is None
    assert glob_rule("keys/*.p?m/", POLICY) == "*.pem"
    trace, tool = run("Bash", {"command": "cat *.pemX"}, "plain text")
    assert tool.output == "plain text"


def test_name_only_tools_are_not_withheld():
    trace, tool = run("LS", {"path": "/home/u/.ssh"}, "id_rsa\nknown_hosts")
    assert tool.output == "id_rsa\nknown_hosts"
    assert tool.input == {"path": "/home/u/.ssh"}
    trace, tool = run("Glob", {"pattern": "**/.env*"}, "/p/.env")
    assert tool.output == "/p/.env"


def test_a_denied_notebook_edit_keeps_its_structure_fields():
    trace, tool = run("NotebookEdit", {"notebook_path": "/p/.env.ipynb", "new_source": SECRET,
                                       "cell_id": "c1", "edit_mode": "replace"}, "ok")
    assert not leaks(trace, SECRET)
    assert tool.input == {"notebook_path": "/p/.env.ipynb",
                          "new_source": "[WITHHELD:path-policy .env*]",
                          "cell_id": "c1", "edit_mode": "replace"}


def test_an_mcp_write_to_a_denied_file_withholds_its_content_fields():
    trace, tool = run("mcp__fs__write_file", {"path": "/p/.env", "content": SECRET,
                                              "note": "", "overwrite": True}, "written")
    assert not leaks(trace, SECRET)
    assert tool.input == {"path": "/p/.env", "content": "[WITHHELD:path-policy .env*]",
                          "note": "", "overwrite": True}


def test_a_tool_observation_without_a_tool_use_id_is_still_filtered():
    trace = make_trace([("t1", "Bash", {"command": "grep -rn HOST ."},
                        f"./.env:1:HOST={SECRET}\n./notes.txt:2:HOST ok")])
    tool = next(o for o in trace.observations if o.type == "tool")
    del tool.metadata["tool_use_id"]
    apply_policy([trace], POLICY)
    assert SECRET not in tool.output
    assert tool.output == "./.env:[WITHHELD:path-policy .env*]\n./notes.txt:2:HOST ok"


def test_a_withheld_call_keeps_its_status_as_the_marker():
    trace = make_trace([("t1", "Read", {"file_path": "/p/.env"}, SECRET)])
    tool = next(o for o in trace.observations if o.type == "tool")
    tool.status_message = f"failed near {SECRET}"
    apply_policy([trace], POLICY)
    assert not leaks(trace, SECRET)
    assert tool.status_message == "[WITHHELD:path-policy .env*]"


def test_a_bash_search_result_is_filtered_like_its_output():
    output = f"./.env:1:HOST={SECRET}\n./notes.txt:2:HOST ok"
    trace, tool = run("Bash", {"command": "grep -rn HOST ."}, output)
    assert not leaks(trace, SECRET)
    expected = "./.env:[WITHHELD:path-policy .env*]\n./notes.txt:2:HOST ok"
    assert tool.output == expected
    assert tool.metadata["result"] == {"stdout": expected, "filePath": "", "type": "text"}


def test_a_status_message_is_filtered_like_the_output():
    trace = make_trace([("t1", "Bash", {"command": "grep -rn HOST ."}, "./notes.txt:2:HOST ok"),
                        ("t2", "Bash", {"command": "make"}, "built")])
    t1, t2 = (o for o in trace.observations if o.type == "tool")
    t1.status_message = f"./.env:1:HOST={SECRET}\n./notes.txt:2:HOST ok"
    t2.status_message = "exit status 2"
    apply_policy([trace], POLICY)
    assert not leaks(trace, SECRET)
    assert t1.status_message == "./.env:[WITHHELD:path-policy .env*]\n./notes.txt:2:HOST ok"
    assert t2.status_message == "exit status 2"


def test_what_the_bounded_looks_cannot_clear_is_withheld():
    # Red-team pass: a tool input or a script past the policy's bounds failed open.
    from cctrace.policy.apply import UNJUDGED_INPUT, UNJUDGED_SCRIPT, decide

    policy = Policy(home="/home/u")
    padded = {"path": "/p/.env", "pad": ["x"] * 5000}
    d = decide("mcp__fs__read_text_file", padded, "/p", policy)
    assert (d.rule, d.input_too) == ("(tool input past the policy's bounds)", False)
    assert d.rule == UNJUDGED_INPUT
    script = "python3 -c \"x=[" + ",".join(["'a'"] * 2100) + "];print(1)\""
    d = decide("Bash", {"command": script}, "/p", policy)
    assert (d.rule, d.input_too) == ("(script past the policy's bounds)", False)
    assert d.rule == UNJUDGED_SCRIPT
    assert d.marker == "[WITHHELD:path-policy (script past the policy's bounds)]"
    # A denied read in the same command names its own rule first.
    d = decide("Bash", {"command": "cat .env; " + script}, "/p", policy)
    assert d.rule == ".env*"
