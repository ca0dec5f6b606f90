"""Detector: Redis passwords as `redis-cli` sets and shows them.

`CONFIG SET requirepass X` (and `masterauth`, `masteruser` is no secret) sets one;
`CONFIG GET requirepass` answers with the name and the value as two numbered reply lines
(`1) "requirepass"` then `2) "X"`); an ACL rule gives a user a password with `>X` and
stores its SHA-256 as `#<64 hex>` (`ACL SETUSER app on >X ~cache:* +get`, `ACL LIST`'s
`user app on #<hash> ~* +@all`, an `aclfile` line). The passwords are judged as typed
(`stoplist.password_value`: `$REDIS_PASSWORD`, placeholders, `""` stay); a hash is taken
as the other stored hashes are (`password_hash`: guessed offline). `nopass`, `resetpass`,
`<X` (removes a password) and key patterns stay.
"""

from __future__ import annotations

import re

from cctrace.redact.detectors.base import LINE_BREAK, SPECIFIC, Detector, Pattern
from cctrace.redact.stoplist import password_value

_Q = r"(?:\\{0,3}[\"'])?"
# An ACL rule's words after the user's name (at most 32 of them).
_RULES = r"(?P<r>(?:[ \t]+[^\s\"'\\]{1,300}){1,32})"
_PASSWORD_RULE = re.compile(r"(?<![^\s])>(?P<p>[^\s\"'\\]{1,300})"
                            r"|(?<![^\s])#(?P<h>[0-9a-f]{64})(?!\S)")
# An ACL LIST / aclfile line: its user is switched on or off before its rules.
_LISTED = re.compile(r"[ \t]+(?:on|off)(?:[ \t]|$)")


def _value_ok(match: re.Match[str]) -> bool:
    return password_value(match.group("s"), quoted=True, env=True)


def _rules(match: re.Match[str]) -> list[tuple[int, int]]:
    rules, at = match.group("r"), match.start("r")
    if match.group("listed") and _LISTED.match(rules) is None:
        return []  # `user app ...` in prose: a listed rule says on or off first
    spans = []
    for m in _PASSWORD_RULE.finditer(rules):
        if m.group("h") is not None:
            spans.append((at + m.start("h"), at + m.end("h")))
        elif password_value(m.group("p"), quoted=True, env=True):
            spans.append((at + m.start("p"), at + m.end("p")))
    return spans


DETECTOR = Detector(
    name="redis_console",
    description="Redis passwords in redis-cli: CONFIG SET/GET requirepass, ACL rules' "
                ">password and #hash.",
    patterns=(
        Pattern(
            "config_password",
            r"config[ \t]+set[ \t]+(?:requirepass|masterauth)[ \t]+" + _Q
            + r"(?P<s>[^\s\"'\\]{1,512})" + _Q + r"(?=[ \t]*(?:$|\r?\n|\\+[nr]))",
            anchors=("config set",), at_anchor=True, check=_value_ok, priority=SPECIFIC,
        ),
        Pattern(
            "config_password",
            r"\d{1,3}\)[ \t]*" + _Q + r"(?:requirepass|masterauth)" + _Q + r"[ \t]*" + LINE_BREAK
            + r"[ \t]*\d{1,3}\)[ \t]*" + _Q + r"(?P<s>[^\s\"'\\]{1,512})" + _Q,
            anchors=('"requirepass', '"masterauth'), flags=re.IGNORECASE, check=_value_ok,
            priority=SPECIFIC,
        ),
        Pattern(
            "config_password",
            r"(?:acl[ \t]+setuser|(?P<listed>(?<![\w-])user))[ \t]+[^\s\"'\\]{1,64}" + _RULES,
            anchors=("acl setuser", " on #", " off #", " on >"), flags=re.IGNORECASE,
            expand=_rules, priority=SPECIFIC,
        ),
    ),
)
