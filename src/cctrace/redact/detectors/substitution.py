"""Detector: a secret written into a file by a `sed` substitution.

A template is filled in place: `sed -i 's/__TOKEN__/X/g' config.yml`, `sed
"s/{{DB_PASSWORD}}/X/"`, `sed -e 's/<api-key>/X/'`, or a line replaced whole: `sed -i
's|API_KEY=.*|API_KEY=X|' .env`. The replacement is the secret when the pattern it replaces
names one (a placeholder made of a secret name: `lone.names_secret` after its brackets and
underscores are taken off), or when the replacement is itself `NAME=value` / `NAME: value`
with a secret name. The value is judged as a lone value (`lone.lone_value`): `$TOKEN`,
`${API_KEY}`, a back-reference (`\\1`, `&`) and `1.4.2` under `__VERSION__` stay.
"""

from __future__ import annotations

import re

from cctrace.redact.detectors.base import CONTEXTUAL, Detector, Pattern
from cctrace.redact.lone import is_password_word, lone_value, names_secret
from cctrace.redact.stoplist import unescape

# `sed`, its options, then the script's `s` command with any one-character delimiter
# sed scripts use; the pattern and replacement hold no delimiter, the replacement no quote.
_SED = (r"(?<![\w.\-])sed[ \t]+(?:-[A-Za-z]{1,4}(?:[ \t]*[\w.]{0,8})?[ \t]+){0,4}"
        r"(?:\\{0,3}[\"'])?(?:[0-9,$]{0,16}[ \t]*)?s(?P<d>[/|#:,@!])"
        r"(?P<pat>(?:(?!(?P=d))[^\n\\]){1,120})(?P=d)"
        r"(?P<rep>(?:(?!(?P=d))[^\n\"'\\]){1,512})(?P=d)")
# A placeholder's dressing around the name: `__TOKEN__`, `{{DB_PASSWORD}}`, `<api-key>`,
# `%API_KEY%`, `@SECRET@`, `${TOKEN}`, and a line pattern's `=.*` / `: .*`.
_DRESSING = " \t_{}<>%@$[]()^*.=:"
# A replacement that is an assignment: `API_KEY=X`, `password: X`, quotes allowed.
_ASSIGN = re.compile(r"(?P<name>[A-Za-z_][\w.\-]{0,64})[ \t]*[=:][ \t]*[\"']?"
                     r"(?P<v>[^\s\"']{1,512})[\"']?[ \t]*")


def _replacement(match: re.Match[str]) -> list[tuple[int, int]]:
    rep, start = match.group("rep"), match.start("rep")
    assign = _ASSIGN.fullmatch(rep)
    if assign is not None and (word := names_secret(assign.group("name"))):
        value, span = assign.group("v"), (start + assign.start("v"), start + assign.end("v"))
    else:
        word = names_secret(match.group("pat").strip(_DRESSING))
        value, span = rep, match.span("rep")
    if word and lone_value(unescape(value), is_password_word(word), match.group("pat")):
        return [span]
    return []


DETECTOR = Detector(
    name="substitution",
    description="A secret put in place of a secret-named placeholder by `sed s/.../X/`.",
    patterns=(
        Pattern("labelled_secret", _SED, anchors=("sed ",), at_anchor=True,
                expand=_replacement, priority=CONTEXTUAL),
    ),
)
