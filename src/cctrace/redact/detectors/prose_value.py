"""Detector: a quoted value that a sentence about a secret introduces, in model and prompt text.

"I've added `API_KEY` to your `.env` with the value `3c49...`", "set `DB_PASSWORD` to
`hunter2!`", "the webhook secret is now `whsec...`", "rotated the token to "abc..."": the
value sits in backticks or quotes after `value`, `to` or `now`, and the name saying what it
is came earlier in the sentence (back to a line break or a sentence's end, at most
`LOOKBACK` characters). The sentence must name a secret (`redact.lone.secret_word`) and the
value pass `redact.lone.lone_value`: a file name, a path, another variable's name, a word or
a digest after "to" stays (`moved API_KEY to `config/prod.yaml``). A log line of a failed
login names the password it saw after `tried` ("login failed for admin: tried X",
"failed password attempt for root, tried 'X'"): the line must say both that a login
failed and what was tried is a credential, the value end the message or a clause, and
read as one (`prose.sentence_value`: no count, word, path or placeholder; no host:port).
A value in parentheses a few words after the secret's name ("the DB password you gave me
(X) doesn't work", "the admin token (`X`)") is judged the same way: one word, no blank.
"""

from __future__ import annotations

import re

from cctrace.redact.detectors.base import CONTEXTUAL, Detector, Pattern, line_start
from cctrace.redact.detectors.prose import sentence_value
from cctrace.redact.lone import is_password_word, lone_value, secret_word

LOOKBACK = 200
_VERBS = ("set to", "changed to", "rotated to", "updated to", "reset to", "it to",
          "is now", "are now")
# (Any closing quote: a backreference would keep the prefilter from gating the anchor.)
_QVAL = r"[ \t]*[`\"'](?P<s>[^`\"'\s]{6,256})[`\"']"
# The end of the sentence before: a line break, or `.`/`!`/`?` followed by a blank (a `.`
# inside `.env` or `config.yaml` is not one).
_SENTENCE_END = re.compile(r"[\n\r]|[.!?][ \t]")


def _sentence(match: re.Match[str]) -> str:
    text, start = match.string, match.start()
    before = text[max(0, start - LOOKBACK):start]
    ends = list(_SENTENCE_END.finditer(before))
    return before[ends[-1].end():] if ends else before


def _named_value(match: re.Match[str]) -> bool:
    sentence = _sentence(match)
    word = secret_word(sentence)
    return bool(word) and lone_value(match.group("s"), is_password_word(word), sentence)


# A failed login on the line before `tried`, and what it is about.
_FAILED = re.compile(r"(?i)\b(?:fail(?:ed|ure)?|invalid|incorrect|wrong|denied|rejected|bad)\b")
_LOGIN = re.compile(r"(?i)\b(?:log[ \-]?in|logon|sign[ \-]?in|auth\w*|password|passphrase"
                    r"|credentials?|pin)\b")
_TRIED = (r"tried[ \t]+(?:(?:password|passphrase|pw)[ \t]+)?(?:\\{1,3}(?=[\"']))?(?P<q>[`\"'])?"
          r"(?P<s>(?(q)[^`\"'\r\n\\]{4,128}|[^\s`\"'\\]{4,128}))(?(q)\\{0,3}[`\"'])"
          # The password ends the message (its line, real or escaped once or more, or the
          # JSON string), or a clause (`, attempt 3`, ` (locked)`).
          r"(?=[.)]*(?:[ \t]*(?:\r?\n|$|\\+[nr]|\\*\"|[,;(])|[ \t]+\())")
# A host and port, a name of words joined by dashes: what a client tried, not a password.
_NOT_TRIED = re.compile(r"[\w.\-]+:\d{2,5}|[a-z]+(?:-[a-z]+)+")


def _tried_ok(match: re.Match[str]) -> bool:
    text, start = match.string, match.start()
    window = max(0, start - LOOKBACK)
    line = text[line_start(text, start, window) or window:start]
    return (_FAILED.search(line) is not None and _LOGIN.search(line) is not None
            and _NOT_TRIED.fullmatch(match.group("s")) is None
            and sentence_value(match.group("s"), True))


# A secret word, up to five words, then one word in parentheses (its quotes matched by
# `_paren_ok`: a backreference would keep the prefilter from gating the anchor).
_PAREN_WORDS = ("password", "passphrase", "token", "secret")
_PAREN = (r"(?:" + "|".join(_PAREN_WORDS) + r")(?:[ \t]+[A-Za-z'\u2019]{1,20}){0,5}[ \t]+\("
          r"(?P<q>\\{0,3}[`\"']|)(?P<s>[^\s`\"'()\\]{6,128})(?P<qe>\\{0,3}[`\"']|)\)")


def _paren_ok(match: re.Match[str]) -> bool:
    word = secret_word(match.group())
    value = match.group("s")
    return (match.group("q") == match.group("qe") and bool(word)
            and lone_value(value, is_password_word(word), match.group())
            and sentence_value(value, is_password_word(word)))


DETECTOR = Detector(
    name="prose_value",
    description="Quoted values a sentence naming a secret introduces (model and prompt text).",
    patterns=(
        Pattern(
            "prose_secret_value",
            # A blank before the quote: `value="..."` is an attribute, not a sentence.
            r"value(?:[ \t]+(?:of|is|was))?[ \t]*:?[ \t]" + _QVAL,
            # The value's quote is in the anchor: `value is`, `value of` alone are in
            # every other docstring.
            anchors=tuple(f"value{w} {q}" for w in ("", " of", " is", " was", ":")
                          for q in "`\"'"),
            at_anchor=True,
            boundary=True,
            check=_named_value,
            priority=CONTEXTUAL,
        ),
        # `to` / `now` are in every sentence: the anchors hold the words around them
        # (short literals like `to '` slow the prefilter's pass over all text). A quoted
        # name then `to`: "set `DB_PASSWORD` to `...`".
        Pattern(
            "prose_secret_value",
            r"[`\"'][ \t]+to" + _QVAL,
            anchors=tuple(f"{a} to {b}" for a in "`\"'" for b in "`\"'"),
            at_anchor=True,
            check=_named_value,
            priority=CONTEXTUAL,
        ),
        # A verb then `to`, or `is now`: "the password was rotated to `...`".
        Pattern(
            "prose_secret_value",
            r"(?:(?:set|changed|rotated|updated|reset|it)[ \t]+to|(?:is|are)[ \t]+now)"
            + _QVAL,
            anchors=tuple(f"{v} {q}" for v in _VERBS for q in "`\"'"),
            at_anchor=True,
            boundary=True,
            check=_named_value,
            priority=CONTEXTUAL,
        ),
        Pattern(
            "prose_secret_value",
            _PAREN,
            anchors=_PAREN_WORDS,
            at_anchor=True,
            boundary=True,
            check=_paren_ok,
            priority=CONTEXTUAL,
        ),
        Pattern(
            "prose_secret_value",
            _TRIED,
            anchors=("tried ",),
            at_anchor=True,
            boundary=True,
            check=_tried_ok,
            priority=CONTEXTUAL,
        ),
    ),
)
