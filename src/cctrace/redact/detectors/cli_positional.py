"""Detector: secrets given to package and cloud tools by position, and `printf` formats
that name the secret their argument fills.

Some commands take a credential as a plain argument, with no flag naming it: `cargo login
<token>`, `poetry config http-basic.<repo> <user> <password>`, `composer config
[--global|--auth] http-basic.<host> <user> <password>` and its `github-oauth.<host>`,
`gitlab-token.<host>`, `bearer.<host>` tokens, `pulumi config set --secret <key> <value>`
(also with `--secret` after the value, or a key naming a secret), a kickstart file's
`rootpw [--plaintext|--iscrypted] <password>`. A shell script writing an
env file or a config with `printf` names the secret in the format and gives the value as
an argument (`printf 'DB_PASS=%s\\n' 'X'`, `printf "password: %s" "$1"`): the argument
filling a `%s` right after `NAME=` or `name: ` is judged as an env file's `NAME=X` is
(`env_command.named_value_ok`: a chosen password under a password name, a drawn value
under a token or key name; references, placeholders and words stay).
"""

from __future__ import annotations

import re

from cctrace.redact.detectors.base import STRUCTURAL, Detector, Pattern
from cctrace.redact.detectors.cli_flags import _QUOTED_VALUE, _value_ok
from cctrace.redact.detectors.env_command import named_value_ok
from cctrace.redact.randomness import looks_random

# One shell word: double-quoted (its quotes JSON-escaped too), single-quoted or bare.
_WORD = re.compile(
    r"\\{0,3}\"(?P<d>(?:[^\"\\\r\n]|\\(?!\\{0,2}\")){0,512})\\{0,3}\"|'(?P<s>[^'\r\n]{0,512})'"
    r"|(?P<b>[^\s'\"|;&<>\\]{1,512})")
_BLANKS = re.compile(r"[ \t]+")
# A conversion that prints an argument as text; `%%` is a literal percent.
_SPEC = re.compile(r"%%|%[-#0 +]{0,4}\d{0,3}(?:\.\d{1,3})?([sbqd])")
# The name just before a conversion: `NAME=`, `name: `, `name = "`, `--password=`.
_NAME_BEFORE = re.compile(r"(?P<n>[A-Za-z_][\w.\-]{0,80})[ \t]*(?:=|:)[ \t]*[\"']?\Z")
# Past the format, at most this many arguments are read.
_MAX_ARGS = 8


def _words(text: str, at: int, limit: int) -> list[re.Match[str]]:
    """The shell words from `at` on, up to a line break, pipe, `;`, `&` or redirect."""
    out: list[re.Match[str]] = []
    pos = at
    while len(out) < limit:
        blank = _BLANKS.match(text, pos)
        if blank is None:
            break
        word = _WORD.match(text, blank.end())
        if word is None:
            break
        out.append(word)
        pos = word.end()
    return out


def _group(word: re.Match[str]) -> str:
    return next(g for g in "dsb" if word.group(g) is not None)


def _printf(match: re.Match[str]) -> list[tuple[int, int]]:
    """The arguments of `printf FORMAT ARGS...` that fill a `%s` after a secret's name."""
    words = _words(match.string, match.end(), 1 + _MAX_ARGS)
    if len(words) < 2:
        return []
    fmt = words[0].group(_group(words[0]))
    spans = []
    index, last = 0, 0
    for spec in _SPEC.finditer(fmt):
        if spec.group(1) is None:
            continue  # `%%`
        index += 1
        if index >= len(words):
            break
        before = _NAME_BEFORE.search(fmt, last, spec.start())
        last = spec.end()
        arg = words[index]
        group = _group(arg)
        value = arg.group(group)
        if before is not None and spec.group(1) != "d" and _value_ok(value) and \
                named_value_ok(before.group("n"), value):
            spans.append(arg.span(group))
    return spans


def _token_ok(value: str) -> bool:
    return _value_ok(value) and looks_random(value, 16)


def _pulumi_ok(match: re.Match[str]) -> bool:
    """`--secret` before the key or after the value, or a key naming a secret."""
    if not _value_ok(match.group("s")):
        return False
    line_rest = match.string[match.end():match.end() + 200].partition("\n")[0]
    return ("--secret" in match.group("f") or "--secret" in line_rest
            or named_value_ok(match.group("k"), match.group("s")))


# `composer config` flags before the key: `--global`, `-g`, `--auth`, `-a`.
_COMPOSER = r"composer[ \t]+config(?:[ \t]+-{1,2}[A-Za-z\-]{1,12}){0,3}[ \t]+"

DETECTOR = Detector(
    name="cli_positional",
    description="Secrets given to package and cloud tools by position (cargo login, "
                "poetry/composer http-basic, pulumi config set --secret), printf formats.",
    patterns=(
        Pattern(
            "cli_password",
            r"(?<![\w.\-])printf(?:[ \t]+-v[ \t]+[A-Za-z_]\w{0,64})?",
            anchors=("printf",),
            at_anchor=True,
            expand=_printf,
            priority=STRUCTURAL,
        ),
        # A kickstart file's root password (`rootpw --plaintext X`; with `--iscrypted` the
        # crypt hash, as secret); at a line's start, `--lock` alone sets none.
        Pattern(
            "cli_password",
            r"(?:^|(?<=\n)|(?<=\\n))[ \t]*rootpw(?:[ \t]+--(?:plaintext|iscrypted|lock|allow-ssh))*"
            r"[ \t]+(?!--)" + _QUOTED_VALUE,
            anchors=("rootpw",),
            at_anchor=False,
            validate=_value_ok,
            priority=STRUCTURAL,
        ),
        Pattern(
            "cli_password",
            r"(?<![\w.\-])cargo[ \t]+login(?:[ \t]+--registry(?:=|[ \t]+)[\w.\-]{1,64})?"
            r"[ \t]+(?P<s>[A-Za-z0-9_\-]{16,256})(?![A-Za-z0-9_\-])",
            anchors=("cargo login",),
            at_anchor=True,
            validate=_token_ok,
            priority=STRUCTURAL,
        ),
        Pattern(
            "cli_password",
            r"(?:poetry[ \t]+config[ \t]+|" + _COMPOSER + r")http-basic\.[\w.\-]{1,255}"
            r"[ \t]+[^\s\"'|;&]{1,255}[ \t]+" + _QUOTED_VALUE,
            anchors=("http-basic.",),
            at_anchor=False,
            validate=_value_ok,
            priority=STRUCTURAL,
        ),
        Pattern(
            "cli_password",
            _COMPOSER + r"(?:github-oauth|gitlab-token|gitlab-oauth|bitbucket-oauth|bearer)"
            r"\.[\w.\-]{1,255}[ \t]+" + _QUOTED_VALUE,
            anchors=("composer config",),
            at_anchor=True,
            validate=_value_ok,
            priority=STRUCTURAL,
        ),
        Pattern(
            "cli_password",
            r"pulumi[ \t]+config[ \t]+set(?P<f>(?:[ \t]+--?[A-Za-z][\w\-]{0,24}){0,3})"
            r"[ \t]+(?P<k>[A-Za-z_][\w.:\-]{0,128})[ \t]+" + _QUOTED_VALUE,
            anchors=("pulumi config set",),
            at_anchor=True,
            check=_pulumi_ok,
            priority=STRUCTURAL,
        ),
    ),
)
