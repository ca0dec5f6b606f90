"""Exact values of how `policy/apply.py` judges what an MCP tool or WebFetch names: a
`file:` URL as a client reads it, and command lines given to an MCP shell server, judged
as Bash's. Found by the second red team: `FILE:///`, `file://localhost/`, `%2E` and a
`command` string of a shell server all let a denied file's content through. (How those
strings are found in an input: `test_policy_inputs.py`.)"""

from __future__ import annotations

import pytest

from cctrace.policy import apply
from cctrace.policy.settings import Policy

POLICY = Policy(home="/home/u")


@pytest.mark.parametrize("tool,tool_input,rule", [
    ("WebFetch", {"url": "FILE:///home/u/.aws/config", "prompt": "x"}, "~/.aws/**"),
    ("mcp__fetch__fetch", {"url": "file://localhost/home/u/.aws/config"}, "~/.aws/**"),
    ("mcp__fetch__fetch", {"url": "file:///home/u/%2Eaws/config"}, "~/.aws/**"),
    ("mcp__fetch__fetch", {"url": "file:///p/ok.txt"}, None),
    ("mcp__dc__execute_command", {"command": "cat ~/.aws/config"}, "~/.aws/**"),
    ("mcp__shell__run", {"cmd": "cat secrets/a.txt"}, "**/secrets/**"),
    ("mcp__shell__run", {"args": {"script": "cd /home/u\nhead .ssh/config"}}, "~/.ssh/**"),
    ("mcp__shell__run", {"cmd": "cat ok.txt"}, None),
    ("mcp__x__y", {"q": "hello world"}, None),
    ("Read", {"file_path": "/p/a b.txt", "note": "cat .env"}, None),  # built-in: by name
])
def test_decide(tool, tool_input, rule):
    assert apply.decide(tool, tool_input, "/p", POLICY).rule == rule


def test_an_mcp_command_that_writes_a_denied_file_loses_its_input():
    d = apply.decide("mcp__shell__run", {"cmd": "echo tok > .npmrc", "cwd": "/p"}, "/p",
                     POLICY)
    assert (d.rule, d.input_too) == (".npmrc", True)
    assert apply._withhold_input({"cmd": "echo tok > .npmrc", "cwd": "/p"}, d) == {
        "cmd": "[WITHHELD:path-policy .npmrc]", "cwd": "[WITHHELD:path-policy .npmrc]"}


def test_command_rule():
    assert apply._command_rule("cat .env", "/p", POLICY) == (".env*", False)
    assert apply._command_rule("cp x .env", "/p", POLICY) == (".env*", True)
    assert apply._command_rule("grep -rh tok secrets", "/p", POLICY) == ("**/secrets/**",
                                                                         False)
    assert apply._command_rule("cat ok.txt", "/p", POLICY) == (None, False)
    assert apply._command_rule("python3 -c '" + "x" * 200_001 + "'", "/p", POLICY) == (
        apply.UNJUDGED_SCRIPT, False)


def test_command_rule_of_a_folder_printed_without_names(tmp_path):
    # `grep -rh` prints lines of every file under the folder without their names: a denied
    # file inside withholds the output, and the command line stays.
    (tmp_path / "d").mkdir()
    (tmp_path / "d" / ".npmrc").write_text("x")
    (tmp_path / "e").mkdir()
    (tmp_path / "e" / "ok.txt").write_text("x")
    assert apply._command_rule("grep -rh tok d", str(tmp_path), POLICY) == (".npmrc", False)
    assert apply._command_rule("grep -rh tok e", str(tmp_path), POLICY) == (None, False)

