"""Shell mode (`! cmd`): the user's command judged like the agent's Bash call
(`policy.usershell`, `policy.apply._TraceRun.user_shell`)."""

from __future__ import annotations

import pytest
from tests.policy.test_policy_apply import TID, make_trace, obs

from cctrace.model.types import Trace
from cctrace.policy import Policy, apply_policy
from cctrace.policy.usershell import join, split

POLICY = Policy(home="/home/u")
VALUE = "shell-mode-v4b6n8"


def shell_turn(command: str, stdout: str, stderr: str = "", cwd: str = "/p") -> Trace:
    prompt = (f"<bash-input>{command}</bash-input><bash-stdout>{stdout}</bash-stdout>"
              f"<bash-stderr>{stderr}</bash-stderr>")
    root = obs("r", "agent", "claude-code turn", parent=None, input=prompt)
    return Trace(id=TID, session_id="s", name="claude-code turn", start_ns=1, end_ns=2,
                 input=prompt, metadata={"cwd": cwd}, observations=[root])


def judged(trace: Trace, policy: Policy = POLICY) -> tuple[str, dict[str, int]]:
    result = apply_policy([trace], policy)
    assert trace.observations[0].input == trace.input
    return trace.input, result.stats


def test_split_and_join_exactly():
    text = ("<bash-input>cat a</bash-input><bash-stdout>x\ny</bash-stdout>"
            "<bash-stderr></bash-stderr>")
    assert split(text) == ("cat a", [("<bash-stdout>", "x\ny", "</bash-stdout>"),
                                     ("<bash-stderr>", "", "</bash-stderr>")])
    assert join(*split(text)) == text
    odd = "<bash-input>a\nb</bash-input> loose <bash-exit-code>1</bash-exit-code>tail"
    assert split(odd) == ("a\nb", [("", " loose ", ""),
                                   ("<bash-exit-code>", "1", "</bash-exit-code>"),
                                   ("", "tail", "")])
    assert join(*split(odd)) == odd
    assert split("<bash-input>ls</bash-input>") == ("ls", [])
    for other in ("ls", " <bash-input>ls</bash-input>", "<bash-input>ls", None, 3, ["x"]):
        assert split(other) is None


def test_a_denied_read_in_shell_mode_is_withheld():
    text, stats = judged(shell_turn("cat .env", f"KEY={VALUE}", "warn"))
    marker = "[WITHHELD:path-policy .env*]"
    assert text == (f"<bash-input>cat .env</bash-input><bash-stdout>{marker}</bash-stdout>"
                    f"<bash-stderr>{marker}</bash-stderr>")
    assert stats == {"withheld_user_commands": 1}


def test_an_empty_part_stays_empty():
    text, _ = judged(shell_turn("cat .env", f"KEY={VALUE}"))
    assert text.endswith("<bash-stderr></bash-stderr>")


def test_an_ordinary_command_keeps_what_it_printed():
    trace = shell_turn("ls", "a.txt\nb.txt")
    before = trace.input
    text, stats = judged(trace)
    assert text == before and stats == {}


def test_a_search_keeps_its_other_lines():
    printed = f"./.env:1:KEY={VALUE}\n./app.py:3:KEY = os.environ"
    text, _ = judged(shell_turn("grep -rn KEY .", printed))
    assert VALUE not in text
    assert "./app.py:3:KEY = os.environ" in text
    assert "./.env:[WITHHELD:path-policy .env*]" in text


def test_an_in_place_edit_withholds_the_command_too():
    text, _ = judged(shell_turn(f"sed -i 's/old/{VALUE}/' .env", ""))
    assert VALUE not in text
    assert text == "<bash-input>[WITHHELD:path-policy .env*]</bash-input>" \
                   "<bash-stdout></bash-stdout><bash-stderr></bash-stderr>"


def test_metadata_level_for_bash_summarizes_what_it_printed():
    policy = Policy(home="/home/u", tools={"Bash": "metadata"})
    text, _ = judged(shell_turn("ls", "a.txt"), policy)
    assert "a.txt" not in text
    assert text.startswith(
        "<bash-input>ls</bash-input><bash-stdout>[WITHHELD:metadata-only chars=5 sha256=")


def test_a_copy_made_in_shell_mode_is_denied_to_the_agent():
    t1 = shell_turn("cp .env notes.txt", "")
    t2 = make_trace([("b", "Bash", {"command": "cat notes.txt"}, VALUE)], cwd="/p")
    result = apply_policy([t1, t2], POLICY)
    assert result.copies == {"copy:/p/notes.txt": ".env* (copied by an earlier call)"}
    out = [str(o.output) for o in t2.observations if o.type == "tool"]
    assert out == ["[WITHHELD:path-policy .env* (copied by an earlier call)]"]


def test_reading_a_copy_in_shell_mode_is_withheld():
    earlier = {"copy:/p/notes.txt": ".env* (copied by an earlier call)"}
    trace = shell_turn("cat notes.txt", VALUE)
    apply_policy([trace], POLICY, earlier)
    assert VALUE not in trace.input


@pytest.mark.parametrize("prompt", ["cat .env", "<bash-input>ls", ["block"]])
def test_other_prompts_are_left_alone(prompt):
    root = obs("r", "agent", "claude-code turn", parent=None, input=prompt)
    trace = Trace(id=TID, session_id="s", name="claude-code turn", start_ns=1, end_ns=2,
                  input=prompt, metadata={"cwd": "/p"}, observations=[root])
    apply_policy([trace], POLICY)
    assert trace.input == prompt and root.input == prompt


def test_only_the_root_with_the_same_prompt_is_rewritten():
    trace = shell_turn("cat .env", VALUE)
    prompt = trace.input
    other = obs("s", "agent", "subagent", parent="r" * 16, input=prompt)
    trace.observations.append(other)
    apply_policy([trace], POLICY)
    assert VALUE not in trace.observations[0].input
    assert other.input == prompt  # not the turn's root: left to the rest of the policy


def test_each_withheld_user_command_is_counted():
    first, second = shell_turn("cat .env", VALUE), shell_turn("cat .env.local", VALUE)
    second.id = "b" * 32
    assert apply_policy([first, second], POLICY).stats == {"withheld_user_commands": 2}
