"""model.turns: which records open a turn, the split by turn, notification tags, forks."""

from __future__ import annotations

from cctrace.model.turns import (
    copied_from,
    is_copied_turn,
    is_prompt,
    notification,
    shell_output,
    split_turns,
)
from cctrace.transcript.records import Record
from transcript.synth import assistant, text, tool_result, user


def rec(raw: dict | list[dict], offset: int = 0) -> Record:
    """One record (the synth helpers return a list of streamed records for a message)."""
    return Record(raw[0] if isinstance(raw, list) else raw, offset)


def call(msg_id: str, t: float, **extra: str) -> dict:
    return {**assistant(msg_id, [text("a")], t)[0], **extra}


def test_only_real_prompts_and_notifications_open_a_turn() -> None:
    assert is_prompt(rec(user("fix the bug", 0)))
    assert is_prompt(rec(user("<task-notification><task-id>a1</task-id>", 0)))
    assert not is_prompt(rec(user("<local-command-stdout>ok</local-command-stdout>", 0)))
    assert not is_prompt(rec(user("[Request interrupted by user]", 0)))
    assert not is_prompt(rec(user("summary", 0, isCompactSummary=True)))
    assert not is_prompt(rec(user("meta", 0, isMeta=True)))
    assert not is_prompt(rec(user("side", 0, isSidechain=True)))
    assert not is_prompt(rec(user("   ", 0)))
    assert not is_prompt(rec(tool_result("t1", "out", 0)))
    assert not is_prompt(rec(assistant("m1", [text("hi")], 0)))


def test_split_turns_keeps_what_came_before_the_first_prompt_apart() -> None:
    records = [rec(r, i) for i, r in enumerate([
        user("<local-command-stdout>x</local-command-stdout>", 0),
        user("one", 1), assistant("m1", [text("a")], 2),
        user("two", 3), tool_result("t", "r", 4)])]
    pre, turns = split_turns(records)
    assert [r.offset for r in pre] == [0]
    assert [[r.offset for r in t] for t in turns] == [[1, 2], [3, 4]]


def test_notification_reads_its_tags_and_nothing_else() -> None:
    note = ("<task-notification>\n<task-id>a9</task-id>\n<tool-use-id>toolu_1</tool-use-id>"
            "\n<status>completed</status>\n</task-notification>")
    assert notification(note) == {"task-id": "a9", "tool-use-id": "toolu_1",
                                  "status": "completed"}
    assert notification("plain prompt <task-id>a9</task-id>") == {}


def test_a_turn_is_copied_only_when_every_call_names_another_session() -> None:
    copied = call("m1", 1, requestSessionId="parent")
    own = call("m2", 2)
    same = call("m3", 3, requestSessionId="sess-1")
    assert copied_from(rec(copied)) == "parent"
    assert copied_from(rec(same)) is None  # its own session
    assert copied_from(rec(user("x", 0, requestSessionId="parent"))) is None
    assert is_copied_turn([rec(user("q", 0)), rec(copied)])
    assert not is_copied_turn([rec(user("q", 0)), rec(copied), rec(own)])
    assert not is_copied_turn([rec(user("q", 0))])  # no call at all


# -- shell mode (`! cmd`): the command opens a turn, what it printed joins it

def test_a_shell_commands_output_joins_its_turn() -> None:
    assert is_prompt(rec(user("<bash-input>ls</bash-input>", 0)))
    assert not is_prompt(rec(user("<bash-stdout>a</bash-stdout><bash-stderr></bash-stderr>", 0)))
    assert not is_prompt(rec(user("<bash-stderr>not here</bash-stderr>", 0)))
    records = [rec(user("<bash-input>ls</bash-input>", 0), 0),
               rec(user("<bash-stdout>a\nb</bash-stdout><bash-stderr>e</bash-stderr>", 1), 1),
               rec(user("next", 2), 2)]
    _, turns = split_turns(records)
    assert [len(t) for t in turns] == [2, 1]
    assert shell_output(turns[0]) == "<bash-stdout>a\nb</bash-stdout><bash-stderr>e</bash-stderr>"
    assert shell_output(turns[1]) == ""


def test_shell_output_takes_only_the_turns_own_printed_records() -> None:
    prompt = rec(user("<bash-input>ls</bash-input>", 0), 0)
    others = [rec(user("<bash-stdout>x</bash-stdout>", 1, isSidechain=True), 1),
              rec(user("plain text", 1), 2),
              rec(call("m1", 1), 3),
              rec(user("  <bash-stderr>y</bash-stderr>\n", 2), 4)]
    assert shell_output([prompt, *others]) == "<bash-stderr>y</bash-stderr>"
    # Not a shell-mode turn: nothing, whatever follows.
    assert shell_output([rec(user("run ls", 0)), others[3]]) == ""
