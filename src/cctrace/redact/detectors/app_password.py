"""Detector: app passwords, the grouped ones a service issues for one app or device.

Google shows an app password as four groups of four lower-case letters (`abcd efgh ijkl
mnop`), Apple an app-specific password as four groups joined by `-`, WordPress an
application password as six groups of four letters and digits. A group alone reads as a
word or less, and no other rule takes a value with blanks in it; the phrase before it says
what it is: `app password`, `app-specific password`, `application password` (also in
German, `App-Passwort`), then up to 24 characters on the same line (`: `, ` is `, ` for
Gmail: `), the value there or alone on the next line, an optional quote or code mark. The
groups must be joined alike, hold letters, and not read as words with one from the
dictionary (`app password: this will work fine`; a drawn `hiyc vozn riro roam` reads aloud
too, one in 25) or be a filler run (`abcd efgh ijkl mnop`, `randomness.has_sequence`).
"""

from __future__ import annotations

import re

from cctrace.redact.detectors.base import CONTEXTUAL, LINE_BREAK, Detector, Pattern
from cctrace.redact.randomness import dictionary_word, has_sequence, reads_as_words

_REGEX = (
    r"app(?:lication)?[ _\-]?(?:specific[ _\-]?)?passwor[dt]s?"
    r"[^\r\n\"'`\\]{0,24}?(?:" + LINE_BREAK + r"[ \t]*)?(?:\\{0,3}[\"'`])?"
    r"(?:(?<![A-Za-z0-9])|(?<=\\[nrt]))"
    r"(?P<s>[A-Za-z0-9]{4}(?:[ \-][A-Za-z0-9]{4}){3,5})(?![A-Za-z0-9\-])"
)


# Every spelling the phrase takes up to `passwor`: `app password`, `App-Passwort`,
# `app_specific_password`, `applicationpassword`...
_SEPS = ("", " ", "-", "_")
_ANCHORS = tuple(dict.fromkeys(
    f"{lead}{a}{mid}{b if mid else ''}passwor" for lead in ("app", "application")
    for a in _SEPS for mid in ("", "specific") for b in _SEPS))


def _ok(match: re.Match[str]) -> bool:
    value = match.group("s")
    if len({value[i] for i in range(4, len(value), 5)}) != 1:
        return False  # `abcd efgh-ijkl mnop`: groups joined two ways are not one value
    if not any(c.isalpha() for c in value):
        return False  # `2024 2025 2026 2027`: numbers, years, a card's groups
    if reads_as_words(value) and any(dictionary_word(g) for g in value.split(value[4])):
        return False  # a phrase; four drawn groups that merely read aloud hold no word
    return not has_sequence(value.replace(value[4], ""), 8)


DETECTOR = Detector(
    name="app_password",
    description="App passwords issued grouped (Google, Apple, WordPress) after the phrase "
                "naming them.",
    patterns=(
        Pattern(
            "app_password",
            _REGEX,
            anchors=_ANCHORS,
            at_anchor=True,
            check=_ok,
            priority=CONTEXTUAL,
        ),
    ),
)
