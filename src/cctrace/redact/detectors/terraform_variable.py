"""Detector: the default value of a Terraform (or OpenTofu) variable that holds a secret.

`variable "db_password" { type = string  default = "X"  sensitive = true }`: the value sits
under the word `default`, which names nothing, so no assignment rule reads it. The block
says what it holds: its name ends with a secret word (`db_password`,
`cloudflare_api_token`: `redact.lone.names_secret`), or it is marked `sensitive = true`.
A sensitive variable's default is taken whatever it looks like (Terraform hides it from
every plan for that reason); else the value is judged by its name's word, as a password
(`stoplist.password_value`) or as a value only its name calls secret (`lone.lone_value`).
Quotes may be JSON-escaped (the file inside a tool result).
"""

from __future__ import annotations

import re

from cctrace.redact.detectors.base import STRUCTURAL, Detector, Pattern
from cctrace.redact.lone import is_password_word, lone_value, names_secret
from cctrace.redact.stoplist import is_placeholder, password_value

# How far a block may run: variables are a few lines; a longer one is not read.
_BODY_MAX = 4096
_WS = r"(?:\s|\\+[nrt])*"


def _block_end(text: str, at: int) -> int | None:
    """Where the block opened right before `at` closes (its `}`), or None past `_BODY_MAX`."""
    depth = 1
    for i in range(at, min(len(text), at + _BODY_MAX)):
        c = text[i]
        if c == "{":
            depth += 1
        elif c == "}":
            depth -= 1
            if depth == 0:
                return i
    return None


def _default(match: re.Match[str]) -> list[tuple[int, int]]:
    text, q, name = match.string, match.group("q"), match.group("n")
    end = _block_end(text, match.end())
    if end is None:
        return []
    qq = re.escape(q)
    # Raw, a string's own escapes are part of it (`"a\"b"`); inside a JSON string the
    # quotes are escaped themselves, so the value holds no backslash.
    value = r"(?P<v>(?:[^\"\\\r\n]|\\.)*)" if q == '"' else r"(?P<v>[^\"\\\r\n]*)"
    found = re.compile(r"(?<![\w.])default" + _WS + "=" + _WS + qq + value + qq).search(
        text, match.end(), end)
    if found is None or not found.group("v"):
        return []
    return [found.span("v")] if _secret(text, match.end(), end, name, found.group("v")) else []


def _secret(text: str, start: int, end: int, name: str, value: str) -> bool:
    """A sensitive variable's default whatever it looks like; else as its name's word says."""
    if _SENSITIVE.search(text, start, end) is not None:
        return not is_placeholder(value)
    word = names_secret(name)
    if not word:
        return False
    if is_password_word(word):
        return password_value(value, quoted=True, env=False)
    return lone_value(value, False, name)


_SENSITIVE = re.compile(r"(?<![\w.])sensitive" + _WS + "=" + _WS + "true")


DETECTOR = Detector(
    name="terraform_variable",
    description="Defaults of Terraform variables named after a secret or marked sensitive.",
    patterns=(
        Pattern(
            "terraform_sensitive",
            r"variable[ \t]+(?P<q>\\{0,3}\")(?P<n>[A-Za-z0-9_\-]{1,128})(?P=q)[ \t]*\{",
            anchors=("variable",),
            at_anchor=True,
            expand=_default,
            priority=STRUCTURAL,
        ),
    ),
)
