"""Detector: the values of a Kubernetes Secret's `data:` and `stringData:` maps.

A manifest of `kind: Secret` (a file an agent writes or `cat`s, `kubectl get secret -o
yaml`, `helm template` output) says of itself that its `data:` (base64) and `stringData:`
(plain) maps hold secrets, but not every entry is one (`region: ZXUtd2VzdC0x`, a `motd`),
and the key-name rules only see keys named like a secret. So, within the same YAML
document (between `---` lines, at most `_REACH` characters either way), each entry indented
under `data:` or `stringData:` is judged with the Secret as its context: a `data:` value
is read decoded (a value that is no base64 of text, a key's random bytes, is taken); a key
naming a secret (`DB_PASSWORD`, `api-token`) has its value judged as an env file's
`NAME=value` (`env_command.named_value_ok`: a chosen password taken, a digest, UUID, path
or reference not); any other key (`STRIPE_SK`, `gh`, `relay`) has it taken when it is no
look-alike (`lone.lone_value` with the key as context: `git_commit` makes 40 hex a SHA)
and reads as drawn (16+ characters, `randomness.looks_random`) or mixes all four
character classes (a chosen password; `eu-west-1` mixes three). A block scalar (`key:
|`) is taken line by line under a key naming a secret; under another (`app.yaml: |`) its
lines are the other detectors' (a `pass:` inside is theirs). So `username: YWRtaW4=`,
`host:`, a `tls.crt` certificate and placeholders stay; a ConfigMap says the opposite and
is not read. Lines may be real or JSON-escaped (`\\n`, YAML inside a tool result).
`kubectl get secret -o json` writes the same maps as JSON (`"data": {"k": "..."}`, before
`"kind": "Secret"` as it sorts keys): the nearest such object with no other `"kind"`
between it and the Secret's is read, each entry judged the same way.
"""

from __future__ import annotations

import re

from cctrace.redact.detectors.base import (
    CONTEXTUAL,
    Detector,
    Pattern,
    char_classes,
    line_start,
)
from cctrace.redact.detectors.env_command import named_value_ok
from cctrace.redact.lone import lone_value, names_secret
from cctrace.redact.randomness import looks_random
from cctrace.redact.stoplist import is_placeholder
from cctrace.redact.views import decode_text

# How far after `kind: Secret` the document is read, and before it (`data:` may come
# first: `kubectl get -o yaml` sorts keys, so `data:` precedes `kind:`).
_REACH = 16384
# A line break, real or JSON-escaped once or more.
_BREAK = re.compile(r"\r?\n|(?:\\+r)?\\+n")
_DOC_END = re.compile(r"---[ \t]*(?:\r?\n|\\+[nr]|$)")
# How many `---` that start no separator line a walk to the document's edge passes.
_SEPARATORS = 16
_BASE64 = re.compile(r"[A-Za-z0-9+/]+={0,2}")
_KIND = re.compile(r"(?i)kind:[ \t]?Secret(?=[ \t]*(?:\r?\n|\\+[nr]|$))")
_MAP = re.compile(r"(?P<i>[ \t]*)(?P<m>data|stringData)[ \t]*:[ \t]*$")
# An entry: indent, key (quoted or not), colon, then a scalar, a block indicator or nothing;
# the last line of YAML inside a JSON string ends with the string's quote (`\"`), no value's.
_ENTRY = re.compile(
    r"(?P<i>[ \t]+)(?P<kq>\\{0,3}[\"']?)(?P<k>[\w.\-]{1,253})(?P=kq)[ \t]*:"
    r"(?:[ \t]+(?P<q>\\{0,3}[\"'])?(?P<v>(?(q)[^\"'\\]{1,8192}|[^\s\"'#|>][^\r\n]{0,8191}?))"
    r"(?(q)(?P=q))[ \t]*(?:\\{0,3}\")?|[ \t]+(?P<b>[|>][+\-]?)[ \t]*|[ \t]*)$")

def _lines(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """The (start, end) of each line of `text[start:end]`, breaks real or escaped."""
    spans, at = [], start
    for m in _BREAK.finditer(text, start, end):
        spans.append((at, m.start()))
        at = m.end()
    spans.append((at, end))
    return spans


def _separator(text: str, lo: int, hi: int, backward: bool) -> int | None:
    """The start of the nearest `---` line in `text[lo:hi]` (the last one when
    `backward`), or None; at most `_SEPARATORS` `---` that start no such line are passed."""
    at = hi if backward else lo
    for _ in range(_SEPARATORS):
        i = text.rfind("---", lo, at) if backward else text.find("---", at, hi)
        if i < 0:
            return None
        if _DOC_END.match(text, i) and line_start(text, i, max(0, i - 4)) == i:
            return i
        at = i if backward else i + 3
    return None


def _document(text: str, at: int) -> list[tuple[int, int]]:
    """The lines of the YAML document holding offset `at` (bounded both ways), or none when
    an earlier `kind: Secret` of the same document was read already."""
    lo = max(0, at - _REACH)
    sep = _separator(text, lo, at, backward=True)
    first = lo if sep is None else sep + 3
    if _KIND.search(text, first, at) is not None:
        return []
    hi = min(len(text), at + _REACH)
    sep = _separator(text, at, hi, backward=False)
    lines = _lines(text, first, hi if sep is None else sep)
    # A line the reach cuts is no entry (its value would be a fragment).
    if sep is None and hi < len(text):
        lines.pop()
    if first == lo and lo > 0 and line_start(text, lo, max(0, lo - 4)) != lo:
        lines.pop(0)
    return lines


def _value_ok(key: str, value: str, encoded: bool) -> bool:
    """A `data:` (`encoded`) or `stringData:` entry's value is a secret (module doc)."""
    if is_placeholder(value.strip()):
        return False
    plain = decode_text(value) if encoded else value
    if plain is None:
        if _BASE64.fullmatch(value) and len(value) % 4 == 0:
            return True  # base64 of no text: a key's bytes
        plain = value  # no base64 at all: read as it is
    plain = plain.strip()
    if names_secret(key):
        return named_value_ok(key, plain)
    # Any other key: no look-alike (a digest the key calls one, a UUID, base64 of text), and
    # drawn, or all four character classes (a chosen password: `eu-west-1` has three).
    return lone_value(plain, False, key) and (looks_random(plain, 16)
                                              or char_classes(plain) == 4)


def _values(match: re.Match[str]) -> list[tuple[int, int]]:
    """The spans of the secret values under `data:` / `stringData:` in this document."""
    text = match.string
    lines = _document(text, match.start())
    spans: list[tuple[int, int]] = []
    depth = None  # the indent of the map being read, None outside one
    encoded = False  # `data:` (base64) or `stringData:` (plain)
    block: tuple[int, bool] | None = None  # a block scalar's key indent, and whether taken
    for start, end in lines:
        head = _MAP.fullmatch(text, start, end)
        if head is not None:
            depth, block = len(head.group("i")), None
            encoded = head.group("m") == "data"
            continue
        if depth is None:
            continue
        indent = len(text[start:end]) - len(text[start:end].lstrip(" \t"))
        if start == end or indent == end - start:
            continue  # a blank line
        if block is not None and indent > block[0]:
            if block[1]:
                spans.append((start + indent, end))
            continue
        block = None
        entry = _ENTRY.fullmatch(text, start, end)
        if entry is None or len(entry.group("i")) <= depth:
            depth = None if indent <= depth else depth
            continue
        key = entry.group("k")
        if entry.group("b") is not None:
            block = (len(entry.group("i")), bool(names_secret(key)))
        elif entry.group("v") is not None and _value_ok(key, entry.group("v"), encoded):
            spans.append(entry.span("v"))
    return spans


_Q = r"\\{0,3}\""
# A JSON map of the Secret's, its entries, and another object's `kind` (a List's items).
_JSON_MAP = re.compile(_Q + r"(?P<m>data|stringData)" + _Q + r"[ \t\r\n]*:[ \t\r\n]*\{"
                       r"(?P<body>[^{}]{0,16384})\}")
_JSON_ENTRY = re.compile(_Q + r"(?P<k>[\w.\-]{1,253})" + _Q + r"[ \t\r\n]*:[ \t\r\n]*" + _Q
                         + r"(?P<v>[^\"\\]{1,8192})" + _Q)


def _json_values(match: re.Match[str]) -> list[tuple[int, int]]:
    """The spans of the secret values of the JSON `data` / `stringData` map nearest to
    this `"kind": "Secret"` (before it, else after it), no other `"kind"` between: the
    text read runs from the `kind"` before to the one after (found at C speed), so a
    text of many objects is read once in all."""
    text, at = match.string, match.start()
    lo = max(text.rfind('kind"', max(0, at - _REACH), at),
             text.rfind("kind\\", max(0, at - _REACH), at), max(0, at - _REACH))
    hi = min(len(text), match.end() + _REACH)
    nxt = [i for i in (text.find('kind"', match.end(), hi), text.find("kind\\", match.end(), hi))
           if i >= 0]
    hi = min(nxt, default=hi)
    before = list(_JSON_MAP.finditer(text, lo, at))
    found = before[-1] if before else _JSON_MAP.search(text, match.end(), hi)
    if found is None:
        return []
    encoded = found.group("m") == "data"
    return [e.span("v") for e in _JSON_ENTRY.finditer(text, found.start("body"),
                                                      found.end("body"))
            if _value_ok(e.group("k"), e.group("v"), encoded)]


DETECTOR = Detector(
    name="k8s_secret",
    description="Values of a Kubernetes Secret's data: and stringData: maps.",
    patterns=(
        Pattern(
            "k8s_secret",
            r"kind:[ \t]?Secret(?=[ \t]*(?:\r?\n|\\+[nr]|$))",
            anchors=("kind: secret", "kind:secret"),
            at_anchor=True,
            expand=_values,
            priority=CONTEXTUAL,
        ),
        Pattern(
            "k8s_secret",
            r"kind" + _Q + r"[ \t]*:[ \t]*" + _Q + r"Secret" + _Q,
            # the quotes as written, JSON-escaped once, and twice (JSON inside JSON)
            anchors=tuple(f"kind{q}:{b}{q}secret" for q in ('"', '\\"', '\\\\\\"')
                          for b in (" ", "")),
            at_anchor=True,
            expand=_json_values,
            priority=CONTEXTUAL,
        ),
    ),
)
