"""Commands the user ran in Claude Code's shell mode (`! cmd`), taken apart for the policy.

`! cat .env` runs the command outside any tool call and shows the model what it printed;
the turn's prompt holds both, as Claude Code wrote them (`<bash-input>cmd</bash-input>`,
then `<bash-stdout>...</bash-stdout><bash-stderr>...</bash-stderr>`, joined by
`model.turns.shell_output`). `split` takes such a prompt apart into the command and the
printed parts, `join` puts it back; `policy.apply` judges the command as a Bash call of
the agent's (deny rules, copies, the line filter) and rewrites the parts it may not keep.
Pure.
"""

from __future__ import annotations

import re
from typing import Any

_INPUT = re.compile(r"<bash-input>(.*?)</bash-input>", re.DOTALL)
_PART = re.compile(r"<(bash-[a-z-]{1,20})>(.*?)</\1>", re.DOTALL)


def split(text: Any) -> tuple[str, list[tuple[str, str, str]]] | None:
    """(the command, the printed parts as (opening tag, body, closing tag)) of a shell-mode
    prompt; None for any other prompt. Text outside the tags is a part with no tags."""
    if not isinstance(text, str):
        return None
    command = _INPUT.match(text)
    if command is None:
        return None
    rest, at, parts = text[command.end():], 0, []
    for m in _PART.finditer(rest):
        if m.start() > at:
            parts.append(("", rest[at:m.start()], ""))
        parts.append((f"<{m.group(1)}>", m.group(2), f"</{m.group(1)}>"))
        at = m.end()
    if at < len(rest):
        parts.append(("", rest[at:], ""))
    return command.group(1), parts


def join(command: str, parts: list[tuple[str, str, str]]) -> str:
    """The prompt `split` took apart, with what the policy left of it."""
    return f"<bash-input>{command}</bash-input>" + "".join(
        opening + body + closing for opening, body, closing in parts)
