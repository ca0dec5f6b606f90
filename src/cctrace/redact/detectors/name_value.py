"""Detector: a secret given as the `value` of an entry whose `name` is a secret's.

Many formats do not write `NAME=value` but a pair of fields: a HAR header
(`{"name": "x-api-key", "value": "..."}`), a Kubernetes `env:` list (`- name: DB_PASSWORD`
then `value: ...`), an ECS task definition (`"Name"`/`"Value"`), CloudFormation
(`ParameterKey`/`ParameterValue`), and objects whose `value` field holds what their key
names (`terraform output -json`'s `"db_password": {"sensitive": true, ..., "value": "..."}`,
an ARM template's parameters). The name must end with a secret word
(`redact.lone.names_secret`); the value is judged by `redact.lone.lone_value` (a password
may be chosen, a token must read as drawn), so `- name: TOKEN_TTL` / `value: 3600` stays.
A HAR `cookies` entry is judged as a `Set-Cookie:` header is (`auth_header.cookie_ok`).
"""

from __future__ import annotations

import re

from cctrace.redact.detectors.auth_header import cookie_ok
from cctrace.redact.detectors.base import CONTEXTUAL, Detector, Pattern
from cctrace.redact.lone import is_password_word, lone_value, names_secret
from cctrace.redact.stoplist import unescape

# A quoted value (JSON escapes allowed inside).
_QUOTED = r"""(?P<q>\\{0,3}["'])(?P<s>(?:[^"'\\\n]|\\.){1,1024}?)(?P=q)"""
# A line break, or its escape in a JSON string (YAML shown inside a tool result).
_NL = r"(?:\r?\n|\\{1,3}n)"
# A YAML scalar: quoted (the quotes JSON-escaped too: YAML shown inside a JSON string), or
# bare to the line's end.
_SCALAR = (r"""(?P<q>(?:\\{0,3}["'])?)(?P<s>(?:[^\s"'#\\]|\\.)(?:[^"'\\\n]|\\.){0,1023}?)"""
           r"""(?P=q)[ \t]*(?=""" + _NL + "|$)")
_NAME = r"""\\{0,3}["']?(?P<name>[A-Za-z_][\w.\-]{0,79})\\{0,3}["']?"""
# Other scalar fields between the pair's name and its value (`"keyName": "key1",
# "permissions": "FULL", "value": ...`, Azure's `keys list`), at most three.
_OTHER = (r"""(?:\\{0,3}["'][A-Za-z_]\w{0,39}\\{0,3}["'][ \t]*:[ \t]*"""
          r"""(?:\\{0,3}["'][^"'\\\n]{0,80}\\{0,3}["']|true|false|null|\d{1,12})[ \t]*,"""
          r"""(?:[ \t\r\n]|\\+[nr])*){0,3}""")
# What comes before `"value"` inside its object: the pair's `"name": "..."` (HAR, ECS,
# CloudFormation's ParameterKey), or the key the object is the value of (terraform output).
_BEFORE_JSON = re.compile(
    r"""(?:(?i:name|key|parameterkey)\\{0,3}["']?[ \t]*[:=][ \t]*""" + _NAME
    + r"""[ \t]*,(?:[ \t\r\n]|\\+[nr])*""" + _OTHER + r"""\\{0,3}["']?(?i:parameter)?"""
    r"""|\\{0,3}["'](?P<owner>[A-Za-z_][\w.\-]{0,79})\\{0,3}["'][ \t]*:[ \t]*\{[^{}]{0,200}?"""
    r"""\\{0,3}["'](?i:parameter)?)$"""
)
# Before `value:` in YAML: `- name: <name>` on the line above.
_BEFORE_YAML = re.compile(r"-[ \t]+name:[ \t]*" + _NAME + r"[ \t]*" + _NL + r"[ \t]+$")
_WINDOW = 300
# The `"cookies": [` list an entry is in: no `]` between it and the entry.
_COOKIES = re.compile(r"""cookies\\{0,3}["'][ \t]*:[ \t]*\[[^\]]*$""", re.IGNORECASE)
_COOKIES_WINDOW = 4096


def _in_cookies(text: str, start: int) -> bool:
    return _COOKIES.search(text, max(0, start - _COOKIES_WINDOW), start) is not None


def _named(match: re.Match[str], before: re.Pattern[str]) -> bool:
    text, start = match.string, match.start()
    m = before.search(text, max(0, start - _WINDOW), start)
    if m is None:
        return False
    # The one name group that took part: the pair's `name`, or the object's owner key.
    name = next(name for name in m.groupdict().values() if name)
    value = unescape(match.group("s"))
    # A numbered name is its secret's still (`password2`); a `keyName` field says the
    # object is a key whatever its name (Azure's `keys list`: `key1`, `primary`).
    word = names_secret(name.rstrip("0123456789"))
    key_named = m.group("name") is not None and text.endswith(("key", "Key", "KEY"),
                                                              0, m.start())
    if not word and not key_named:
        # A HAR entry's cookie (`"cookies": [{"name": "sessionid", "value": ...}]`) is
        # judged as a `Set-Cookie:` header's: a session-named one whatever its value.
        return m.group("name") is not None and _in_cookies(text, start) and cookie_ok(
            name, value)
    return lone_value(value, is_password_word(word), m.group() + match.group())


def _plist_ok(match: re.Match[str]) -> bool:
    word = names_secret(match.group("name"))
    return bool(word) and lone_value(unescape(match.group("s")), is_password_word(word),
                                     match.group())


DETECTOR = Detector(
    name="name_value",
    description="A secret as the `value` of an entry named like a secret (HAR headers, "
                "Kubernetes env lists, ECS/CloudFormation pairs, terraform output).",
    patterns=(
        # A property list's `<key>DB_PASSWORD</key>` then `<string>...</string>` (launchd's
        # EnvironmentVariables, an app's Info.plist), the line between escaped too.
        Pattern(
            "name_value_pair",
            r"<key>(?P<name>[^<>\n\\]{1,80})</key>(?:[ \t\r\n]|\\+[nrt]){0,16}"
            r"<string>(?P<s>[^<>\n]{1,1024})</string>",
            anchors=("<key>",),
            at_anchor=True,
            check=_plist_ok,
            priority=CONTEXTUAL,
        ),
        # {"name": "x-api-key", "value": "..."}, {"Name": ..., "Value": ...},
        # "db_password": {"sensitive": true, "value": "..."}: tried at each `value"`.
        Pattern(
            "name_value_pair",
            r"""value\\{0,3}["'][ \t]*:[ \t]*""" + _QUOTED,
            anchors=('value"', "value'", 'value\\"'),
            at_anchor=True,
            check=lambda m: _named(m, _BEFORE_JSON),
            priority=CONTEXTUAL,
        ),
        # - name: DB_PASSWORD\n  value: ...: YAML's list of name/value maps.
        Pattern(
            "name_value_pair",
            r"value:[ \t]*" + _SCALAR,
            anchors=("value:",),
            at_anchor=True,
            check=lambda m: _named(m, _BEFORE_YAML),
            priority=CONTEXTUAL,
        ),
    ),
)
