"""Where turns begin: which user records are prompts, and a session's records split by turn.

A turn opens at a real user prompt or at a notification Claude Code feeds back (a
background task's completion); the texts Claude Code writes itself (local command output,
interruptions) never open one. A forked session's copied turns (2.1.x marks the model
calls `--fork-session` copies with `requestSessionId`) are the parent's and are told apart
here. Pure functions over `Record`s.
"""

from __future__ import annotations

from cctrace.transcript.records import Record

TURN_NAME = "claude-code turn"
INTERRUPT_PREFIX = "[Request interrupted by user"
# A command the user ran in Claude Code's shell mode (`! cmd`): its prompt, then a record
# of what it printed, which belongs to the same turn.
SHELL_INPUT = "<bash-input>"
SHELL_OUTPUT_PREFIXES = ("<bash-stdout>", "<bash-stderr>")
# User-record texts that Claude Code writes itself; they never open a turn.
NON_PROMPT_PREFIXES = ("<local-command-stdout>", "<local-command-stderr>",
                       "<local-command-caveat>", INTERRUPT_PREFIX, *SHELL_OUTPUT_PREFIXES)
# Fed back to the model by Claude Code (background task completions): each is a turn.
NOTIFICATION_TAGS = ("<task-notification>",)


def prompt_text(record: Record) -> str:
    """The prompt's text, stripped."""
    return record.text.strip()


def is_prompt(record: Record) -> bool:
    """A record that opens a turn: a real user prompt or a fed-back notification."""
    if record.type != "user" or record.is_meta or record.is_sidechain:
        return False
    if record.get("isCompactSummary") or record.get("isVisibleInTranscriptOnly"):
        return False
    blocks = record.content
    if not blocks or any(b.get("type") == "tool_result" for b in blocks):
        return False
    text = prompt_text(record)
    if text.startswith(NON_PROMPT_PREFIXES):
        return False
    return bool(text) or any(b.get("type") in ("image", "document") for b in blocks)


def shell_output(records: list[Record]) -> str:
    """What a shell-mode command (`! cmd`, the turn's prompt) printed: the texts of the
    turn's `<bash-stdout>`/`<bash-stderr>` records, joined ("" for any other turn)."""
    if not prompt_text(records[0]).startswith(SHELL_INPUT):
        return ""
    return "".join(r.text.strip() for r in records[1:] if r.type == "user"
                   and not r.is_sidechain and r.text.strip().startswith(SHELL_OUTPUT_PREFIXES))


def split_turns(records: list[Record]) -> tuple[list[Record], list[list[Record]]]:
    """(records before the first prompt, one record list per turn starting at its prompt)."""
    pre: list[Record] = []
    turns: list[list[Record]] = []
    for rec in records:
        if is_prompt(rec):
            turns.append([rec])
        elif turns:
            turns[-1].append(rec)
        else:
            pre.append(rec)
    return pre, turns


def notification(text: str) -> dict[str, str]:
    """Tag values of a fed-back `<task-notification>` prompt (task-id, tool-use-id...)."""
    if not text.startswith(NOTIFICATION_TAGS):
        return {}
    out = {}
    for tag in ("task-id", "tool-use-id", "status"):
        start = text.find(f"<{tag}>")
        end = text.find(f"</{tag}>", start + 1)
        if start >= 0 and end > start:
            out[tag] = text[start + len(tag) + 2:end].strip()
    return out


def copied_from(record: Record) -> str | None:
    """The session a forked session's copied model call was made in (2.1.x writes
    `requestSessionId` on the assistant records `--fork-session` copies), else None."""
    origin = record.get("requestSessionId")
    if record.type != "assistant" or not isinstance(origin, str) or not origin:
        return None
    return origin if origin != record.session_id else None


def is_copied_turn(records: list[Record]) -> bool:
    """A turn of a fork's copied history: every model call in it was made by the parent.
    It is the parent's turn (same ids); the fork does not build or count it again."""
    calls = [r for r in records if r.type == "assistant"]
    return bool(calls) and all(copied_from(r) for r in calls)
