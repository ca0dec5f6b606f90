"""Detector: the cells of a table column whose header names a secret.

A markdown table (`| service | user | password |` over `|---|---|---|`) or `psql`-style
output (` name | token ` over `------+-------`) that a model writes or a tool prints puts
the value under its header, with nothing beside it on its row. A column whose header ends
with a secret word (`password`, `db password`, `API token`, `client_secret`; a bare `key`
or `pass` column holds names and test results, not secrets) has each cell checked with
`redact.lone.lone_value`: a placeholder (`n/a`, `***`, `<token>`), a reference, a word, a
path, a digest or a date stays. Tables are found by their separator line, once per text
(cached), so each cell match costs a set lookup.
"""

from __future__ import annotations

import re
from functools import lru_cache

from cctrace.redact.detectors.base import CONTEXTUAL, Detector, Pattern
from cctrace.redact.lone import is_password_word, lone_value, names_secret

# The line under the header: dashes (with markdown's alignment colons) joined by `|` (or
# psql's `+`); a line of dashes alone is a rule or a YAML document start, not a table.
_SEPARATOR = re.compile(
    r"(?m)^[ \t]*\|?[ \t]*:?-{3,}:?[ \t]*(?:[|+][ \t]*:?-{3,}:?[ \t]*)*[|+]?[ \t]*\r?$"
)
_QUOTES = " \t\r`'\"*"
# A cell: the text between pipes (or a line's start / end), without blanks and quotes.
_CELL = (
    r"(?m)(?:^|\|)[ \t]*[`'\"*]*(?P<s>[^|\s`'\"*](?:[^|\n]*?[^|\s`'\"*])?)"
    r"(?=[`'\"*]*[ \t]*(?:\||\r?$))"
)


def _cells(line: str) -> list[tuple[int, int]]:
    """(start, end) of each cell of `line` split at `|`, stripped of blanks and quotes."""
    out = []
    start = 0
    for part in line.split("|"):
        lead = len(part) - len(part.lstrip(_QUOTES))
        core = part.strip(_QUOTES)
        out.append((start + lead, start + lead + len(core)))
        start += len(part) + 1
    return out


def _secret_columns(header: str) -> dict[int, bool]:
    """Column index -> whether it holds passwords, for the header cells naming a secret."""
    cols = {}
    for i, (a, b) in enumerate(_cells(header)):
        name = header[a:b]
        word = names_secret(name)
        if word and name.lower() not in ("key", "pass"):
            cols[i] = is_password_word(word)
    return cols


@lru_cache(maxsize=8)
def secret_cells(text: str) -> frozenset[tuple[int, int]]:
    """(start, end) of every cell in a secret-named column of a table of `text` whose value
    passes `lone_value`."""
    out = set()
    for sep in _SEPARATOR.finditer(text):
        if "|" not in sep.group() and "+" not in sep.group() or sep.start() == 0:
            continue
        head_start = text.rfind("\n", 0, sep.start() - 1) + 1
        header = text[head_start:sep.start() - 1]
        cols = _secret_columns(header)
        pos = sep.end() + 1
        while cols and pos < len(text):
            end = text.find("\n", pos)
            end = len(text) if end < 0 else end
            line = text[pos:end]
            if "|" not in line:
                break
            for i, (a, b) in enumerate(_cells(line)):
                value = line[a:b]
                if i in cols and " " not in value and lone_value(value, cols[i], header):
                    out.add((pos + a, pos + b))
            pos = end + 1
    return frozenset(out)


def _in_secret_column(match: re.Match[str]) -> bool:
    return match.span("s") in secret_cells(match.string)


DETECTOR = Detector(
    name="table_column",
    description="Cells under a table header naming a secret (markdown, psql output).",
    patterns=(
        Pattern(
            "table_secret",
            _CELL,
            # Every separator line holds one of these; text without a table costs nothing.
            anchors=("-|-", "-+-", "|--", "|:-", "| -", "| :-"),
            check=_in_secret_column,
            priority=CONTEXTUAL,
        ),
    ),
)
