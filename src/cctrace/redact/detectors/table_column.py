"""Detector: the cells of a table column whose header names a secret.

A markdown table (`| service | user | password |` over `|---|---|---|`) or `psql`-style
output (` name | token ` over `------+-------`) that a model writes or a tool prints puts
the value under its header, with nothing beside it on its row. A column whose header ends
with a secret word (`password`, `db password`, `API token`, `client_secret`; a bare `key`
or `pass` column holds names and test results, not secrets) has each cell checked with
`redact.lone.lone_value`: a placeholder (`n/a`, `***`, `<token>`), a reference, a word, a
path, a digest or a date stays. The separator line is the match; the engine redacts the
cells it expands to (`Pattern.expand`), so a text without tables costs one scan.

SQL's `INSERT INTO t (name, token) VALUES ('prod', '...'), (...)` is a table too: its
column list is the header, each row's quoted values the cells, judged the same way. A
bare `key` / `pass` column counts there when the table's name says what it stores
(`api_keys (name, key)`, `tokens`).
"""

from __future__ import annotations

import re

from cctrace.redact.detectors.base import CONTEXTUAL, Detector, Pattern, line_start
from cctrace.redact.lone import is_password_word, lone_value, names_secret

# The line under the header: dashes (with markdown's alignment colons) joined by `|` (or
# psql's `+`, which MySQL's client also opens and closes the line with: `+----+-----+`);
# a line of dashes alone is a rule or a YAML document start, not a table.
# Linear: every dash run is closed by a mandatory `|`/`+` or the line's end. (One column of
# three dashes is what the engine looks for, `_FIND`; the others may have fewer.)
_SEPARATOR = re.compile(
    r"[ \t]*[|+]?[ \t]*:?-+:?[ \t]*(?:[|+][ \t]*:?-+:?[ \t]*)*[|+]?[ \t]*\r?"
)
# What the engine scans for: `---` next to a `|` or `+` (a literal start, so the scan skips
# text without dashes at C speed), to the end of its line: one match per separator line.
# The `---` is a run's last three dashes (`(?!-)`): inside a 70-dash underline each start
# fails at once instead of scanning the rest of the run again.
_FIND = (
    r"---(?!-)(?::?[ \t]*[|+]|(?<=[|+]---)|(?<=[|+] ---)|(?<=[|+]:---)|(?<=[|+] :---))"
    r"[^\n\\]*"
)
_QUOTES = " \t\r`'\"*"
# A line break, or its escape in a JSON string (`\\n`, `\\\\n`).
_BREAK = re.compile(r"\r?\n|\\{1,3}n")
# How far above the separator the header line may start.
LOOKBACK = 4096


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


def line_end_before(text: str, start: int) -> int:
    """Where the line before the one starting at `start` ends: before its break (a
    newline, `\\r\\n`, or a JSON-escaped one, its backslashes included)."""
    end = start - 1 if text[start - 1] == "\n" else start - 2
    while end > 0 and text[end - 1] in "\\\r":
        end -= 1
    return end


def secret_cells(match: re.Match[str]) -> list[tuple[int, int]]:
    """(start, end) of every cell under a secret-named header cell of the table whose
    separator line `match` is, when the value passes `lone_value`. Lines end at a newline
    or at its JSON escape (a table inside a JSON string)."""
    text = match.string
    window = max(0, match.start() - LOOKBACK)
    sep = line_start(text, match.start(), window)
    if sep is None or sep == 0 or not _SEPARATOR.fullmatch(text, sep, match.end()):
        return []  # no header line above, or the line is more than a separator
    head_end = line_end_before(text, sep)
    head = line_start(text, head_end, window)
    if head is None:
        return []  # the header line starts out of sight
    header = text[head:head_end]
    cols = _secret_columns(header)
    out = []
    pos = match.end()
    while cols and (brk := _BREAK.match(text, pos)) is not None:
        start = brk.end()
        nxt = _BREAK.search(text, start)
        pos = len(text) if nxt is None else nxt.start()
        line = text[start:pos]
        if "|" not in line:
            break
        for i, (a, b) in enumerate(_cells(line)):
            value = line[a:b]
            if i in cols and " " not in value and lone_value(value, cols[i], header):
                out.append((start + a, start + b))
    return out


# An INSERT's column list; the rows after `VALUES` are read by `_rows`.
_INSERT = (r"insert[ \t]+into[ \t]+(?P<table>[^\s(]{1,128})[ \t]*\((?P<cols>[^()\n]{1,1024})\)"
           r"[ \t]*(?:\r?\n|\\{1,3}n)?[ \t]*values[ \t]*")
# One value of a row: an SQL string (`''` doubles a quote inside) or anything up to the
# next `,` / `)`; then the separator after it.
_VALUE = re.compile(r"[ \t]*(?:'(?P<s>(?:[^'\n\\]|''){0,512})'"
                    r"|[^,()'\n]{0,256}(?:\([^()\n]{0,256}\))?)[ \t]*(?P<sep>[,)])")
_ROW_GAP = re.compile(r"(?:[ \t,]|\r?\n|\\{1,3}n){0,16}\(")
_MAX_ROWS = 256


def named_columns(table: str, cols: str) -> dict[int, bool]:
    """Column index -> whether it holds passwords, for the columns naming a secret."""
    stored = names_secret(re.sub(r"s$", "", table.strip("`\"[]\\").rpartition(".")[2]))
    out = {}
    for i, col in enumerate(cols.split(",")):
        name = col.strip(" \t`\"[]\\")  # a JSON string escapes the quotes
        word = names_secret(name)
        if word and (name.lower() not in ("key", "pass") or stored):
            out[i] = is_password_word(word)
    return out


def insert_cells(match: re.Match[str]) -> list[tuple[int, int]]:
    """(start, end) of every quoted value, in each row after `VALUES`, of a column whose
    name names a secret (`named_columns`), when it passes `lone_value`."""
    text = match.string
    cols = named_columns(match.group("table"), match.group("cols"))
    width = match.group("cols").count(",") + 1
    out: list[tuple[int, int]] = []
    if not cols:
        return out
    pos = match.end()
    for _ in range(_MAX_ROWS):
        gap = _ROW_GAP.match(text, pos)
        if gap is None:
            return out
        pos = gap.end()
        for i in range(width):
            v = _VALUE.match(text, pos)
            if v is None:
                return out
            pos = v.end()
            value = v.group("s")
            if i in cols and value is not None and lone_value(value, cols[i], match.group()):
                out.append(v.span("s"))
            if v.group("sep") == ")":
                break
    return out


DETECTOR = Detector(
    name="table_column",
    description="Cells under a table header naming a secret (markdown, psql output).",
    patterns=(
        Pattern(
            "table_secret",
            _FIND,
            # Every separator line holds one: where a dash run meets a `|` / `+` (not `---`
            # itself, which docstring underlines repeat thousands of times).
            anchors=("-|", "|-", "- |", "| -", ":|", "|:", "-+-"),
            expand=secret_cells,
            priority=CONTEXTUAL,
        ),
        Pattern(
            "table_secret",
            _INSERT,
            anchors=("insert into",),
            at_anchor=True,
            expand=insert_cells,
            priority=CONTEXTUAL,
        ),
    ),
)
