"""Detector: a secret as the string right after a string that labels it, or as the last
string argument of a call whose name sets a password.

Debug prints and log calls write the label and the value as two literals:
`print("password:", "X")`, `console.log("token=", "X")`, C's and Python's adjacent
literals `log("token=" "X")`, Java's `"Secret key = " + "X"`, a format's argument
`logger.info("db password: %s", "X")`, Go's `fmt.Println("api key", "X")`. The label is a
whole string literal of at most six words ending with a secret word (`lone.names_secret`:
`password policy:` names none), a `:` / `=` / `%s` after it allowed; one word with none of
them is a name (`define('AUTH_KEY', '...')`: the assignment rules' pairs). A call named for
setting a password or a secret (`db.changeUserPassword("app", "X")`, `setPassword(u,
"X")`, `set_token("X")`) takes its last string argument as one. The value is judged as a
lone value (`lone.lone_value`: a password may be chosen, a token must read as drawn), so
`print("token:", "none")`, `t("Password", "Passwort")` and variables stay.
"""

from __future__ import annotations

import re

from cctrace.redact.detectors.base import CONTEXTUAL, Detector, Pattern
from cctrace.redact.lone import is_password_word, lone_value, names_secret
from cctrace.redact.stoplist import unescape

# A quoted literal (its quotes JSON-escaped too); escapes inside kept. Its closing quote is
# compared with the opening one by the checks, not by a back-reference: `redact.gates`
# cannot translate one, and the keywords (`key`, `token`) must stay gated anchors.
_LIT = (r"""(?:[bruf]{1,2}|@)?(?P<q>\\{0,3}["'`])(?P<s>(?:[^"'`\\\n]|\\.){1,512}?)"""
        r"""(?P<qe>\\{0,3}["'`])""")
# The label's end: the secret word, then `:`, `=`, `%s`/`%v`/`{}` and blanks, its quote.
_LABEL_END = (r"(?:password|passwd|passphrase|pwd|secret|token|key)"
              r"[ \t]*[:=]?[ \t]*(?:%[sv]|\{\})?[ \t]*(?P<lq>\\{0,3}[\"'`])")
# Between the label and the value: an argument's comma, a `+`, or blanks alone (adjacent
# literals are one string in C, Python and Go); the value may open a list (PHP's logger
# context `['...']`).
_BETWEEN = r"[ \t]*(?:,|\+|(?=[ \t]))[ \t]*(?:[\[{][ \t]*)?"
# A label's text before its secret word: at most five words of letters.
_LABEL_HEAD = re.compile(r"""(?P<q>["'`])(?P<h>[A-Za-z][A-Za-z _.\-]{0,40})?\Z""")
# (The head is at most a quote and 41 characters: a window of 42 holds any.)
_HEAD_WINDOW = 42
# What makes a string a label rather than a name: a blank, or `:` / `=` / a format after
# the word (`"password:"`, `"api key"`, `"token=%s"`).
_LABEL_MARK = re.compile(r"[ \t:=%{]")
# A call named for setting a secret: `changeUserPassword(`, `set_password(`, `setToken(`.
_SETTER = (r"(?:set|change|update|reset)_?[A-Za-z]{0,16}?_?(?:password|passwd|secret|token)"
           r"[ \t]*\(")
# The arguments before the last: at most three names or literals without parentheses.
_ARGS_BEFORE = (r"""(?:[^()"'\n,]{1,64}?,[ \t]*"""
                r"""|\\{0,3}["'][^"'\n]{0,64}\\{0,3}["'][ \t]*,[ \t]*){0,3}""")


def _label_ok(match: re.Match[str]) -> bool:
    if match.group("q") != match.group("qe"):
        return False
    text, start = match.string, match.start()
    lq = match.group("lq").lstrip("\\")
    head = _LABEL_HEAD.search(text, max(0, start - _HEAD_WINDOW), start)
    if head is None or head.group("q") != lq or len((head.group("h") or "").split()) > 5:
        return False
    raw = text[head.end("q"):match.start("lq")]
    if not _LABEL_MARK.search(raw):
        return False  # `define('AUTH_KEY', '...')`, `("API_KEY", "...")`: a name, the pair rules'
    label = raw.rstrip(" \t:=%sv{}")
    word = names_secret(label)
    if not word:
        return False
    return lone_value(unescape(match.group("s")), is_password_word(word), label)


def _setter_ok(match: re.Match[str]) -> bool:
    if match.group("q") != match.group("qe"):
        return False
    name = match.group()[:match.group().index("(")]
    word = names_secret(name)
    return bool(word) and lone_value(unescape(match.group("s")), is_password_word(word), name)


DETECTOR = Detector(
    name="label_argument",
    description="A secret right after a string labelling it (`print(\"password:\", \"X\")`), "
                "or the last string given to a call setting a password.",
    patterns=(
        Pattern("labelled_secret", _LABEL_END + _BETWEEN + _LIT,
                anchors=("password", "passwd", "passphrase", "pwd", "secret", "token", "key"),
                at_anchor=True, check=_label_ok, priority=CONTEXTUAL),
        Pattern("labelled_secret", _SETTER + r"[ \t]*" + _ARGS_BEFORE + _LIT + r"[ \t]*\)",
                anchors=("password(", "passwd(", "secret(", "token("), flags=re.IGNORECASE,
                check=_setter_ok, priority=CONTEXTUAL),
    ),
)
