"""Detector: every value of a Kubernetes Secret's `data:` and `stringData:` maps.

A manifest of `kind: Secret` (a file an agent writes or `cat`s, `kubectl get secret -o
yaml`, `helm template` output) says of itself that what its `data:` (base64) and
`stringData:` (plain) maps hold is secret, whatever the keys are called (`STRIPE_SK`,
`gh`, `config.json`): the key-name rules only see the ones named like a secret. So, within
the same YAML document (up to a `---` line, at most `_REACH` characters on), each entry
indented under `data:` or `stringData:` is taken: a plain or quoted scalar on its line, or
the lines of a block scalar (`key: |`) under it. Keys naming a public part (`username`,
`host`, `port`, `tls.crt`, `ca.crt`...) and placeholders or references
(`${DB_PASSWORD}`, `{{ .Values.password }}`, `<base64>`) stay; so does a ConfigMap, which
says the opposite. Lines may be real or JSON-escaped (`\\n`, YAML inside a tool result).
"""

from __future__ import annotations

import re

from cctrace.redact.detectors.base import CONTEXTUAL, Detector, Pattern
from cctrace.redact.stoplist import is_placeholder

# How far after `kind: Secret` the document is read, and before it (`data:` may come
# first: `kubectl get -o yaml` sorts keys, so `data:` precedes `kind:`).
_REACH = 16384
# A line break, real or JSON-escaped once or more.
_BREAK = re.compile(r"\r?\n|(?:\\+r)?\\+n")
_DOC_END = re.compile(r"---[ \t]*$|\.\.\.[ \t]*$")
_MAP = re.compile(r"(?P<i>[ \t]*)(?:data|stringData)[ \t]*:[ \t]*$")
# An entry: indent, key (quoted or not), colon, then a scalar, a block indicator or nothing.
_ENTRY = re.compile(
    r"(?P<i>[ \t]+)(?P<kq>\\{0,3}[\"']?)(?P<k>[\w.\-]{1,253})(?P=kq)[ \t]*:"
    r"(?:[ \t]+(?P<q>\\{0,3}[\"'])?(?P<v>(?(q)[^\"'\\]{1,8192}|[^\s\"'#|>][^\r\n]{0,8191}?))"
    r"(?(q)(?P=q))[ \t]*|[ \t]+(?P<b>[|>][+\-]?)[ \t]*|[ \t]*)$")
# Keys that name a part of a login or a TLS pair nobody keeps secret.
_PUBLIC_KEYS = frozenset((
    "username", "user", "host", "hostname", "port", "database", "dbname", "db", "namespace",
    "tls.crt", "ca.crt", "ca-bundle.crt", "service-ca.crt", "cert", "certificate", "region",
    "endpoint", "url", "email"))


def _lines(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """The (start, end) of each line of `text[start:end]`, breaks real or escaped."""
    spans, at = [], start
    for m in _BREAK.finditer(text, start, end):
        spans.append((at, m.start()))
        at = m.end()
    spans.append((at, end))
    return spans


def _document(text: str, at: int) -> list[tuple[int, int]]:
    """The lines of the YAML document holding offset `at` (bounded both ways)."""
    lines = _lines(text, max(0, at - _REACH), min(len(text), at + _REACH))
    here = next(i for i, (s, e) in enumerate(lines) if s <= at <= e)
    first = here
    while first > 0 and not _DOC_END.match(text, *lines[first - 1]):
        first -= 1
    last = here
    while last + 1 < len(lines) and not _DOC_END.match(text, *lines[last + 1]):
        last += 1
    return lines[first:last + 1]


def _value_ok(key: str, value: str) -> bool:
    return key.lower() not in _PUBLIC_KEYS and not is_placeholder(value.strip())


def _values(match: re.Match[str]) -> list[tuple[int, int]]:
    """The spans of the values under `data:` / `stringData:` in this Secret's document."""
    text = match.string
    lines = _document(text, match.start())
    spans: list[tuple[int, int]] = []
    depth = None  # the indent of the map being read, None outside one
    block: tuple[int, bool] | None = None  # a block scalar's key indent, and whether taken
    for start, end in lines:
        head = _MAP.fullmatch(text, start, end)
        if head is not None:
            depth, block = len(head.group("i")), None
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
            block = (len(entry.group("i")), key.lower() not in _PUBLIC_KEYS)
        elif entry.group("v") is not None and _value_ok(key, entry.group("v")):
            spans.append(entry.span("v"))
    return spans


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
    ),
)
