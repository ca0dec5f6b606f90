"""Detector: passwords on Windows and PowerShell command lines.

Windows commands take a password by position or by a `/`-flag, which the `--flag` rules do
not read: `ConvertTo-SecureString "X" -AsPlainText` (also `-String 'X'`, and `"X" |
ConvertTo-SecureString -AsPlainText`: a plain-text string made a credential),
`net use <drive> \\\\host\\share X /user:dom\\u` (the first word that is not the drive, the
share, a `/` option or `*`), `schtasks ... /RP X` (and `/P X`, the password of `/U`), the
FreeRDP clients' `/p:X` and `rdesktop -p X`. The value is judged as a password
(`stoplist.password_value`): `$plain`, `*` (prompt), `%VAR%` and placeholders stay.
Backslashes may come doubled (the line inside a JSON string).
"""

from __future__ import annotations

import re

from cctrace.redact.detectors.base import SPECIFIC, Detector, Pattern
from cctrace.redact.stoplist import password_value

# A quoted value (a JSON-escaped quote too) or one word; `(?P<q>)` is the quote.
_ARG = (r"(?:(?P<q>\\{0,3}[\"'])(?P<s>[^\"'\r\n]{1,256}?)(?P=q)"
        r"|(?P<w>[^\s\"'`\\-][^\s\"'`\\]{0,255}))")


def _value(match: re.Match[str]) -> str:
    return match.group("s") if match.group("s") is not None else match.group("w")


def _arg_ok(match: re.Match[str]) -> bool:
    """Not a PowerShell variable (`$plain`, `"$env:PW"`) nor the next option (`/RP /DELAY`);
    else typed as it is (`stoplist.password_value`, quoted: no code shape asked; `%VAR%`,
    `*` and placeholders are refused there)."""
    value = _value(match)
    if value.startswith(("$", "/")):
        return False
    return password_value(value, quoted=True, env=False)


def _span(match: re.Match[str]) -> tuple[int, int]:
    return match.span("s") if match.group("s") is not None else match.span("w")


# A line break, or its escape in a JSON string: a `\n` whose backslash is not itself
# escaped (`\\nas01\share` is a UNC path to a host named `nas01`).
_LINE_END = re.compile(r"\r?\n|(?<!\\)(?:\\\\)*\\(?:r\\)?n|$")


# How far after a command its line is read: a command line's options fit, and a text of
# one long line holding the command many times costs a bounded look per time, not the
# rest of the line each time (quadratic).
LINE_REACH = 1024


def _line_end(text: str, at: int) -> int:
    """Where the line holding `at` ends (a real or a JSON-escaped break, or the text's end),
    looking at most `LINE_REACH` characters on."""
    end = min(len(text), at + LINE_REACH)
    return _LINE_END.search(text, at, end).start()  # type: ignore[union-attr]  # `$` always matches


def _expand(match: re.Match[str]) -> list[tuple[int, int]]:
    return [_span(match)] if _arg_ok(match) else []


# `"X" | ConvertTo-SecureString ... -AsPlainText`: the string piped into it, right before.
_PIPED = re.compile(r"(?P<q>\\{0,3}[\"'])(?P<s>[^\"'\r\n]{1,256}?)(?P=q)[ \t]{0,8}\|[ \t]{0,8}\Z")
# Longer than any match of `_PIPED` (at most 281 characters): where its search starts.
_PIPED_REACH = 300


def _secure_string(match: re.Match[str]) -> list[tuple[int, int]]:
    """With `-AsPlainText` on the line, the string given to it, after it (`-String "X"`)
    or piped into it (`"X" | ConvertTo-SecureString`): the credential's plain text."""
    text = match.string
    if "-asplaintext" not in text[match.start():_line_end(text, match.end())].lower():
        return []
    if match.group("s") is not None or match.group("w") is not None:
        return _expand(match)
    piped = _PIPED.search(text, max(0, match.start() - _PIPED_REACH), match.start())
    return [piped.span("s")] if piped is not None and _arg_ok(piped) else []


# `net use`: the words after it up to the line's end.
_NET_USE_WORD = re.compile(r"(?P<q>\\{0,3}\")(?P<s>[^\"\r\n]{1,256}?)(?P=q)|(?P<w>[^\s\"]+)")


def _net_use(match: re.Match[str]) -> list[tuple[int, int]]:
    text = match.string
    if match.start() > 0 and text[match.start() - 1].isalnum():
        return []  # `magnet use`: the words, not the command
    for word in _NET_USE_WORD.finditer(text, match.end(), _line_end(text, match.end())):
        value = _value(word)
        if re.fullmatch(r"[A-Za-z]:|\*:?", value) or value.startswith(("\\", "/")):
            continue  # the drive, `*` (next free drive or a prompt), the share, an option
        return [_span(word)] if _arg_ok(word) else []
    return []


DETECTOR = Detector(
    name="windows_cli",
    description="Passwords on Windows command lines: ConvertTo-SecureString -AsPlainText, "
                "net use, net user, schtasks /RP, FreeRDP /p:, rdesktop -p.",
    patterns=(
        Pattern(
            "cli_password",
            r"convertto-securestring(?:(?:[ \t]+-(?:string|asplaintext|force))*[ \t]+" + _ARG
            + ")?",
            anchors=("convertto-securestring",),
            at_anchor=True,
            expand=_secure_string,
            priority=SPECIFIC,
        ),
        Pattern(
            "cli_password",
            r"net[ \t]+use(?=[ \t])",
            anchors=("net use",),
            at_anchor=True,
            expand=_net_use,
            priority=SPECIFIC,
        ),
        # `net user <name> <password> [/add]` creates a user or sets its password (`*`
        # asks for it; a name alone shows the account; `magnet user` is no command).
        Pattern(
            "cli_password",
            r"(?<![A-Za-z0-9])net[ \t]+user[ \t]+"
            r"(?:\\{0,3}\"[^\"\r\n]{1,64}\\{0,3}\"|[^\s\"/]{1,64})[ \t]+" + _ARG,
            anchors=("net user",),
            at_anchor=True,
            expand=_expand,
            priority=SPECIFIC,
        ),
        Pattern(
            "cli_password",
            r"schtasks(?:\.exe)?[ \t][^\r\n]{0,300}?[ \t]/r?p[ \t]+" + _ARG,
            anchors=("schtasks",),
            at_anchor=True,
            expand=_expand,
            priority=SPECIFIC,
        ),
        Pattern(
            "cli_password",
            r"(?:x|w|sdl-)?freerdp3?(?:\.exe)?[ \t][^\r\n]{0,300}?[ \t]/p(?:assword)?:" + _ARG,
            anchors=("freerdp",),
            at_anchor=True,
            expand=_expand,
            priority=SPECIFIC,
        ),
        Pattern(
            "cli_password",
            r"rdesktop[ \t][^\r\n]{0,300}?[ \t]-p[ \t]+" + _ARG,
            anchors=("rdesktop",),
            at_anchor=True,
            expand=_expand,
            priority=SPECIFIC,
        ),
    ),
)
