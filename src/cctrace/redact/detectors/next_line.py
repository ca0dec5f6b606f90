"""Detector: a value alone on the line after a label that names it.

A label ending its line with a colon (`Here is the password:`, `API token:`, `- **Secret**:`)
and the value by itself on the next line (one blank line between allowed), as people paste
credentials and models repeat them; YAML's block scalars put a value there too
(`api_token: |` then the token, `password: >-`). A console page copied without colons
(`Secret access key` on a line, the key on the next) counts when the name is up to four
plain words on its own line and the value reads as drawn. The label must be one (a few words, no
code: `if token:` then `return` is a branch) and end with a secret word of its own
(`redact.lone.names_secret`: `primary key:` and `keyboard:` name none); the value is judged
as a password given in a sentence (`prose.sentence_value`) after a password word, else as a
value nothing but its label calls secret (`lone.lone_value`: drawn, or mixing classes).
Line breaks may be JSON-escaped (a tool result inside a transcript line).
"""

from __future__ import annotations

import re

from cctrace.redact.detectors.base import CONTEXTUAL, LINE_BREAK, Detector, Pattern, line_start
from cctrace.redact.detectors.prose import sentence_value
from cctrace.redact.lone import is_password_word, lone_value, names_secret, public_key_before

_REGEX = (
    r"(?P<w>password|passphrase|passwd|secret|token|key)\*{0,2}[ \t]*(?P<c>:)?\*{0,2}[ \t]*"
    r"(?:[|>][-+]?[ \t]*)?" + LINE_BREAK + r"(?:[ \t]*" + LINE_BREAK + r")?[ \t]*[`\"']?"
    r"(?P<s>[^\s`\"'\\]{4,512}?)[`\"']?[ \t]*(?=" + LINE_BREAK + r"|\\?\"|$)"
)
# What may stand before the secret word on the label's line (or in its JSON string): a list
# marker or a heading's `#`, markdown emphasis, up to six words (`Here is the new admin`)
# and the start of a name glued to the word (`api_`).
_LABEL = re.compile(r"[ \t]*(?:[-*>#]+[ \t]+)?(?:\*\*|__)?(?:[\w'’\-]+[ \t]+){0,6}[\w.\-]*")
# A field name alone on its line: up to four words, letters only, no list marker or
# emphasis (`API key`, `Secret access key`, `Personal access token`).
_FIELD = re.compile(r"[ \t]*(?:[A-Za-z]+[ \t]){0,3}[A-Za-z]*")
# Code that ends a line with a colon: a branch or a definition, not a label.
_CODE = frozenset("if elif else for with def case except while".split())
_FIRST_WORD = re.compile(r"[A-Za-z]+")


def _ok(match: re.Match[str]) -> bool:
    text, word = match.string, match.group("w")
    start = line_start(text, match.start()) or 0
    # A label may open a JSON string (`{"stdout": "Here is the password:\n..."}`).
    start = max(start, text.rfind('"', start, match.start()) + 1)
    if _LABEL.fullmatch(text, start, match.start()) is None:
        return False
    label = text[start:match.end("w")]
    first = _FIRST_WORD.search(label).group().lower()  # type: ignore[union-attr]  # `w`
    if first in _CODE or not names_secret(label):
        return False
    if word.lower() == "key" and public_key_before(text, match.start()):
        return False
    value = match.group("s")
    if match.group("c") is None:
        # No colon: a field name and its value as a console page copies them (`Secret
        # access key` then the key). Only a short name on a line of its own, only a drawn
        # value: a heading is followed by prose, a line of code by code.
        return _FIELD.fullmatch(label) is not None and lone_value(value, False, label)
    if is_password_word(word.lower()):
        return sentence_value(value, chosen=True)
    return lone_value(value, False, label)


DETECTOR = Detector(
    name="next_line",
    description="A value alone on the line after a label naming a secret (a pasted "
                "credential, a YAML block scalar).",
    patterns=(
        Pattern(
            "labelled_secret",
            _REGEX,
            # (a field name without a colon ends its line: real or JSON-escaped)
            anchors=tuple(f"{w}{c}" for w in ("password", "passphrase", "passwd",
                                              "secret", "token", "key")
                          for c in (":", "**:", " :", "\n", "\r\n", "\\n", "\\r\\n")),
            at_anchor=True,
            check=_ok,
            priority=CONTEXTUAL,
        ),
    ),
)
