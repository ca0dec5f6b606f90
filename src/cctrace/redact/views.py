"""Other readings of a text in which a secret hides from the detectors: lines a terminal or
a tool wrapped at a fixed width, and base64 that decodes to text.

A secret soft-wrapped at 80 columns (`kubectl describe`, `fold`, a pasted terminal) is two
fragments no pattern matches whole: `wrapped_candidates` runs the engine's detection again
over the joined line wherever a find (or a match refused only for being a fragment) stops
at a wrap, and maps what it finds back onto the original text (the find then covers both
fragments and the newline between). A secret
inside base64 (`kubectl get secret -o yaml`, `echo $TOKEN | base64`, a kubeconfig's
`client-key-data`) is not there at all until decoded: `decode_text` is how
`detectors/encoded.py` reads it. A secret split by characters nobody sees (NULs of a
UTF-16 file, zero-width spaces) is found in the text read without them
(`invisible_candidates`); one inside a URL %-encoded into another URL's query
(`?dsn=postgres%3A%2F%2Fapp%3Apw%40db`) in the URL read decoded (`percent_candidates`); one
behind JSON's `\\uXXXX` escapes (`contrase\\u00f1a es X`, `"Ab7x\\u0026Kq9"`) in the lines
holding them read decoded (`unicode_candidates`). Pure functions.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Callable

from cctrace.redact.detectors.base import line_start

Candidate = tuple[int, int, int, str, str]
# The priority of a near miss: a match refused by its validation that ends at a line's end,
# kept only to open a wrap window (`wrapped_candidates`), never a find itself.
NEAR = -1
Find = Callable[[str], list[Candidate]]
_NEWLINE = re.compile("\n")
# A line starting a setting of its own (`always-auth=true`, `region: eu`): no wrap's tail.
_NEW_SETTING = re.compile(r"[A-Za-z_][\w.\-]{2,}(?:=|: )")

# Widths tools wrap at: PEM bodies and `fold -w 64` (64), base64 (76), terminals and `fold`
# (80), wider terminals.
WIDTHS = frozenset((64, 76, 80, 100, 120, 132))
_TOKEN = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=_-.%~")


def wrapped_candidates(text: str, cands: list[Candidate], find: Find) -> list[Candidate]:
    """Candidates found by joining the wrapped lines a candidate of `cands` touches.

    A find that ends where a full-width line ends, with the token going on at the start of
    the next line (or starts a line that goes on from a full-width one), is a fragment; the
    logical line is detected again with the wrap's newlines removed. Only lines a candidate
    touches are looked at, so text without finds costs nothing. `cands` may hold near
    misses (priority `NEAR`: a match its validation refused, ending at a line's end): a
    fragment whose first part no detector accepts (`DD_API_KEY=51a47352a1`) opens the
    window too, unless the next line starts a setting of its own (`always-auth=true`
    under a refused reference that happens to fill the width).
    """
    windows = set()
    for start, end, prio, *_ in cands:
        if prio == NEAR and _NEW_SETTING.match(text, end + 1):
            continue
        if _wrap_after(text, end) or _wrap_after(text, start - 1):
            windows.add(_logical_line(text, start))
    out: list[Candidate] = []
    for first, last in sorted(windows):
        out += _window(text, first, last, find)
    return out


def _wrap_after(text: str, nl: int) -> bool:
    """Whether the newline at `nl` was inserted by a wrap: its line is exactly a wrap width
    long and ends inside a token that goes on after it."""
    if text[nl:nl + 1] != "\n" or text[nl + 1:nl + 2] not in _TOKEN:
        return False
    line_start = text.rfind("\n", 0, nl) + 1
    return nl - line_start in WIDTHS and text[nl - 1] in _TOKEN


def wrapped_at(text: str, nl: int) -> bool:
    """Whether the newline at offset `nl` is one a terminal or `fold` inserted (its line is
    a wrap width long and a token runs across it)."""
    return _wrap_after(text, nl)


def _logical_line(text: str, at: int) -> tuple[int, int]:
    """(first, last): the wrapped line around offset `at`, as offsets of the start of its
    first physical line and of the end of its last. (`_wrap_after` is false at offset -1,
    so neither loop needs a bound of its own.)"""
    first = text.rfind("\n", 0, at) + 1
    while _wrap_after(text, first - 1):
        first = text.rfind("\n", 0, first - 1) + 1
    last = text.find("\n", at)
    while _wrap_after(text, last):
        last = text.find("\n", last + 1)
    return first, len(text) if last < 0 else last


def _window(text: str, first: int, last: int, find: Find) -> list[Candidate]:
    """Detect in text[first:last] with its wrap newlines removed (every newline in a logical
    line is a wrap's); map the finds that cross one back onto the original offsets (a find
    then covers the newline too)."""
    nls = [m.start() for m in _NEWLINE.finditer(text, first, last) if _wrap_after(text, m.start())]
    joined = text[first:last].replace("\n", "")
    cuts = [nl - first - k for k, nl in enumerate(nls)]  # where each newline was, joined

    def back(off: int) -> int:
        return first + off + sum(1 for c in cuts if c <= off)

    return [(back(c[0]), back(c[1] - 1) + 1, c[2], c[3], c[4]) for c in find(joined)
            if any(c[0] < cut < c[1] for cut in cuts)]


# Characters a reader never sees that split a secret for every pattern: NUL between the
# characters of a UTF-16 file shown by `cat`, zero-width spaces and joiners, word joiners,
# byte-order marks (a UTF-16 file's own, or one pasted mid-text).
_INVISIBLE = frozenset("\x00\u200b\u200c\u200d\u2060\ufeff")
_ZERO_WIDTH = re.compile("[\u200b-\u200d\u2060\ufeff]")


def invisible_candidates(text: str, find: Find) -> list[Candidate]:
    """Candidates found in `text` read without its invisible characters, mapped back onto
    the original offsets (a find then covers the characters removed inside it). Only finds
    a removed character split are returned: the others `find(text)` gives already."""
    if "\x00" not in text and (text.isascii() or _ZERO_WIDTH.search(text) is None):
        return []
    keep = [i for i, ch in enumerate(text) if ch not in _INVISIBLE]
    plain = "".join(text[i] for i in keep)
    out: list[Candidate] = []
    for c in find(plain):
        start, end = keep[c[0]], keep[c[1] - 1] + 1
        if end - start != c[1] - c[0]:
            out.append((start, end, c[2], c[3], c[4]))
    return out


# A URL (a DSN, a webhook) %-encoded into another URL's query or a form body: its
# `://` reads `%3A%2F%2F`. The run goes back over the scheme and on to the next blank,
# quote, `&` (the next parameter) or angle bracket.
_PCT_URL = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]{0,30}%3[Aa]%2[Ff]%2[Ff][^\s&\"'<>`]{1,4096}")
_PCT_BYTE = re.compile(r"%([0-9A-Fa-f]{2})")


def percent_candidates(text: str, find: Find) -> list[Candidate]:
    """Candidates found in URLs %-encoded inside `text` (`?dsn=postgres%3A%2F%2Fapp%3Apw
    %40db`), read decoded once and mapped back onto the original offsets (a find then
    covers each `%XX` whole). Text without an encoded `://` costs a substring test or two
    (what encoders write: upper-case hex, or lower-case as some do; mixed is not seen)."""
    if "%" not in text or ("%3A%2F%2F" not in text and "%3a%2f%2f" not in text):
        return []  # (a one-character test is a memchr: most texts stop there)
    out: list[Candidate] = []
    for run in _PCT_URL.finditer(text):
        plain, starts = _unquote(run.group(), run.start())
        starts.append(run.end())
        out += [(starts[c[0]], starts[c[1]], c[2], c[3], c[4]) for c in find(plain)]
    return out


def _unquote(run: str, at: int) -> tuple[str, list[int]]:
    """`run` with each `%XX` decoded as a Latin-1 byte (a multi-byte UTF-8 character stays
    several characters: offsets, not spelling, are what a find needs), and the original
    offset of each decoded character."""
    chars: list[str] = []
    starts: list[int] = []
    pos = 0
    for m in _PCT_BYTE.finditer(run):
        chars.append(run[pos:m.start()])
        starts.extend(range(at + pos, at + m.start()))
        chars.append(chr(int(m.group(1), 16)))
        starts.append(at + m.start())
        pos = m.end()
    chars.append(run[pos:])
    starts.extend(range(at + pos, at + len(run)))
    return "".join(chars), starts


# A JSON `\\uXXXX` escape, its backslash doubled once or twice when the JSON sits inside
# another JSON string (a tool result holding `json.dumps` output, in a transcript line).
_U_ESCAPE = re.compile(r"\\{1,3}u([0-9A-Fa-f]{4})")
# An escape that is a piece of a word, a value or a sentence: a letter, digit or blank
# before it, or one of those or another escape after it (`contrase\\u00f1a`,
# `\\u043f\\u0430`, `x\\u0026K`, `for \\u2014 X`). One standing alone between quotes
# (`'\\u20ac'`, a character table's entry) changes no keyword or value around it, and the
# regex passes it over in C.
# (One branch led by the backslash: a leading lookbehind would cost a try at every offset.)
_U_IN_WORD = re.compile(r"\\(?:(?<=[^\W_]\\)|(?<=[ \t]\\)"
                        r"|(?=\\{0,2}u[0-9A-Fa-f]{4}(?:[^\W_]|[ \t\\])))\\{0,2}u([0-9A-Fa-f]{4})")
# How far a window reaches back from an escape when no line break comes first, and on past
# it: a find needs its keyword and value (a table its rows), not the whole text, and each
# escape costs one bounded window.
_U_REACH = 2048


def unicode_candidates(text: str, find: Find) -> list[Candidate]:
    """Candidates found from the start of each line of `text` holding a `\\uXXXX` escape to
    `_U_REACH` characters past it (a table's rows under an escaped header, a value on the
    next line), read with each escape decoded (Python's `json.dumps` writes every non-ASCII
    letter so, Go's every `&`, `<`, `>`: a keyword `contrase\\u00f1a` or a password
    `Ab7x\\u0026Kq9` is out of every pattern's sight until then), mapped back onto the
    original offsets (a find covers each escape whole). The windows are read together, one
    `find` for the text; an escape of a blank, a control or a surrogate half, or one
    standing alone between quotes, changes no reading and is left. Text without `\\u`
    costs one test."""
    if "\\" not in text or "\\u" not in text:
        return []  # (a one-character test is a memchr: most texts stop there)
    windows: list[tuple[int, int]] = []
    for m in _U_IN_WORD.finditer(text):
        if (windows and m.start() < windows[-1][1]) or not _decodes(m):
            continue
        lo = max(0, m.start() - _U_REACH)
        windows.append((line_start(text, m.start(), lo) or lo, min(len(text), m.end() + _U_REACH)))
    if not windows:
        return []
    pieces: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    for first, last in windows:
        plain, at, to = _unescape(text, first, last)
        pieces.append(plain + "\n")
        starts += at + [last]
        ends += to + [last]
    return [(starts[c[0]], ends[c[1] - 1], c[2], c[3], c[4]) for c in find("".join(pieces))]


def _decodes(m: re.Match[str]) -> bool:
    """Whether an escape stands for a character that changes a reading: printable (no
    control, no surrogate half: their category is not printable) and no blank."""
    char = chr(int(m.group(1), 16))
    return char.isprintable() and not char.isspace()


def _unescape(text: str, first: int, last: int) -> tuple[str, list[int], list[int]]:
    """`text[first:last]` with each escape `_decodes` accepts decoded, and the original
    start and end offset of each character of the result."""
    chars: list[str] = []
    starts: list[int] = []
    pos = first
    for m in _U_ESCAPE.finditer(text, first, last):
        if not _decodes(m):
            continue
        chars.append(text[pos:m.start()])
        starts.extend(range(pos, m.start()))
        chars.append(chr(int(m.group(1), 16)))
        starts.append(m.start())
        pos = m.end()
    chars.append(text[pos:last])
    starts.extend(range(pos, last))
    plain = "".join(chars)
    ends = [s + 1 for s in starts]
    for i, ch in enumerate(plain):
        if text[starts[i]] != ch:
            ends[i] = _U_ESCAPE.match(text, starts[i]).end()  # type: ignore[union-attr]
    return plain, starts, ends


def other_readings(text: str, find: Find) -> list[Candidate]:
    """The candidates of every other reading of `text`: without invisible characters,
    %-encoded URLs decoded, `\\u` escapes decoded."""
    return (invisible_candidates(text, find) + percent_candidates(text, find)
            + unicode_candidates(text, find))


def decode_text(run: str) -> str | None:
    """`run` decoded as base64 (standard or URL-safe, padding optional) when that gives
    printable UTF-8 text; None for binary (a random key, an identifier, a hash)."""
    body = run.rstrip("=")
    if len(body) % 4 == 1:
        return None
    try:
        raw = base64.b64decode(body.replace("-", "+").replace("_", "/") + "=" * (-len(body) % 4),
                               validate=True)
        plain = raw.decode("utf-8")
    except (binascii.Error, ValueError):
        return None
    if not plain.replace("\n", "").replace("\r", "").replace("\t", "").isprintable():
        return None
    return plain
