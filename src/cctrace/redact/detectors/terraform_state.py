"""Detector: the attributes a Terraform state or plan marks sensitive.

`terraform.tfstate` (and `terraform state pull`) stores every attribute in clear, the
database `password`, `random_password`'s `result` and `bcrypt_hash`, an access key's
`secret`, and lists after each instance's `attributes` object which of them are sensitive:
`"sensitive_attributes": [[{"type": "get_attr", "value": "password"}], ...]`. The state's
own word is the context: each top-level attribute named there whose value in the same
instance is a string is taken, whatever it looks like (`"password": "hunter2hunter2"`); a
nested path names the attribute it starts from only when that holds a string. A plan or
state shown as JSON (`terraform show -json`) says it the other way: `"sensitive_values":
{"password": true}` after the resource's `"values"`. The text may be a tool result stored
as a JSON string (quotes escaped once or twice).
"""

from __future__ import annotations

import re

from cctrace.redact.detectors.base import STRUCTURAL, Detector, Pattern
from cctrace.redact.stoplist import is_placeholder

# How far back the instance's `attributes` may start (a large instance: a cluster's
# certificate and kubeconfig sit in it too).
_REACH = 65536
# Blanks, or their escapes in a JSON string (`json.dumps` of an indented state).
_WS = r"(?:\s|\\+[nrt])*"
# A list of paths (lists of steps), and an object of flags; read from their opening bracket.
_LIST = re.compile(r"\[[^\]\[]*(?:\[[^\]\[]*(?:\[[^\]]*\][^\]\[]*)*\][^\]\[]*)*\]")
_OBJECT = re.compile(r"\{[^{}]*(?:\{[^{}]*\}[^{}]*)*\}")


def _names(text: str, at: int, q: str, first: bool) -> set[str]:
    """The attribute names listed from `at`: each path's first step (`first`: a state's
    `sensitive_attributes`) or each key whose value is `true` (a plan's `sensitive_values`)."""
    qq = re.escape(q)
    colon, comma = _WS + ":" + _WS, _WS + "," + _WS
    if first:
        listing = _LIST.match(text, at)
        step = (r"\[" + _WS + r"\{" + _WS + qq + "type" + qq + colon + qq + "get_attr" + qq
                + comma + qq + "value" + qq + colon + qq + r"([A-Za-z0-9_]+)" + qq)
    else:
        listing = _OBJECT.match(text, at)
        step = r"(?:\{|,)" + _WS + qq + r"([A-Za-z0-9_]+)" + qq + colon + "true"
    return set(re.findall(step, listing.group())) if listing else set()


def sensitive_spans(match: re.Match[str]) -> list[tuple[int, int]]:
    """The string values of the attributes the match's list names, in the `attributes`
    (state) or `values` (plan) object before it."""
    text, q = match.string, match.group("q")
    state = match.group("w") == "attributes"
    names = _names(text, match.end() - 1, q, state)
    if not names:
        return []
    begin = text.rfind(q + ("attributes" if state else "values") + q,
                       max(0, match.start() - _REACH), match.start())
    if begin < 0:
        return []
    qq = re.escape(q)
    # A value ends at the first quote of its own escape level (one more backslash before
    # a quote is a quote inside it).
    value = r"(?P<v>(?:[^\"\\]|\\.)*)" if q == '"' else r"(?P<v>[^\n]*?)(?<!\\)"
    find = re.compile(qq + "(?:" + "|".join(sorted(names)) + ")" + qq + _WS + ":" + _WS + qq
                      + value + qq)
    out = []
    for m in find.finditer(text, begin, match.start()):
        v = m.group("v")
        if v and not is_placeholder(v):
            out.append(m.span("v"))
    return out


DETECTOR = Detector(
    name="terraform_state",
    description="Values of the attributes a Terraform state marks sensitive.",
    patterns=(
        Pattern(
            "terraform_sensitive",
            r"(?P<q>\\{0,3}\")sensitive_(?P<w>attributes)(?P=q)" + _WS + ":" + _WS + r"\[",
            anchors=("sensitive_attributes",),
            expand=sensitive_spans,
            priority=STRUCTURAL,
        ),
        Pattern(
            "terraform_sensitive",
            r"(?P<q>\\{0,3}\")sensitive_(?P<w>values)(?P=q)" + _WS + ":" + _WS + r"\{",
            anchors=("sensitive_values",),
            expand=sensitive_spans,
            priority=STRUCTURAL,
        ),
    ),
)
