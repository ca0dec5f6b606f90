"""Detector: a secret given as the `value` of an entry whose `name` is a secret's.

Many formats do not write `NAME=value` but a pair of fields: a HAR header
(`{"name": "x-api-key", "value": "..."}`), a Kubernetes `env:` list (`- name: DB_PASSWORD`
then `value: ...`), an ECS task definition (`"Name"`/`"Value"`), CloudFormation
(`ParameterKey`/`ParameterValue`), and objects whose `value` field holds what their key
names (`terraform output -json`'s `"db_password": {"sensitive": true, ..., "value": "..."}`,
an ARM template's parameters). The name must end with a secret word
(`redact.lone.names_secret`); the value is judged by `redact.lone.lone_value` (a password
may be chosen, a token must read as drawn), so `- name: TOKEN_TTL` / `value: 3600` stays.
"""

from __future__ import annotations

import re

from cctrace.redact.detectors.base import CONTEXTUAL, Detector, Pattern
from cctrace.redact.lone import is_password_word, lone_value, names_secret
from cctrace.redact.stoplist import unescape

# A quoted value (JSON escapes allowed inside), or a bare YAML scalar to the line's end.
_QUOTED = r"""(?P<q>\\{0,3}["'])(?P<s>(?:[^"'\\\n]|\\.){1,1024}?)(?P=q)"""
_NAME = r"""["']?(?P<name>[A-Za-z_][\w.\-]{0,79})["']?"""


def _ok(match: re.Match[str]) -> bool:
    word = names_secret(match.group("name"))
    if not word:
        return False
    value = unescape(match.group("s"))
    return lone_value(value, is_password_word(word), match.group())


DETECTOR = Detector(
    name="name_value",
    description="A secret as the `value` of an entry named like a secret (HAR headers, "
                "Kubernetes env lists, ECS/CloudFormation pairs, terraform output).",
    patterns=(
        # {"name": "x-api-key", "value": "..."}: the pair in one object, in either quoting.
        Pattern(
            "name_value_pair",
            r"""(?:name|key|parameterkey)\\{0,3}["']?[ \t]*[:=][ \t]*\\{0,3}""" + _NAME
            + r"""\\{0,3}[ \t]*,[ \t\r\n]*\\{0,3}["']?(?:value|parametervalue)\\{0,3}["']?"""
            r"""[ \t]*[:=][ \t]*""" + _QUOTED,
            anchors=("value",),
            flags=re.IGNORECASE,
            check=_ok,
            priority=CONTEXTUAL,
        ),
        # - name: DB_PASSWORD\n  value: ...: YAML's list of name/value maps.
        Pattern(
            "name_value_pair",
            r"""-[ \t]+name:[ \t]*""" + _NAME + r"""[ \t]*\r?\n[ \t]+value:[ \t]*"""
            r"""(?P<q>["']?)(?P<s>[^\s"'#](?:[^"'\\\n]|\\.){0,1023}?)(?P=q)[ \t]*(?=\r?\n|$)""",
            anchors=("value:",),
            check=_ok,
            priority=CONTEXTUAL,
        ),
        # "db_password": {"sensitive": true, "type": "string", "value": "..."}.
        Pattern(
            "name_value_pair",
            r"""["']""" + r"""(?P<name>[A-Za-z_][\w.\-]{0,79})["'][ \t]*:[ \t]*\{[^{}]{0,200}?"""
            r"""["']value["'][ \t]*:[ \t]*""" + _QUOTED,
            anchors=('"value"', "'value'"),
            check=_ok,
            priority=CONTEXTUAL,
        ),
    ),
)
