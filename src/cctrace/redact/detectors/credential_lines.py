"""Detector: credential files whose lines hold a password by position, words apart.

Nothing on such a line names the password; its place does:
- davfs2's `secrets` (`/etc/davfs2/secrets`, `~/.davfs2/secrets`): `<mount point or URL>
  <user> <password>`. A line opening with an `http(s)://` URL and holding two words more
  is read so wherever it stands (the file's shape, and how a URL's login is noted down);
  a line opening with a path only below a mention of `davfs2` (the file's name or its
  path), up to 64 lines on;
- pppd's `chap-secrets` / `pap-secrets`: `<client> <server> <secret> [addresses]`, below
  the file's name or its header comment (`# client server secret IP addresses`);
- Postfix's `sasl_passwd`: `[host]:port user:password` (the brackets, Postfix's way of
  saying "no MX lookup", or a mail port say what the line is).
The password is judged as a table cell's (`lone.lone_value`): `*` (any), `-`, a plain
word, a reference or a placeholder stays. Quotes (`"a b"`) hold a password with blanks.
"""

from __future__ import annotations

import re

from cctrace.redact.detectors.base import STRUCTURAL, Detector, Pattern, line_start
from cctrace.redact.detectors.delimited_rows import line_end, next_line
from cctrace.redact.detectors.prose import sentence_value
from cctrace.redact.lone import lone_value

# A field: a quoted string (its quotes maybe JSON-escaped) or a word, after blanks (a tab
# maybe JSON-escaped).
_FIELD = re.compile(r"(?:[ \t]|\\t)*(?:\\{0,3}\"(?P<q>[^\"\\\r\n]{1,256})\\{0,3}\""
                    r"|(?P<w>[^\s\"\\]{1,512}))")
# Blanks ending a line, escaped tabs among them.
_TAIL = re.compile(r"(?:[ \t\r]|\\t)*")
MAX_LINES = 64
# How far back a sasl_passwd line's start is looked for: its next hop fits.
REACH = 512


def _fields(line: str) -> list[tuple[int, int]] | None:
    """(start, end) of each field of `line` (a quoted one without its quotes), None when
    the line is no run of fields."""
    out, pos = [], 0
    while not _TAIL.fullmatch(line, pos):
        m = _FIELD.match(line, pos)
        if m is None:
            return None
        out.append(m.span("q") if m.group("q") is not None else m.span("w"))
        pos = m.end()
    return out


def file_cells(match: re.Match[str]) -> list[tuple[int, int]]:
    """The third field of each line of three or more after the file's mention (a comment
    or blank line passed over), up to a line of another shape or `MAX_LINES` lines."""
    text, out = match.string, []
    pos = line_end(text, match.end())
    for _ in range(MAX_LINES if pos is not None else 0):
        span = next_line(text, pos)
        if span is None:
            return out
        start, pos = span
        line = text[start:pos]
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        fields = _fields(line)
        if fields is None or len(fields) < 3:
            return out
        a, b = fields[2]
        if lone_value(line[a:b], True, line):
            out.append((start + a, start + b))
    return out


# Before the URL: blanks after the text's start, a line break (maybe escaped) or a quote.
_URL_OPEN = re.compile(r"(?:\A|\n|\\n|['\"])[ \t]*\Z")


def _url_line_ok(match: re.Match[str]) -> bool:
    """The URL opens its line or a quoted string (the JSON string holding it, a line
    written by `echo '...'` or a here-string `<<< '...'`), and the value reads as a
    password."""
    text, start = match.string, match.start()
    value = match.group("s")
    # `<url> for details.`, `<url> see section-4.`: a sentence ends there, no password
    return (_URL_OPEN.search(text, max(0, start - REACH), start) is not None
            and value[-1] not in ".,;:)"
            and lone_value(value, True, match.group()) and sentence_value(value, True))


# What may open a sasl_passwd line before its next hop: blanks, a JSON string's quote
# (inside another JSON string too).
_LINE_OPEN = re.compile(r"[ \t]*(?:\\{0,3}\"){0,2}")


def _sasl_line(match: re.Match[str], opening: re.Pattern[str]) -> bool:
    """What precedes the match on its line is `opening`, and the password reads as one."""
    text, start = match.string, match.start()
    head = line_start(text, start, max(0, start - REACH))
    return (head is not None and opening.fullmatch(text, head, start) is not None
            and lone_value(match.group("s"), True, match.group()))


def _sasl_ok(match: re.Match[str]) -> bool:
    """The next hop (`[host]`) opens its line."""
    return _sasl_line(match, _LINE_OPEN)


def _sasl_port_ok(match: re.Match[str]) -> bool:
    """A dotted host name opens the line right before the mail port."""
    return _sasl_line(match, _HOST_LINE)


_HOST = r"[A-Za-z0-9\-]{1,63}(?:\.[A-Za-z0-9\-]{1,63}){1,8}"
# A host name or address with its dots (`[DEBUG]` is a log's level), opening its line.
_HOST_LINE = re.compile(r"[ \t]*(?:\\{0,3}\"){0,2}" + _HOST)
# After the next hop: blanks (a tab maybe JSON-escaped), then `user:password` to the
# line's end.
_END = r"[ \t]*(?=\r?\n|\\{1,3}[nr]|$)"
_LOGIN = r"(?:[ \t]|\\{1,3}t){1,16}[^\s:\\]{1,128}:(?P<s>[^\s\\]{1,256})" + _END
# A password field: quoted (blanks allowed, the quotes maybe JSON-escaped) or one word,
# which a quote closing the string holding the line ends.
_PW = (r"(?P<qo>\\{0,3}\")?(?P<s>(?(qo)[^\"\\\r\n]{1,256}|[^\s\"'\\]{1,256}))"
       r"(?(qo)\\{0,3}\")")

DETECTOR = Detector(
    name="credential_lines",
    description="Passwords by position in davfs2 secrets, pppd chap/pap-secrets, sasl_passwd.",
    patterns=(
        Pattern(
            "file_password",
            r"davfs2|(?:chap|pap)-secrets|client(?:[ \t]|\\t){1,8}server(?:[ \t]|\\t){1,8}secret",
            anchors=("davfs2", "chap-secrets", "pap-secrets", "client"),
            at_anchor=True,
            expand=file_cells,
            priority=STRUCTURAL,
        ),
        Pattern(
            "file_password",
            r"https?://[^\s\"'<>\\]{1,512}[ \t]+[A-Za-z0-9_.@\-]{1,64}[ \t]+" + _PW
            + r"(?:\\{0,3}['\"]|" + _END + ")",
            anchors=("http://", "https://"),
            at_anchor=True,
            check=_url_line_ok,
            priority=STRUCTURAL,
        ),
        # `[host]:port user:password`: a literal `[` first, which the scan looks for fast
        Pattern(
            "file_password",
            r"\[" + _HOST + r"\](?::\d{1,5})?" + _LOGIN,
            anchors=("]",),  # (then a port, a blank or a tab, escaped or not)
            check=_sasl_ok,
            priority=STRUCTURAL,
        ),
        # `host:587 user:password`: from a mail port, the host checked before it
        Pattern(
            "file_password",
            r":(?:25|465|587|2525)" + _LOGIN,
            anchors=(":25", ":465", ":587"),  # (`:25` holds `:2525`)
            at_anchor=True,
            check=_sasl_port_ok,
            priority=STRUCTURAL,
        ),
    ),
)
