"""Table rows a tool wrapped into continuation rows: a secret cut across a cell's lines.

CLIs that print tables (`aws ... --output table`, `heroku config`, `az`, `terraform output`,
ASCII and box-drawing tables) wrap a long value inside its column: the cell goes on in the
next rows, whose first cell is blank. No detector matches either fragment whole.
`cell_candidates` reads each such row as one row with its cells joined, runs the engine's
detection on it (so the joined row is judged exactly as the row would be had nothing
wrapped), and maps a find that crosses from one fragment to the next back onto the text: it
then covers the fragments and the table borders between them. Pure; a text without a
`|` (or `│`, `┃` in a non-ASCII text) costs one character search.
"""

from __future__ import annotations

import re
from collections.abc import Callable

Candidate = tuple[int, int, int, str, str]
Find = Callable[[str], list[Candidate]]

_ROW = re.compile(r"[ \t]*[|│┃].*[|│┃][ \t]*")
_BAR = re.compile(r"[|│┃]")


def cell_candidates(text: str, find: Find) -> list[Candidate]:
    """Finds that cross the fragments of a cell wrapped over continuation rows."""
    # The bars the text holds (a one-character search is a memchr: most texts stop here).
    bars = ("|",) if text.isascii() else ("|", "│", "┃")
    ends = tuple(bar + "\n" for bar in bars if bar in text)
    out: list[Candidate] = []
    pos = 0
    while (nl := _next_row_end(text, pos, ends)) >= 0:
        start = text.rfind("\n", 0, nl) + 1
        head = _cells(text[start:nl], start)
        more: list[list[tuple[int, int]]] = []
        at = nl + 1
        while head is not None and at < len(text):
            end = text.find("\n", at)
            end = len(text) if end < 0 else end
            row = _cells(text[at:end], at)
            if row is None or not _continues(head, row):
                break
            more.append(row)
            at = end + 1
        if head is not None and more:
            out += _joined(text, head, more, find)
        pos = max(nl + 1, at - 1)
    return out


def _next_row_end(text: str, pos: int, ends: tuple[str, ...]) -> int:
    """The offset of the next newline right after a bar, or -1 (literal finds: C speed)."""
    found = [i for i in (text.find(e, pos) for e in ends) if i >= 0]
    return min(found) + 1 if found else -1


def _cells(line: str, at: int) -> list[tuple[int, int]] | None:
    """The (start, end) text offsets of each cell's content (blanks trimmed), or None when
    `line` is not a table row."""
    if not _ROW.fullmatch(line):
        return None
    bars = [m.start() for m in _BAR.finditer(line)]
    cells = []
    for a, b in zip(bars, bars[1:], strict=False):
        part = line[a + 1:b]
        lead = len(part) - len(part.lstrip())
        stripped = part.strip()
        cells.append((at + a + 1 + lead, at + a + 1 + lead + len(stripped)))
    return cells


def _continues(head: list[tuple[int, int]], row: list[tuple[int, int]]) -> bool:
    """A continuation row: as many cells as the row it continues, the first blank, another
    not, and every cell it fills was full in the head row (so the content runs on)."""
    if len(row) != len(head) or len(row) < 2 or row[0][0] != row[0][1]:
        return False
    filled = [k for k, (a, b) in enumerate(row) if b > a]
    return bool(filled) and all(head[k][1] > head[k][0] for k in filled)


def _joined(text: str, head: list[tuple[int, int]], more: list[list[tuple[int, int]]],
            find: Find) -> list[Candidate]:
    """Detect in the row with each cell's fragments joined; map crossing finds back."""
    pieces: list[tuple[int, int, int, int]] = []  # (column, joined offset, start, end)
    line = "|"
    for k, (a, b) in enumerate(head):
        line += " "
        for s, e in [(a, b)] + [r[k] for r in more if r[k][1] > r[k][0]]:
            pieces.append((k, len(line), s, e))
            line += text[s:e]
        line += " |"
    out: list[Candidate] = []
    for start, end, *rest in find(line):
        hit = [p for p in pieces if p[1] < end and start < p[1] + (p[3] - p[2])]
        if len(hit) < 2 or hit[0][0] != hit[-1][0]:
            continue  # inside one fragment (the text holds it as it is), or across columns
        first, last = hit[0], hit[-1]
        out.append((first[2] + max(0, start - first[1]),
                    min(last[3], last[2] + end - last[1]), *rest))
    return out
