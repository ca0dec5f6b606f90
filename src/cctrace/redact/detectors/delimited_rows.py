"""Detector: the fields of delimited rows under a column naming a secret.

CSV and TSV files, `sqlite3 -header` list mode and `mysql -B` batch output put a header of
column names on one line (`username,password,role`, `id|email|password`, tab-separated)
and the rows under it with the same delimiter and the same number of fields; nothing on a
row says which field is the password but its position. A header is a line of two or more
plain names (quotes allowed) split by one of `,` `;` `|` or a tab (or its JSON escape); a
column whose name ends with a secret word (`lone.names_secret`; a bare `key` / `pass`
holds names) has its field in each following row of the same width judged with
`lone.lone_value`, up to 256 rows or the first row of another width.

`sqlite3 app.db "select id,user,password from users"` prints its rows with no header at
all (list mode, `|` between fields): the SELECT list is the header. Its columns (an
alias after `AS`, else the last dotted part; a bare `key` / `pass` when the table's name
says what it stores, `api_keys`) mark the fields of the rows printed right after it,
`|`-, tab- or comma-separated, as wide as the list. `SELECT *` names no column.
"""

from __future__ import annotations

import re

from cctrace.redact.detectors.base import GENERIC, Detector, Pattern, line_start
from cctrace.redact.detectors.env_command import named_value_ok
from cctrace.redact.detectors.table_column import line_end_before, named_columns
from cctrace.redact.lone import is_password_word, lone_value, names_secret
from cctrace.redact.secret_names import PUBLIC_NAME

# A line break, or its escape in a JSON string (`\\n`, `\\r\\n`, escaped twice too).
_BREAK = re.compile(r"\r?\n|(?:\\{1,3}r)?\\{1,3}n")
# Delimiters in the order tried: a JSON-escaped tab before a tab, both before the others
# (a TSV field may hold a comma).
_DELIMITERS = ("\\t", "\t", "\u2502", "|", ",", ";")
# A column name once its blanks and quotes are off: a plain name of up to four words.
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_.\-]{0,40}(?: [A-Za-z0-9_.\-]{1,40}){0,3}")
_EDGES = " \t\r\"'`\\"
# A rule line of a drawn box (`├──────┼──────┤`) or of dashes.
_RULE = re.compile(r"[ \t\r\-+=|\u2500-\u257f]{3,}")
# How far above a secret word its header line may start, and how many rows are read.
LOOKBACK = 2048
MAX_ROWS = 256
MAX_LINE = 4096


def _split(line: str, delimiter: str) -> list[tuple[int, int]]:
    """(start, end) of each field of `line`, blanks and quotes (escaped ones too) off; a
    delimiter opening and closing the line (`│ NAME │ VALUE │`) frames it, no field."""
    out, start = [], 0
    for part in line.split(delimiter):
        lead = len(part) - len(part.lstrip(_EDGES))
        core = part.strip(_EDGES)
        out.append((start + lead, start + lead + len(core)))
        start += len(part) + len(delimiter)
    if len(out) > 2 and line.strip(" \t\r").startswith(delimiter) and line.strip(
            " \t\r").endswith(delimiter):
        out = out[1:-1]
    return out


def _header(line: str) -> tuple[str, list[str]] | None:
    """The delimiter and the column names of `line` when it is a header of plain names."""
    for delimiter in _DELIMITERS:
        if delimiter not in line:
            continue
        names = [line[a:b] for a, b in _split(line, delimiter)]
        if len(names) >= 2 and all(_NAME.fullmatch(n) for n in names):
            return delimiter, names
        return None  # a line split by its first delimiter into other things is no header
    return None


# Columns naming a login: a bare `pass` beside one is its password, not a test's result.
_LOGINS = frozenset({"user", "username", "user_name", "login", "email", "account", "userid"})


def _columns(names: list[str]) -> dict[int, bool]:
    """Column index -> whether it holds passwords, for the names naming a secret."""
    login = any(n.lower() in _LOGINS for n in names)
    out = {}
    for i, name in enumerate(names):
        word = names_secret(name)
        if word and not PUBLIC_NAME.search(name) and (
                name.lower() not in ("key", "pass") or (login and word == "pass")):
            out[i] = is_password_word(word)
    return out


def line_end(text: str, pos: int) -> int | None:
    """Where the line holding `pos` ends (at its break, or the text's end), looked for
    `MAX_LINE` characters on: None for a longer line, no table's (a minified file holding
    a keyword at every few characters costs a bounded look per hit, not the rest of its
    line each time)."""
    limit = pos + MAX_LINE
    # (two finds in C, not a regex walked a character at a time, at each keyword's hit)
    ends = [i for i in (text.find("\n", pos, limit), text.find("\\n", pos, limit)) if i >= 0]
    if ends:
        end = min(ends)
        while end > pos and text[end - 1] in "\\\r":
            end -= 1  # the backslashes of an escaped break, the `\r` of `\r\n`
        return end
    return len(text) if len(text) - pos <= MAX_LINE else None


def next_line(text: str, pos: int) -> tuple[int, int] | None:
    """(start, end) of the line after the one ending at `pos` (at its break), None at the
    text's end or for a line past `MAX_LINE`."""
    brk = _BREAK.match(text, pos)
    end = None if brk is None else line_end(text, brk.end())
    return None if brk is None or end is None else (brk.end(), end)


# The names of a two-column table of names and values (`doppler secrets`, a settings dump).
_NAME_COLUMNS = frozenset({"name", "key", "variable", "setting", "secret"})


def _pair_header(names: list[str]) -> bool:
    return len(names) == 2 and names[1].lower() == "value" and names[0].lower() in _NAME_COLUMNS


def _rows(text: str, pos: int, delimiter: str, width: int, cols: dict[int, bool] | None,
          context: str = "") -> list[tuple[int, int]]:
    """The judged fields under `cols` of the rows after the line ending at `pos`: each
    `width` fields split by `delimiter`, up to the first that is not (a box's rule is
    passed over; a header repeated reads as names, no value). `cols` None: a `NAME |
    VALUE` table, the
    value of a row whose name names a secret, judged as an env file's `NAME=value`
    (`env_command.named_value_ok`: `cache_key`'s SHA is no secret)."""
    out: list[tuple[int, int]] = []
    for _ in range(MAX_ROWS):
        span = next_line(text, pos)
        if span is None:
            return out
        start, pos = span
        line = text[start:pos]
        if _RULE.fullmatch(line):
            continue  # a box's rule between the header and the rows
        fields = _split(line, delimiter)
        if len(fields) != width:
            return out
        cells = [line[a:b] for a, b in fields]
        # A header again ends the rows (its own hit reads its table: a text of such lines
        # costs one reading each, not `MAX_ROWS`): `NAME | VALUE` once more, or a name of
        # a secret where a value should be.
        if cols is None:  # judged as the env file's `NAME=value`
            if _pair_header(cells):
                return out
            if named_value_ok(cells[0], cells[1]):
                out.append((start + fields[1][0], start + fields[1][1]))
            continue
        if any(names_secret(cells[i]) for i in cols):
            return out
        for i, password in cols.items():
            if lone_value(cells[i], password, context):
                out.append((start + fields[i][0], start + fields[i][1]))
    return out


def _header_line(match: re.Match[str]) -> tuple[int, str, list[str]] | None:
    """Where the line holding `match` ends, its delimiter and names, when it is a header."""
    text = match.string
    head = line_start(text, match.start(), max(0, match.start() - LOOKBACK))
    end = line_end(text, match.start())
    header = None if head is None or end is None else _header(text[head:end])
    return None if header is None else (end, *header)


# The cell a header's secret word sits in, from the delimiter or line break before it: a
# plain name (blanks, quotes, escaped quotes). Anything else there (`{"api_key",`,
# `x = key,`) is no header, told without reading the line (the word is everywhere in code).
_CELL_CHARS = re.compile(r"[A-Za-z0-9_.\- \t\"'`]*")
# What may open a cell: a delimiter (True), a line break (False), a backslash (an escape,
# looked at next); and after a backslash, an escaped tab (a delimiter) or break.
_BOUNDARIES = {",": True, ";": True, "|": True, "\t": True, "\u2502": True, "\r": False,
               "\n": False, "\\": None}
_ESCAPED = {"t": True, "n": False, "r": False}
_CELL_MAX = 200
_ESCAPED_QUOTES = 8


def _cell_left(text: str, start: int) -> bool | None:
    """What opens the cell holding `start`: a delimiter (True), a line break or the text's
    start (False); None when what precedes `start` in it cannot be part of a name."""
    lo = max(0, start - _CELL_MAX)
    end = start
    for _ in range(_ESCAPED_QUOTES):  # escaped quotes inside the cell: a few at most
        at = max(text.rfind(c, lo, end) for c in _BOUNDARIES)
        if at < 0:
            return False if lo == 0 and _CELL_CHARS.fullmatch(text, 0, end) else None
        if _CELL_CHARS.fullmatch(text, at + 1, end) is None:
            return None
        opens = _BOUNDARIES[text[at]]
        if opens is not None:
            return opens
        nxt = text[at + 1:at + 2]
        if nxt in _ESCAPED:
            return _ESCAPED[nxt]
        if nxt not in ("\"", "'"):
            return None
        end = at  # an escaped quote: part of the cell (`\\\"` too), look further left
        while end > lo and text[end - 1] == "\\":
            end -= 1
    return None


def _ends_line(found: str) -> bool:
    """Whether a header word's match ends at a line break (else at a delimiter)."""
    return found.endswith("\n") or found.endswith(("\\n", "\\r"))


def header_cells(match: re.Match[str]) -> list[tuple[int, int]]:
    """The fields under the secret-named columns of the header line holding `match`."""
    left = _cell_left(match.string, match.start())
    if left is None or (not left and _ends_line(match.group())):
        return []  # not a name, or alone on its line: no header of two names or more
    found = _header_line(match)
    if found is None:
        return []
    end, delimiter, names = found
    cols = _columns(names)
    if not cols:
        return []  # (no rows read for nothing: a text of `a,key` lines)
    return _rows(match.string, end, delimiter, len(names), cols, "|".join(names))




# What precedes `value` in such a header: a name column's word, then its delimiter and
# padding (a look at 96 characters before the hit spares the line's reading at each
# `value` ending a line of code).
_PAIR_HEAD = re.compile(r"(?i)(?:name|key|variable|setting|secret)[^\w\n]{1,80}\Z")
# The run of non-word characters right before `value`, and what must be in it.
_GAP = re.compile(r"[^\w\n]{1,80}\Z")
_PAIR_DELIMITERS = ("|", "\u2502", "\t", ",", ";")


def pair_cells(match: re.Match[str]) -> list[tuple[int, int]]:
    """The values of the rows of a `NAME | VALUE` table whose name names a secret."""
    text, start = match.string, match.start()
    gap = _GAP.search(text, max(0, start - 80), start)
    if gap is None or not any(c in gap.group() for c in _PAIR_DELIMITERS):
        return []  # `return value`: no delimiter between a name column and `value`
    if _PAIR_HEAD.search(text, max(0, start - 96), start) is None:
        return []
    found = _header_line(match)
    if found is None or not _pair_header(found[2]):
        return []
    end, delimiter, names = found
    return _rows(match.string, end, delimiter, 2, None)


# A ruler of dash runs apart (`-----  --------`): sqlite's `.mode column`, PowerShell's
# `Format-Table`; each run spans its column, from its start to the next run's.
_RULER = re.compile(r"[ \t]*-{2,}(?:[ \t]+-{2,}){1,31}[ \t]*\r?")
_RUN = re.compile(r"-{2,}")
_FIRST_RUN = re.compile(r"[ \t]*-{2,}")


def _at(line: str, starts: list[int], i: int) -> tuple[int, int]:
    """(start, end) of column `i` of a ruled `line`, its blanks off."""
    a, b = starts[i], len(line) if i + 1 == len(starts) else starts[i + 1]
    cell = line[a:b]
    lead = len(cell) - len(cell.lstrip())
    return a + lead, a + lead + len(cell.strip())


def ruler_cells(match: re.Match[str]) -> list[tuple[int, int]]:
    """The cells of a ruled table under a secret-named header, or the values of its
    `Name  Value` rows whose name names a secret."""
    text = match.string
    window = max(0, match.start() - LOOKBACK)
    sep = line_start(text, match.start(), window)
    end = line_end(text, match.start())
    if not sep or end is None or _FIRST_RUN.fullmatch(text, sep, match.start() + 2) is None:
        return []  # (the line's first gap reads the table: one reading per ruler)
    if not _RULER.fullmatch(text, sep, end):
        return []
    starts = [m.start() for m in _RUN.finditer(text, sep, end)]
    starts = [i - sep for i in starts]
    head_end = line_end_before(text, sep)
    head = line_start(text, head_end, window)
    if head is None:
        return []
    header = text[head:head_end]
    names = [header[a:b] for a, b in (_at(header, starts, i) for i in range(len(starts)))]
    pairs = _pair_header(names)
    cols = {} if pairs else _columns(names)
    out: list[tuple[int, int]] = []
    if not (pairs or cols):
        return out
    for _ in range(MAX_ROWS):
        span = next_line(text, end)
        if span is None or span[0] == span[1]:
            return out  # the text's or the table's end (an empty line)
        start, end = span
        line = text[start:end]
        if _RULER.fullmatch(line):
            return out  # another table's ruler (its header was read as a row: names)
        cells = [_at(line, starts, i) for i in range(len(starts))]
        if pairs:
            (n, m), (a, b) = cells
            if " " not in line[a:b] and named_value_ok(line[n:m], line[a:b]):
                out.append((start + a, start + b))
            continue
        for i, password in cols.items():
            value = line[cells[i][0]:cells[i][1]]
            if " " not in value and lone_value(value, password, header):
                out.append((start + cells[i][0], start + cells[i][1]))
    return out


# A SELECT list and its table, on one line (a shell's `sqlite3 db "select ..."` or a
# prompt's `sqlite> select ...;`).
_SELECT = (r"select[ \t]+(?P<cols>[^;\n\"'\\*]{1,512}?)[ \t]+from[ \t]+"
           r"(?P<table>[A-Za-z_][\w.]{0,127})")


def _select_names(cols: str) -> list[str] | None:
    """The names a SELECT list gives its columns (an alias, with `AS` or without, else the
    last dotted part), None when one is no plain column (a call, an expression)."""
    out = []
    for col in cols.split(","):
        words = col.split()
        name = words[-1].rpartition(".")[2].strip(_EDGES) if words else ""
        if not _NAME.fullmatch(name):
            return None
        out.append(name)
    return out


def select_cells(match: re.Match[str]) -> list[tuple[int, int]]:
    """The fields under the SELECT list's secret-named columns of the rows printed next."""
    text = match.string
    names = _select_names(match.group("cols"))
    if names is None or len(names) < 2:
        return []
    cols = named_columns(match.group("table"), ",".join(names))
    if not cols:
        return []
    end = line_end(text, match.end())
    first = None if end is None else next_line(text, end)
    if end is None or first is None:
        return []
    row = text[first[0]:first[1]]
    for delimiter in _DELIMITERS:
        if row.count(delimiter) == len(names) - 1:
            return _rows(text, end, delimiter, len(names), cols, match.group())
    return []


# Every pattern at generic priority: a find by position gives way to a detector that
# knows the value's own shape (a stored hash, a provider's token) for the type.
DETECTOR = Detector(
    name="delimited_rows",
    description="Fields of CSV/TSV and sqlite list-mode rows under a column naming a secret.",
    patterns=(
        Pattern(
            "table_secret",
            # a secret word ending a header field: a delimiter or the line's break after it
            # (not the text's end, where no row follows: without `$` the keyword gate's
            # expression asks for one of them, `redact.gates`)
            r"(?:pass(?:word|wd|phrase)?|pwd|secret|token|key|credentials?|creds)"
            r"(?:\\{0,3}[\"'])?[ \t]*(?:[,;|\t]|\\{1,3}[tnr]|\r?\n)",
            anchors=("pass", "pwd", "secret", "token", "key", "credential", "creds"),
            at_anchor=True,
            expand=header_cells,
            priority=GENERIC,
        ),
        # (a row judged as `NAME=value` is generic_assignment's kind of find: its type)
        Pattern(
            "generic_secret",
            r"value(?:\\{0,3}[\"'])?[ \t]{0,80}[^\s\\a-z0-9]?[ \t]*(?:\r?\n|\\{1,3}n)",
            # `value` ends the header's line or its last cell (the word alone is in every
            # other line of code: each hit was a call)
            anchors=("value\n", "value\r\n", "value\\", "value |", "value \u2502",
                     "value\u2502", "value  "),
            at_anchor=True,
            expand=pair_cells,
            priority=GENERIC,
        ),
        Pattern(
            "table_secret",
            r"--[ \t]{1,64}--",
            # a run's last two dashes, then blanks (`-  ` alone opens a removed line of a
            # diff)
            anchors=("-- -", "--  ", "--\t"),
            at_anchor=True,
            expand=ruler_cells,
            priority=GENERIC,
        ),
        Pattern(
            "table_secret",
            _SELECT,
            anchors=("select",),
            at_anchor=True,
            expand=select_cells,
            priority=GENERIC,
        ),
    ),
)
