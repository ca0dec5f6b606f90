"""Detector: passwords typed into database and service consoles, and given to their
launchers by position.

Oracle's tools take `user/password[@db]` as their first word (`sqlplus scott/X@PDB`,
`expdp hr/X`, `rman target sys/X@db`, and `CONNECT user/X` inside SQL*Plus or SQLcl);
`redis-cli` sessions show `host:port> AUTH [user] X`; an `ftp>` prompt takes `user <name>
X` or `quote PASS X`; lftp takes `-u user,X` (and `open -u user,X` in its console); MinIO's
`mc alias set <name> <url> <access key> X` gives the secret key fourth; Oracle's JDBC thin
URL carries `user/X@` (`jdbc:oracle:thin:scott/X@//host:1521/svc`); a mail session shows
IMAP's `<tag> LOGIN <user> X` and SMTP's `AUTH PLAIN <base64 of \0user\0X>` (taken whole
when it decodes so); an expect script sends it after a password prompt (`expect
"password:"`, `send "X\\r"`); an interactive prompt shows its answer after an arrow
(`? Enter a secret value: › X`, enquirer's `✔ API token · X`: the label must name a
secret). No flag names the value, the command's syntax does.
`sqlplus / as sysdba`, `/nolog`, `$PW`, `*` and placeholders stay
(`stoplist.password_value`).
"""

from __future__ import annotations

import base64
import binascii
import re

from cctrace.redact.detectors.base import LINE_BREAK, SPECIFIC, Detector, Pattern, line_start
from cctrace.redact.lone import is_password_word, lone_value, secret_word
from cctrace.redact.stoplist import password_value

# The end of the value: a blank, the line's (or a JSON string's) end, escaped once or more.
_END = r"(?=[ \t]|\r?\n|\\+[nr]|\\*\"|$)"
# After `user/password`: that, or the `@` before the database's name.
_AFTER = r"(?=@|[ \t]|\r?\n|\\+[nr]|\\*\"|$)"
# A password: double-quoted (Oracle's way to put `@` or `/` in one; the quotes JSON-escaped
# in a JSON string), else one word.
_PW = r"(?:\\{0,3}\"(?P<qs>[^\"\r\n\\]{1,128})\\{0,3}\"|(?P<s>[^\s\"'@/\\]{1,128}))"


def _value(match: re.Match[str]) -> tuple[str, tuple[int, int]]:
    group = "qs" if "qs" in match.re.groupindex and match.group("qs") is not None else "s"
    return match.group(group), match.span(group)


def _ok(value: str) -> bool:
    # Typed as it is (quoted: no code shape asked); `$PW`, `%PW%`, `*` are refused there.
    return password_value(value, quoted=True, env=False)


def _expand(match: re.Match[str]) -> list[tuple[int, int]]:
    value, span = _value(match)
    return [span] if _ok(value) else []


# `CONNECT` starts its line (or the JSON string holding it), or follows a `SQL>` prompt:
# in prose it is a verb.
_SQL_PROMPT = re.compile(r"\\?\"?[ \t]*(?:SQL>[ \t]*)?", re.IGNORECASE)


def _connect(match: re.Match[str]) -> list[tuple[int, int]]:
    text = match.string
    if _SQL_PROMPT.fullmatch(text, line_start(text, match.start()) or 0, match.start()) is None:
        return []
    return _expand(match)


# A `redis-cli` prompt starting its line: `host:port>`, `host:port[db]>`.
_REDIS_PROMPT = re.compile(r"\\?\"?[ \t]*[\w.\-]+:\d{2,5}(?:\[\d{1,2}\])?")


def _redis_auth(match: re.Match[str]) -> list[tuple[int, int]]:
    text, at = match.string, match.start()
    if _REDIS_PROMPT.fullmatch(text, line_start(text, at) or 0, at) is None:
        return []
    return _expand(match)


_USER = r"(?:\"[^\"\r\n]{1,64}\"|[A-Za-z][\w$#.\-]{0,63})"

# An IMAP command starts its line: a tag, after a client's `C:` or `>` marker if any.
_IMAP_TAG = re.compile(r"\\?\"?[ \t]*(?:(?:C:|>+)[ \t]*)?[A-Za-z0-9.]{1,12}[ \t]+")


def _imap_login(match: re.Match[str]) -> list[tuple[int, int]]:
    text, at = match.string, match.start()
    if _IMAP_TAG.fullmatch(text, line_start(text, at) or 0, at) is None:
        return []
    return _expand(match)


def _sasl_plain(value: str) -> bool:
    """SASL PLAIN's base64 of `authzid NUL user NUL password`, user and password given
    (bytes: a password need not be UTF-8)."""
    try:
        parts = base64.b64decode(value, validate=True).split(b"\0")
    except (binascii.Error, ValueError):
        return False
    return len(parts) == 3 and bool(parts[1]) and bool(parts[2])


# An expect script (Tcl `expect`, Python's pexpect) answering a password prompt: `expect
# "*assword:"` then `send "X\r"` (or `child.sendline('X')`), on the next line, after `;` on
# the same one (`expect -c '...'`) or in the prompt's braces (`expect { "password:" { send
# "X\r" } }`), JSON-escaped or not.
_EXPECT = (
    r"expect[ \t]*\(?[ \t]*(?:\{[ \t]*(?:\r?\n|\\+n)[ \t]*)?(?:-\w{1,8}[ \t]+)?"
    r"(?:[rbu]{0,2}\\{0,3}[\"'{])?[^\"'}\r\n]{0,40}?(?:assword|passphrase|passcode|pin\b)"
    r"[^\"'}\r\n]{0,20}(?:\\{0,3}[\"'}])?[ \t]*\)?"
    r"(?:[ \t]*\{|(?:[ \t]*(?:;|\r?\n|\\+[nr])){1,3})[ \t]*(?:[\w.]{1,32}\.)?send(?:line)?"
    r"[ \t]*\(?[ \t]*(?:--[ \t]+)?\\{0,3}[\"'](?P<s>[^\"'\r\n\\]{1,128})(?:\\{1,4}[rn])?"
    r"\\{0,3}[\"']")

# An interactive prompt's line up to its arrow: a status mark (`?` asked, `✔` answered,
# `✖` cancelled), then the question; the line may open a JSON string.
_PROMPT_LINE = re.compile(r"(?:\\{0,3}\")?[ \t]*(?:\?|\u2714|\u2713|\u2716|\u221a|>)[ \t]+"
                          r"(?P<label>[^\r\n]{1,160}?)[ \t:]*\Z")


def _prompt_answer(match: re.Match[str]) -> list[tuple[int, int]]:
    """The answer after a prompt's arrow, when the question names a secret and the answer
    reads as one (`lone.lone_value`)."""
    text, start = match.string, match.start()
    at = line_start(text, start, max(0, start - 200))  # None: the line starts out of sight
    head = None if at is None else _PROMPT_LINE.fullmatch(text, at, start)
    word = secret_word(head.group("label")) if head is not None else ""
    value = match.group("s")
    if word and lone_value(value, is_password_word(word), head.group()):
        return [match.span("s")]
    return []


# A prompt asked on its line, answered on the next (clack's `◆  Enter your API key` then
# `│  X`, inquirer's `? Paste your token` then `> X`, a `✔ ... token …` then the answer
# indented): the pattern starts at the question's last word; its line opens with a mark.
# The marks may be `\uXXXX`-escaped (a JSON string inside a JSON string: `views` decodes
# one level of escapes only).
_ASKED_LINE = re.compile(r"(?:\\{0,3}\")?[ \t]*"
                         r"(?:[?>\u25c6\u25c7\u25cf\u25cb\u25a0\u25b2\u2714\u2713\u221a]"
                         r"|\\{1,3}u(?:25c[67bf]|25a0|25b2|271[34]|221a))[ \t]+"
                         r"(?P<label>[^\r\n\\]{0,120})\Z")
# (Each non-ASCII character sits in a class beside an ASCII one: `redact.gates` then
# translates the pattern, and `key` / `token` stay gated anchors.)
_BAR = r"(?:[\u2502|]|\\{1,3}u2502)"
_ASKED = (r"(?P<w>password|passphrase|token|secret|key)[ \t]*(?:[?:\u2026]|\.\.\.|\\{1,3}u2026)?"
          r"[ \t]*" + LINE_BREAK + r"(?:[ \t]*" + _BAR + r"[ \t]*" + LINE_BREAK + r")?"
          r"[ \t]*(?:(?:" + _BAR + r"|>)[ \t]*)?"
          r"(?P<s>[^\s\"'\\\u2502]{4,256})[ \t]*(?=" + LINE_BREAK + r"|\\*\"|$)")


# How far back the question's line may start: quote, indent, mark and a 120-character label.
_ASKED_REACH = 160


def _asked_answer(match: re.Match[str]) -> list[tuple[int, int]]:
    """The answer on the line under a prompt whose question ends with a secret word."""
    text, start = match.string, match.start()
    at = line_start(text, start, max(0, start - _ASKED_REACH))
    head = None if at is None else _ASKED_LINE.fullmatch(text, at, start)
    if head is None or len(head.group("label").split()) > 7:
        return []
    # The word must be one of the question's (`monkey` holds `key`).
    word = secret_word(head.group("label") + match.group("w"))
    if word and lone_value(match.group("s"), is_password_word(word), head.group()):
        return [match.span("s")]
    return []


DETECTOR = Detector(
    name="console_login",
    description="Passwords given by position to database and service consoles: Oracle "
                "user/password, redis AUTH, ftp user, lftp -u, mc alias set, expect's send.",
    patterns=(
        Pattern(
            "cli_password",
            r"(?:sqlplus|expdp|impdp|sqlldr|dgmgrl|rman)(?:\.exe)?(?:[ \t]+-\w{1,32}){0,8}[ \t]+"
            r"(?:(?:target|catalog|auxiliary|userid)[ \t]*=?[ \t]*)?" + _USER + r"/" + _PW
            + _AFTER,
            anchors=("sqlplus", "expdp", "impdp", "sqlldr", "dgmgrl", "rman"),
            at_anchor=True,
            expand=_expand,
            priority=SPECIFIC,
        ),
        Pattern(
            "cli_password",
            r"conn(?:ect)?[ \t]+" + _USER + r"/" + _PW + _AFTER,
            anchors=("conn ", "connect "),
            at_anchor=True,
            expand=_connect,
            priority=SPECIFIC,
        ),
        Pattern(
            "cli_password",
            r">[ \t]*auth[ \t]+(?:[^\s\"']{1,64}[ \t]+)?(?P<q>[\"']?)(?P<s>[^\s\"']{1,256})(?P=q)"
            r"[ \t]*(?=\r?\n|\\+[nr]|\\*\"|$)",
            anchors=("> auth", ">auth"),
            at_anchor=True,
            expand=_redis_auth,
            priority=SPECIFIC,
        ),
        Pattern(
            "cli_password",
            r"ftp>[ \t]*(?:user[ \t]+[^\s\\]{1,64}|quote[ \t]+pass)[ \t]+(?P<s>[^\s\"'\\]{1,128})"
            + _END,
            anchors=("ftp>",),
            at_anchor=True,
            expand=_expand,
            priority=SPECIFIC,
        ),
        Pattern(
            "cli_password",
            r"(?:lftp|open)[ \t](?:[^\r\n]{0,300}?[ \t])?-u[ \t]+[\"']?[^\s,\"']{1,64},"
            r"(?P<s>[^\s\"']{1,128})",
            anchors=("lftp",),
            at_anchor=True,
            expand=_expand,
            priority=SPECIFIC,
        ),
        Pattern(
            "cli_password",
            r"jdbc:oracle:(?:thin|oci8?):" + _USER + r"/" + _PW + r"(?=@)",
            anchors=("jdbc:oracle:",),
            at_anchor=True,
            expand=_expand,
            priority=SPECIFIC,
        ),
        Pattern(
            "cli_password",
            _EXPECT,
            anchors=("expect",),
            at_anchor=True,
            expand=_expand,
            priority=SPECIFIC,
        ),
        Pattern(
            "cli_password",
            r"(?-i:LOGIN)[ \t]+(?:\\{0,3}\"[^\"\r\n\\]{1,128}\\{0,3}\"|[^\s\"\\]{1,128})[ \t]+"
            r"(?:\\{0,3}\"(?P<qs>[^\"\r\n\\]{1,128})\\{0,3}\"|(?P<s>[^\s\"\\]{1,128}))[ \t]*"
            r"(?=\r?\n|\\+[nr]|\\*\"|$)",
            anchors=("login ",),
            at_anchor=True,
            expand=_imap_login,
            priority=SPECIFIC,
        ),
        Pattern(
            "cli_password",
            r"auth[ \t]+plain[ \t]+(?P<s>[A-Za-z0-9+/]{8,1024}={0,2})(?![A-Za-z0-9+/=])",
            anchors=("auth plain",),
            at_anchor=True,
            validate=_sasl_plain,
            priority=SPECIFIC,
        ),
        Pattern(
            "cli_password",
            r"[\u203a\u00b7][ \t]*(?P<s>[^\s\"'\\]{4,256})[ \t]*(?=\r?\n|\\+[nr]|\\*\"|$)",
            anchors=("\u203a", "\u00b7"),
            at_anchor=True,
            expand=_prompt_answer,
            priority=SPECIFIC,
        ),
        Pattern(
            "prompt_secret",
            _ASKED,
            anchors=("password", "passphrase", "token", "secret", "key"),
            at_anchor=True,
            expand=_asked_answer,
            priority=SPECIFIC,
        ),
        Pattern(
            "cli_password",
            r"mc[ \t]+(?:alias[ \t]+set|config[ \t]+host[ \t]+add)[ \t]+\S+[ \t]+"
            r"[a-z][a-z0-9+.\-]*://\S+[ \t]+\S+[ \t]+[\"']?(?P<s>[^\s\"']{1,256})",
            anchors=("mc alias set", "mc config host add"),
            at_anchor=True,
            expand=_expand,
            priority=SPECIFIC,
        ),
    ),
)
