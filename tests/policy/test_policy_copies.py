"""A copy of a denied file made by an earlier call is denied too (`policy.copies`)."""

from __future__ import annotations

import pytest
from tests.policy.test_policy_apply import leaks, make_trace

from cctrace.policy import Policy, apply_policy
from cctrace.policy.copies import MAX_COPIES, Copies

POLICY = Policy(home="/home/u")
SECRET = "value-q7w3e9r1z9x8"


def _run(*calls: tuple[str, dict, str]):
    built = [(f"t{i}", name, inp, out) for i, (name, inp, out) in enumerate(calls)]
    trace = make_trace(built, cwd="/p")
    apply_policy([trace], POLICY)
    return trace


@pytest.mark.parametrize("first, second", [
    ("cp .env notes.txt", "cat notes.txt"),
    ("cat .env > /tmp/k", "cat /tmp/k"),
    ("cat ~/.ssh/id_rsa >> k.txt", "head k.txt"),
    ("tee /tmp/x < .env", "head /tmp/x"),
    ("mv .env n", "cat /p/n"),
    ("ln .env hard", "cat hard"),
    ("cp .env /tmp/d/", "grep -rh x /tmp/d"),  # (a folder not there: withheld as well)
    ("cd sub && cp ../.env x", "cat sub/x"),
])
def test_reading_a_copy_is_withheld(first, second):
    trace = _run(("Bash", {"command": first}, ""), ("Bash", {"command": second}, SECRET))
    assert not leaks(trace, SECRET)
    tool = [o for o in trace.observations if o.type == "tool"][1]
    assert str(tool.output).startswith("[WITHHELD:path-policy ")


def test_the_rule_names_the_copy():
    trace = _run(("Bash", {"command": "cp .env n.txt"}, ""),
                 ("Bash", {"command": "cat n.txt"}, SECRET))
    tool = [o for o in trace.observations if o.type == "tool"][1]
    assert str(tool.output) == "[WITHHELD:path-policy .env* (copied by an earlier call)]"


def test_a_read_tool_of_a_copy_is_withheld():
    trace = _run(("Bash", {"command": "cp .env /tmp/x"}, ""),
                 ("Read", {"file_path": "/tmp/x"}, SECRET))
    assert not leaks(trace, SECRET)


def test_other_files_and_earlier_reads_keep_their_output():
    trace = _run(("Bash", {"command": "cat notes.txt"}, SECRET),  # before the copy
                 ("Bash", {"command": "cp .env notes.txt"}, ""),
                 ("Bash", {"command": "cat other.txt"}, "kept-" + SECRET))
    outs = [str(o.output) for o in trace.observations if o.type == "tool"]
    assert outs[0] == SECRET and outs[2] == "kept-" + SECRET


def test_a_copy_in_one_turn_is_denied_in_the_next_turn_of_the_run():
    t1 = make_trace([("a", "Bash", {"command": "cp .env n.txt"}, "")], cwd="/p")
    t2 = make_trace([("b", "Bash", {"command": "cat n.txt"}, SECRET)], cwd="/p")
    apply_policy([t1, t2], POLICY)
    assert not leaks(t2, SECRET)


def test_without_deny_patterns_nothing_is_remembered():
    off = Policy(home="/home/u", use_default_deny=False)
    trace = make_trace([("a", "Bash", {"command": "cp .env n.txt"}, ""),
                        ("b", "Bash", {"command": "cat n.txt"}, SECRET)], cwd="/p")
    apply_policy([trace], off)
    assert [str(o.output) for o in trace.observations if o.type == "tool"][1] == SECRET


def test_copies_directly():
    c = Copies("/home/u")
    assert c.rule("Bash", {"command": "cat x"}, "/p") is None  # nothing noted
    c.note("Read", {"file_path": "/p/x"}, "/p", ".env*")  # not a command: writes nothing
    c.note("Bash", {"command": 3}, "/p", ".env*")
    assert c.rules == {}
    c.note("Bash", {"command": "cp .env ~/k"}, "/p", ".env*")
    assert c.rules == {"/home/u/k": ".env* (copied by an earlier call)"}
    c.note("Bash", {"command": "cp id_rsa ~/k"}, "/p", "id_rsa")  # the first rule stays
    assert c.rules["/home/u/k"] == ".env* (copied by an earlier call)"
    assert c.rule("Bash", {"command": "cat $HOME/k"}, "/x") == ".env* (copied by an earlier call)"
    assert c.rule("Bash", {"command": "ls ~"}, "/x") == ".env* (copied by an earlier call)"
    assert c.rule("Bash", {"command": "cat ~/kk"}, "/x") is None
    assert c.folders == {"/home/u": ".env* (copied by an earlier call)",
                         "/home": ".env* (copied by an earlier call)",
                         "/": ".env* (copied by an earlier call)"}
    assert c.rule("Bash", {"command": "grep -r x /"}, "/x") == ".env* (copied by an earlier call)"
    assert c.rule("Bash", {"command": "grep -r x /home/"}, "/x") is not None
    assert c.rule("Bash", {"command": "grep -r x /home/v"}, "/x") is None
    assert c.rule("Bash", {"command": None}, "/x") is None
    assert c.rule("Bash", "cat ~/k", "/x") is None
    assert c.rule("mcp__fs__read", {"path": "~/k"}, "/x") == ".env* (copied by an earlier call)"
    assert c.rule("mcp__x__y", {"arg": "~/k"}, "/x") == ".env* (copied by an earlier call)"
    assert c.rule("Read", {"arg": "~/k"}, "/x") is None  # a built-in tool's paths by name
    for i in range(5000):
        c.note("Bash", {"command": f"cp .env /t/{i}"}, "/p", ".env*")
    assert MAX_COPIES == 4096 and len(c.rules) == 4096


def test_an_mcp_shell_tools_copy_counts_and_is_found():
    c = Copies("/home/u")
    c.note("Read", {"command": "cp .env /tmp/x"}, "/p", ".env*")  # a built-in: no command
    assert c.rules == {}
    c.note("mcp__shell__run", {"command": "cp .env /tmp/x"}, "/p", ".env*")
    assert c.rules == {"/tmp/x": ".env* (copied by an earlier call)"}
    assert c.rule("mcp__shell__run", {"cmd": "cat /tmp/x"}, "/p") == (
        ".env* (copied by an earlier call)")
    assert c.rule("Bash", {"command": "cat /tmp/y"}, "/p") is None


def test_copies_edge_cases():
    c = Copies("/home/u")
    c.note("Bash", {"command": "cp .env /tmp/X"}, "/p", ".env*")
    assert "/tmp" in c.folders  # a name ending in a letter: its folder is still /tmp
    c.note("Bash", {"command": "cp .env /aX/k"}, "/p", ".env*")
    assert c.rule("Bash", {"command": "ls /aX"}, "/p") is not None
    assert c.rule("Bash", {"command": "ls /a"}, "/p") is None
    assert c.rule("mcp__x__y", ["/tmp/X"], "/p") is None  # an input that is no mapping
    # An MCP tool's path arguments and its command lines both count.
    both = {"path": "/tmp/X", "command": "echo hi there"}
    assert c.rule("mcp__x__y", both, "/p") == ".env* (copied by an earlier call)"



# -- across runs: what a run saw made, kept by the store as keyed hashes (`earlier`)

def _tool_out(trace) -> str:
    return str([o for o in trace.observations if o.type == "tool"][0].output)


def _hasher(subject: str) -> str:
    return "h:" + subject[::-1]  # any injective function stands in for the store's HMAC


def test_a_run_lists_what_it_saw_made_files_and_folders():
    t1 = make_trace([("a", "Bash", {"command": "cp .env /tmp/d/n.txt"}, "")], cwd="/p")
    made = apply_policy([t1], POLICY).copies
    rule = ".env* (copied by an earlier call)"
    assert made == {"copy:/tmp/d/n.txt": rule, "copy-folder:/tmp/d": rule,
                    "copy-folder:/tmp": rule, "copy-folder:/": rule}


def test_a_copy_made_in_an_earlier_run_is_denied_in_a_later_one():
    t1 = make_trace([("a", "Bash", {"command": "cp .env notes.txt"}, "")], cwd="/p")
    kept = {_hasher(s): r for s, r in apply_policy([t1], POLICY).copies.items()}
    later = [make_trace([("b", "Bash", {"command": cmd}, SECRET)], cwd="/p")
             for cmd in ("cat notes.txt", "cat /p/notes.txt", "grep -r x /p", "cat other.txt")]
    result = apply_policy(later, POLICY, kept, _hasher)
    outs = [_tool_out(t) for t in later]
    assert outs == ["[WITHHELD:path-policy .env* (copied by an earlier call)]"] * 3 + [SECRET]
    assert result.copies == {}  # reading a copy makes none


def test_a_read_tool_in_a_later_run_is_denied_too():
    kept = {_hasher("copy:/tmp/k"): ".env* (copied by an earlier call)"}
    trace = make_trace([("b", "Read", {"file_path": "/tmp/k"}, SECRET)], cwd="/p")
    apply_policy([trace], POLICY, kept, _hasher)
    assert not leaks(trace, SECRET)


def test_earlier_copies_without_a_hasher_are_not_consulted():
    kept = {_hasher("copy:/p/n"): ".env* (copied by an earlier call)"}
    trace = make_trace([("b", "Bash", {"command": "cat n"}, SECRET)], cwd="/p")
    apply_policy([trace], POLICY, kept, None)
    assert _tool_out(trace) == SECRET
    assert Copies("/home/u", kept, None).earlier == {}
    assert Copies("/home/u", None, _hasher).earlier == {}


def test_an_earlier_copy_of_another_file_or_folder_is_not_a_match():
    kept = {_hasher("copy:/p/n"): "r", _hasher("copy-folder:/q"): "f"}
    c = Copies("/home/u", kept, _hasher)
    assert c.rule("Bash", {"command": "cat /p/n"}, "/p") == "r"
    assert c.rule("Bash", {"command": "ls /q/"}, "/p") == "f"
    assert c.rule("Bash", {"command": "cat /p/n2"}, "/p") is None
    assert c.rule("Bash", {"command": "ls /p"}, "/p") is None  # /p is a file's folder, not kept
    assert c.rule("Read", {"file_path": "/q"}, "/p") == "f"
    assert c.rule("Read", "not a mapping", "/p") is None
