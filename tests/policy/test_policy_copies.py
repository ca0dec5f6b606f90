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



# -- across runs: what a run saw made, kept by the store and handed back (`earlier`)

def _tool_out(trace) -> str:
    return str([o for o in trace.observations if o.type == "tool"][0].output)


def test_a_run_lists_what_it_saw_made():
    t1 = make_trace([("a", "Bash", {"command": "cp .env /tmp/d/n.txt && cp .env m"}, "")],
                    cwd="/p")
    rule = ".env* (copied by an earlier call)"
    assert apply_policy([t1], POLICY).copies == {"copy:/tmp/d/n.txt": rule, "copy:/p/m": rule}


def test_a_copy_made_in_an_earlier_run_is_denied_in_a_later_one():
    t1 = make_trace([("a", "Bash", {"command": "cp .env notes.txt"}, "")], cwd="/p")
    kept = apply_policy([t1], POLICY).copies
    later = [make_trace([("b", "Bash", {"command": cmd}, SECRET)], cwd="/p")
             for cmd in ("cat notes.txt", "cat /p/notes.txt", "grep -r x /p", "cat no*",
                         "cat other.txt")]
    result = apply_policy(later, POLICY, kept)
    outs = [_tool_out(t) for t in later]
    assert outs == ["[WITHHELD:path-policy .env* (copied by an earlier call)]"] * 4 + [SECRET]
    assert result.copies == {}  # reading a copy makes none; earlier ones are not made again


def test_a_read_tool_in_a_later_run_is_denied_too():
    kept = {"copy:/tmp/k": ".env* (copied by an earlier call)"}
    trace = make_trace([("b", "Read", {"file_path": "/tmp/k"}, SECRET)], cwd="/p")
    apply_policy([trace], POLICY, kept)
    assert not leaks(trace, SECRET)


def test_earlier_subjects_of_other_kinds_are_ignored():
    c = Copies("/home/u", {"copy:/p/n": "r", "copy-task:t1": "t", "other:/q": "o",
                           "copy:relative": "x"})
    assert c.rules == {"/p/n": "r"} and c.tasks == {"t1": "t"} and c.made == {}
    assert sorted(c.folders) == ["/", "/p"]


@pytest.mark.parametrize("command, expected", [
    ("cat /p/n", "r"), ("ls /q/", "f"), ("cat /p/n2", None), ("ls /p", "r"),
    ("cat /p/?", "r"), ("cat /p/[mn]", "r"), ("cat /p/[!n]", None), ("cat /P/N", "r"),
    ("cat /p/n*", "r"), ("cat /p/*/n", None), ("grep -r x /q*", "f"), ("cat /x/*", None),
])
def test_an_earlier_copy_by_name_glob_or_folder(command, expected):
    c = Copies("/home/u", {"copy:/p/n": "r", "copy:/q/deep/f": "f"})
    assert c.rule("Bash", {"command": command}, "/p") == expected


def test_a_glob_read_of_a_copy_made_in_the_same_run():
    trace = _run(("Bash", {"command": "cp .env notes.txt"}, ""),
                 ("Bash", {"command": "cat no*.t?t"}, SECRET))
    assert not leaks(trace, SECRET)


def test_an_empty_glob_word_is_no_match():
    c = Copies("/home/u", {"copy:/p/n": "r"})
    assert c._glob("") is None and c._glob("   ") is None


def test_a_read_of_nothing_recorded_is_not_a_match():
    c = Copies("/home/u", {"copy:/p/n": "r"})
    assert c.rule("Read", "not a mapping", "/p") is None
    assert c.rule("Read", {"file_path": "/q"}, "/p") is None
    assert Copies("/home/u").rule("Read", {"file_path": "/p/n"}, "/p") is None


# -- a background command's output: the file Claude Code writes it to, the id it goes by

# (A root no machine has: globs and searches below are expanded on this one.)
OUT = "/nx-cctrace/claude-0/-p/s1/tasks/bq7x.output"
STARTED = (f"Command running in background with ID: bq7x. Output is being written to: {OUT}."
           " You will be notified when it completes. To check interim output, use Read on"
           " that file path.")
BG = {"command": "sleep 1; cat .env", "run_in_background": True}


def test_a_denied_background_commands_output_file_and_id_are_copies():
    later = [("r", "Read", {"file_path": OUT}, SECRET),
             ("c", "Bash", {"command": f"tail -n 5 {OUT}"}, SECRET),
             ("o", "TaskOutput", {"task_id": "bq7x", "block": True}, SECRET),
             ("b", "BashOutput", {"bash_id": "bq7x"}, SECRET),
             ("s", "KillShell", {"shell_id": "bq7x"}, SECRET),
             ("g", "Bash", {"command": "grep -r KEY /nx-cctrace/claude-0"}, SECRET),
             ("w", "Bash", {"command": "cat /nx-cctrace/claude-*/*/*/tasks/*.output"}, SECRET),
             ("k", "Read", {"file_path": "/nx-cctrace/claude-0/-p/s1/tasks/other.output"},
              "kept"),
             ("x", "TaskOutput", {"task_id": "other"}, "kept too")]
    t1 = make_trace([("a", "Bash", BG, STARTED)], cwd="/p")
    made = apply_policy([t1], POLICY).copies
    rule = ".env* (the output of an earlier call)"
    assert made == {"copy:" + OUT: rule, "copy-task:bq7x": rule}
    t2 = make_trace(later, cwd="/p")
    apply_policy([t2], POLICY, made)  # a later turn, another batch
    outs = [str(o.output) for o in t2.observations if o.type == "tool"]
    assert outs == [f"[WITHHELD:path-policy {rule}]"] * 7 + ["kept", "kept too"]


def test_in_the_same_turn_the_output_file_is_denied_too():
    trace = _run(("Bash", BG, STARTED), ("Read", {"file_path": OUT}, SECRET))
    assert not leaks(trace, SECRET)


def test_the_id_from_the_structured_result_alone():
    c = Copies("/home/u")
    c.note_output([{"type": "text", "text": "started"}], {"backgroundTaskId": "z9"}, "r", True)
    assert c.tasks == {"z9": "r (the output of an earlier call)"} and c.rules == {}
    assert c.made == {"copy-task:z9": "r (the output of an earlier call)"}
    assert c.rule("TaskOutput", {"task_id": "z9"}, "/p") == "r (the output of an earlier call)"
    assert c.rule("TaskOutput", {"task_id": "z8"}, "/p") is None
    assert c.rule("BashOutput", {"bash_id": ""}, "/p") is None
    c.note_output("", {"backgroundTaskId": "z9"}, "second", True)
    assert c.tasks == {"z9": "r (the output of an earlier call)"}


def test_the_output_file_from_text_blocks_and_2_0s_words():
    c = Copies("/home/u")
    c.note_output([{"type": "text", "text": "Command running in background with ID: 4f2a"},
                       {"type": "text", "text": "output is being written to /t/tasks/x.output\n"},
                       {"type": "image"}, "not a block"], None, "r", True)
    assert c.tasks == {"4f2a": "r (the output of an earlier call)"}
    assert sorted(c.rules) == ["/t/tasks/x.output"]
    c.note_output(None, "not a mapping", "r", True)
    c.note_output("Output is being written to: relative/x.output", {}, "r", True)
    c.note_output({"text": "Output is being written to: /u/tasks/y.output"}, {}, "r", True)
    c.note_output("Output is being written to: /home/u/src/app.output.", {}, "r", True)
    c.note_output("Output is being written to: /u/tasks/.output.", {}, "r", True)
    assert sorted(c.rules) == ["/t/tasks/x.output"]


def test_background_ids_are_bounded(monkeypatch):
    import cctrace.policy.copies as copies_mod

    monkeypatch.setattr(copies_mod, "MAX_COPIES", 2)
    c = Copies("/home/u")
    c.note_output("", {"backgroundTaskId": "a"}, "r", True)
    c.note_output("", {"backgroundTaskId": "b"}, "r", True)
    c.note_output("", {"backgroundTaskId": "c"}, "r", True)
    assert sorted(c.tasks) == ["a", "b"]


def test_a_background_command_that_reached_nothing_denied_leaves_no_copy():
    trace = _run(("Bash", {"command": "sleep 1; cat notes.md", "run_in_background": True},
                  STARTED), ("Read", {"file_path": OUT}, SECRET))
    assert not [o for o in trace.observations if o.type == "tool"
                and str(o.output).startswith("[WITHHELD")]


def test_a_foreground_commands_output_names_no_file_or_id():
    # What a denied file holds is the attacker's: Claude Code's words in it name nothing.
    t1 = make_trace([("a", "Bash", {"command": "cat .env"}, STARTED)], cwd="/p")
    assert apply_policy([t1], POLICY).copies == {}
    c = Copies("/home/u")
    c.note_output(STARTED, {"backgroundTaskId": "z9"}, "r", False)
    assert c.rules == {} and c.tasks == {}


PERSISTED = ("<persisted-output>\nOutput too large (248.9KB). Full output saved to: "
             "/home/u/.claude/projects/-p/s1/tool-results/toolu_01.txt\n\nPreview (first 2KB):"
             "\nline 0\n...\n</persisted-output>")


def test_a_withheld_calls_large_output_saved_by_claude_code_is_a_copy():
    saved = "/home/u/.claude/projects/-p/s1/tool-results/toolu_01.txt"
    t1 = make_trace([("a", "Bash", {"command": "cat secrets/big.txt"}, PERSISTED),
                     ("b", "Read", {"file_path": saved}, SECRET)], cwd="/p")
    made = apply_policy([t1], POLICY).copies
    assert not leaks(t1, SECRET)
    assert made == {"copy:" + saved: "**/secrets/** (the output of an earlier call)"}
    t2 = make_trace([("c", "Bash", {"command": "head -c 300 ~/.claude/projects/-p/s1/"
                                    "tool-results/*.txt"}, SECRET)], cwd="/p")
    apply_policy([t2], POLICY, made)
    assert _tool_out(t2) == "[WITHHELD:path-policy **/secrets/** (the output of an earlier call)]"


def test_an_allowed_calls_saved_output_is_no_copy():
    t1 = make_trace([("a", "Bash", {"command": "cat big.log"}, PERSISTED)], cwd="/p")
    assert apply_policy([t1], POLICY).copies == {}


def test_the_saved_file_runs_to_the_end_of_its_line():
    c = Copies("/home/u")
    c.note_output("<persisted-output>\nOutput too large (1MB). Full output saved to: "
                  "/Users/Jo Smith/x/tool-results/t.txt  \nmore", None, "r", False)
    c.note_output("<persisted-output>\nfull output saved to /a/tool-results/b", None, "r", False)
    assert sorted(c.rules) == ["/a/tool-results/b", "/users/jo smith/x/tool-results/t.txt"]


@pytest.mark.parametrize("text", [
    "Full output saved to: /home/u/src/app.py",  # not Claude Code's frame
    "line 1\n<persisted-output>\nFull output saved to: /home/u/src/app.py",  # not first
    "<persisted-output>\nPreview:\nFull output saved to: /home/u/src/app.py",  # 3rd line
    "<persisted-output>\n" + "x" * 201 + "Full output saved to: /home/u/tool-results/a",
    "<persisted-output>\nFull output saved to: /home/u/src/app.py",  # not Claude Code's
    "<persisted-output>\nFull output saved to: /home/u/tool-results/",  # a folder
    "<persisted-output>\nFull output saved to: /home/u/tool-results/a/b",  # deeper
])
def test_the_words_in_a_denied_files_content_name_no_file(text):
    c = Copies("/home/u")
    c.note_output(text, None, "r", False)
    assert c.rules == {}


@pytest.mark.parametrize("second", ["cp a b", "mv a b", "cat a > b", "tee b < a",
                                    "cp /p/a /tmp/ && mv /tmp/a b"])
def test_a_copy_of_a_copy_is_a_copy(second):
    trace = _run(("Bash", {"command": "cp .env a"}, ""), ("Bash", {"command": second}, ""),
                 ("Bash", {"command": "cat b"}, SECRET))
    assert _tool_out_last(trace) == "[WITHHELD:path-policy .env* (copied by an earlier call)]"


def test_a_copy_of_a_copy_made_in_a_later_run_and_of_an_output_file():
    rule = "**/secrets/** (the output of an earlier call)"
    kept = {"copy:/home/u/.claude/projects/-p/s/tool-results/t1.txt": rule}
    t2 = make_trace([("a", "Bash", {"command": "cp ~/.claude/projects/-p/s/tool-results/t1.txt"
                                    " /tmp/x"}, "")], cwd="/p")
    made = apply_policy([t2], POLICY, kept).copies
    assert made == {"copy:/tmp/x": "**/secrets/** (copied by an earlier call)"}
    t3 = make_trace([("b", "Read", {"file_path": "/tmp/x"}, SECRET)], cwd="/p")
    apply_policy([t3], POLICY, {**kept, **made})
    assert _tool_out(t3) == "[WITHHELD:path-policy **/secrets/** (copied by an earlier call)]"


def _tool_out_last(trace) -> str:
    return str([o for o in trace.observations if o.type == "tool"][-1].output)
