"""What the policy withheld, kept for the redactor: the model saw it and may repeat it.

A withheld read (`cat .env`, `Read ~/.aws/credentials`, `! cat secrets/x`) loses its
output, but the model read it and may quote it in its answer, in a `Write` of another
file or in a later command, where nothing names the denied file. `Withheld` keeps the
raw text of every output withheld in an `apply_policy` run (bounded), and the worker hands
it to the redactor (`redact.known.from_withheld_text`), which learns the secret-looking
values in it and sweeps them from everything else. Pure: text in, text out.
"""

from __future__ import annotations

import json
from typing import Any

from cctrace.model.content import content_text

# Characters kept per run, at most: what a run withholds beyond that is not learned
# from (learning costs ~1 s a MB of `NAME=value` lines).
MAX_CHARS = 262_144


class Withheld:
    """The raw texts a run withheld, in order, at most `MAX_CHARS` in all."""

    def __init__(self) -> None:
        self.texts: list[str] = []
        self.chars = 0

    def keep(self, value: Any) -> None:
        """Keep the text of a withheld value (a string, content blocks or other JSON)."""
        if value is None:
            return
        text = value if isinstance(value, str) else content_text(value) if isinstance(
            value, list) else json.dumps(value, ensure_ascii=False, default=str)
        room = MAX_CHARS - self.chars
        if text and room > 0:
            self.texts.append(text[:room])
            self.chars += min(len(text), room)
