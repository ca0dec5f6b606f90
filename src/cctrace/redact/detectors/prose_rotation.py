"""Detector: a secret replaced in a sentence or a commit message, named only by what it
replaces.

"rotated the key, the new one is X", "I changed the admin password, new one is X": `new
one` stands for the secret named before it (at most `LOOKBACK` characters before, a
commit's subject line included). A message about a
secret listing `old: X` / `new: Y` (also `previous`, `current`, at a line's start or
after `,` / `;`) names both by their place. "I've set the token to X": a verb of setting
before a bare `token` / `key` / `secret`, then `to` and the value unquoted (a quoted one
is `prose_value`'s). Each value is judged as a lone value (`lone.lone_value`: a token, key
or secret must read as drawn, a password as typed) and as a sentence's
(`prose.sentence_value`): words, versions, digests, paths and placeholders stay.
"""

from __future__ import annotations

import re

from cctrace.redact.detectors.base import CONTEXTUAL, Detector, Pattern, line_start
from cctrace.redact.detectors.prose import sentence_value
from cctrace.redact.lone import is_password_word, lone_value, public_key_before, secret_word

LOOKBACK = 300
SETTING_REACH = 80
# The value: one word, quoted or not (its quotes compared by the checks: a backreference
# would keep the prefilter from gating the anchor); sentence punctuation after it is not
# part of it.
_VALUE = (r"[ \t]*(?P<q>\\{0,3}[`\"']|)(?P<s>[^\s`\"'\\]{6,256}?)(?P<qe>\\{0,3}[`\"']|)"
          r"(?=[.,;:!?)]*(?:\s|$|\\{1,3}[nrt]|\\{0,3}\"))")


def _context(match: re.Match[str]) -> str:
    """The text before the match, `LOOKBACK` characters: a commit's subject and body."""
    return match.string[max(0, match.start() - LOOKBACK):match.start()]


def _judged(match: re.Match[str], word: str) -> bool:
    value = match.group("s")
    password = is_password_word(word)
    # An unquoted value may end at a closing quote (`git commit -m "... new one is X"`).
    return (bool(word) and match.group("q") in ("", match.group("qe"))
            and lone_value(value, password, _context(match) + match.group())
            and sentence_value(value, password))


def _new_one_ok(match: re.Match[str]) -> bool:
    return _judged(match, secret_word(_context(match)))


# Labels of an old and a new value opening a line (a list marker allowed) or a clause.
_LABEL_START = re.compile(r"(?:[ \t]*(?:[-*+][ \t]+)?|.*[,;][ \t]*)\Z")


def _label_ok(match: re.Match[str]) -> bool:
    text, start = match.string, match.start()
    head = line_start(text, start, max(0, start - LOOKBACK))
    if head is None or _LABEL_START.match(text, head, start) is None:
        return False
    return _judged(match, secret_word(_context(match)))


# A verb of setting, then up to three words, right before the secret word, within
# `SETTING_REACH` characters.
_SETTING = re.compile(r"(?i)\b(?:set|changed|rotated|updated|reset|switched)"
                      r"(?:[ \t]+[\w'\u2019\-]{1,20}){0,3}[ \t]+\Z")


def _set_to_ok(match: re.Match[str]) -> bool:
    text, start = match.string, match.start()
    if _SETTING.search(text, max(0, start - SETTING_REACH), start) is None:
        return False
    if match.group("w").lower() == "key" and public_key_before(text, start):
        return False
    return match.group("q") == "" and _judged(match, match.group("w").lower())


DETECTOR = Detector(
    name="prose_rotation",
    description="A secret replaced in a sentence or commit message ('the new one is X').",
    patterns=(
        Pattern(
            "prose_secret",
            r"new[ \t]+one(?:[ \t]+is|['\u2019]s|[ \t]*:|[ \t]+[-\u2013\u2014])" + _VALUE,
            anchors=("new one",),
            at_anchor=True,
            boundary=True,
            check=_new_one_ok,
            priority=CONTEXTUAL,
        ),
        Pattern(
            "prose_secret",
            r"(?:old|new|previous|current)[ \t]*(?::|=|->)" + _VALUE,
            anchors=("old:", "new:", "old =", "new =", "old ->", "new ->", "previous:",
                     "current:"),
            at_anchor=True,
            check=_label_ok,
            priority=CONTEXTUAL,
        ),
        Pattern(
            "prose_secret",
            r"(?P<w>token|key|secret)[ \t]+to" + _VALUE,
            anchors=("token to", "key to", "secret to"),
            at_anchor=True,
            check=_set_to_ok,
            priority=CONTEXTUAL,
        ),
    ),
)
