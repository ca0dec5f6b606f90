"""Detector: a Terraform resource's `value` named a secret by its block's `name`, and a
secret attribute's new value in a plan's change arrow.

A parameter store writes its name and its value as two attributes of one block:
`resource "aws_ssm_parameter" "x" { name = "/prod/api_key"  value = "X" }`, and `terraform
plan` prints the same block with `+` / `~` markers (`+ value = "X"` under `+ name =
"/prod/api_key"`). The `value` (or `secret_string`, `secret_data`...: those are the generic
rule's) is taken when the same block's `name` (or `key`) names a secret by its last path
part (`lone.names_secret`); the block is what lies between the `{` before and the `}`
after, read at most 2 KB each way. A plan's update shows `attr = "old" -> "new"`: the new
value of a secret-named attribute (`password`, and the secret versions' `secret_data`,
`secret_string`) is taken as the key's value.
Values are judged as lone values (`lone.lone_value`): `(sensitive value)`, `(known after
apply)`, `var.x` and references stay.
"""

from __future__ import annotations

import re

from cctrace.redact.detectors.base import CONTEXTUAL, Detector, Pattern
from cctrace.redact.lone import is_password_word, lone_value, names_secret
from cctrace.redact.stoplist import unescape

_Q = r"\\{0,7}\""  # quotes escaped up to three times (JSON in JSON in JSON)
_STR = _Q + r"(?P<s>(?:[^\"\\\n]|\\[^\"\\n]){1,1024})" + _Q
_BLOCK = 2048
# The `name` / `key` attribute of a block: `+ name = "/prod/api_key"`.
_NAME = re.compile(r"(?<![\w.])(?:name|key|parameter_name)[ \t]*=[ \t]*\\{0,3}\""
                   r"(?P<n>[^\"\\\n]{1,256})\\{0,3}\"")
# What precedes an attribute on its line: blanks and a plan's marker, read back at most
# `_INDENT` characters (the line break included).
_INDENT = 48
_LEAD = re.compile(r"(?:^|\n|\\n)[ \t]*[+~\-]?[ \t]*\Z")


def _value_ok(match: re.Match[str]) -> bool:
    text, start = match.string, match.start()
    if _LEAD.search(text, max(0, start - _INDENT), start) is None:
        return False
    opened = text.rfind("{", max(0, start - _BLOCK), start)
    if opened < 0 or "}" in text[opened:start]:
        return False
    block = text[opened:match.end() + _BLOCK].partition("}")[0]
    for name in _NAME.finditer(block):
        word = names_secret(name.group("n"))  # its last path part: `/prod/api_key`
        if word:
            return lone_value(unescape(match.group("s")), is_password_word(word), name.group())
    return False


# The secret-version resources' payload attributes, which name no secret word at their end.
_PAYLOAD = re.compile(r"secret_(?:data|string|value|binary)")


def _arrow_ok(match: re.Match[str]) -> bool:
    key, value = match.group("k"), unescape(match.group("s"))
    if _PAYLOAD.fullmatch(key):
        return lone_value(value, True, key)  # the version's secret: a chosen one too
    word = names_secret(key)
    return bool(word) and lone_value(value, is_password_word(word), key)


DETECTOR = Detector(
    name="terraform_plan",
    description="A resource's `value` whose block's `name` names a secret, and a plan's new "
                "value of a secret attribute (`password = \"old\" -> \"new\"`).",
    patterns=(
        Pattern("labelled_secret", r"value[ \t]*=[ \t]*" + _STR, anchors=("value",),
                at_anchor=True, check=_value_ok, priority=CONTEXTUAL),
        Pattern("labelled_secret",
                r"(?P<k>[A-Za-z_][\w\-]{0,64})[ \t]*=[ \t]*(?:" + _Q + r"[^\"\\\n]{0,1024}"
                + _Q + r"|\([a-z ]{1,32}\)|null)[ \t]*->[ \t]*" + _STR,
                # (`-> \`: the quote escaped any number of times)
                anchors=('-> "', '-> \\'), check=_arrow_ok,
                priority=CONTEXTUAL),
    ),
)
