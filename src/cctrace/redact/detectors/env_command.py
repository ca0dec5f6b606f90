"""Detector: commands that assign by a blank, `ENV DB_PASSWORD value`.

A Dockerfile's legacy `ENV NAME value`, csh's `setenv NAME value`, fish's `set -gx NAME
value` and Windows' `setx NAME value` give a variable its value with no operator, as
tools' `config set NAME value` (`wp`, `yarn`, `pnpm`) give a setting its, and calls
(`[Environment]::SetEnvironmentVariable("NAME", "value")`, `os.Setenv`) a variable its. The
command must start its line (or follow a JSON-escaped line break, a tool's output as the
transcript stores it; `setx` also a `C:\\>` prompt) and the name must end with a secret
word (`redact.lone.names_secret`: `DB_PASSWORD_FILE` goes on past it); the value, quoted
(blanks inside) or one word, is then judged as an env file's `DB_PASSWORD=...` is
(`detectors/generic_assignment.py`): a chosen password is taken; references, placeholders,
words, paths and fingerprints (`ENV GPG_KEY 7169605F...`) stay. The keyword's shared lead
in `generic_assignment` refuses one blank before a word (it keeps every sentence holding
"token" cheap), so this rule is anchored on the command instead.
"""

from __future__ import annotations

import re

from cctrace.redact.detectors.base import GENERIC, Detector, Pattern, line_start
from cctrace.redact.detectors.generic_assignment import HEX_DIGEST, LEAD
from cctrace.redact.lone import is_password_word, names_secret
from cctrace.redact.randomness import looks_random
from cctrace.redact.secret_names import PUBLIC_NAME, WEAK
from cctrace.redact.stoplist import password_value, unquoted_secret

# After the command: the name, one or more blanks, a quoted value or one word followed by a
# blank or the line's end (an escaped one, or the close of the JSON string holding it).
_REST = (r"(?P<n>[A-Za-z_][A-Za-z0-9_.\-]{0,80})[ \t]+(?:\\{0,3}[\"'])?"
         r"(?P<s>(?<=\")(?:[^\"\r\n\\]|\\(?!\\{0,2}\")){1,512}(?=\\{0,3}\")"
         r"|(?<=')(?:[^'\r\n\\]|\\(?!\\{0,2}')){1,512}(?=\\{0,3}')"
         r"|(?<![\"'])[^\s\"'`\\]{1,512}(?=[ \t]|\r?\n|\\{1,3}[n\"]|\"|$))")


# A tool's `config set`, its flags before the name (`--global`, `--location project`).
_CONFIG_SET = (r"config[ \t]+set(?:[ \t]+--?[A-Za-z][\w\-]{0,30}(?:[ =][\w.\-]{1,32})?){0,3}"
               r"[ \t]+")


def _command_ok(match: re.Match[str]) -> bool:
    """The command starts its line, the name ends with a secret word and is no public
    one, and the value passes an env file's gate for that word."""
    text = match.string
    if LEAD.fullmatch(text, line_start(text, match.start()) or 0, match.start("n")) is None:
        return False
    return _pair_ok(match)


# Before Windows' `setx`: the line's start, a JSON string's opening quote, a `cmd` or
# PowerShell prompt (`C:\>`, `PS C:\src>`).
_SETX_LEAD = re.compile(r"\\?\"?[ \t]*(?:(?:PS[ \t]+)?[A-Za-z]:\\[^>\r\n]{0,200}>[ \t]*)?")


def _setx_ok(match: re.Match[str]) -> bool:
    """`setx NAME value` (Windows, stored for every later session) starts its line."""
    text = match.string
    if _SETX_LEAD.fullmatch(text, line_start(text, match.start()) or 0, match.start()) is None:
        return False
    return _pair_ok(match)


# A call's name and value strings (quotes maybe JSON-escaped).
_SET_CALL = (r"(?:setenvironmentvariable|setenv|putenv|setdefault)\([ \t]*\\{0,3}[\"']"
             r"(?P<n>[A-Za-z_][A-Za-z0-9_.\-]{0,80})\\{0,3}[\"'][ \t]*,[ \t]*\\{0,3}[\"']"
             r"(?P<s>[^\"'\r\n\\]{1,512})\\{0,3}[\"']")


def _pair_ok(match: re.Match[str]) -> bool:
    """The matched name and value pass `named_value_ok`."""
    return named_value_ok(match.group("n"), match.group("s"))


def named_value_ok(name: str, value: str) -> bool:
    """The name ends with a secret word, no public one, and the value passes an env
    file's gate for that word."""
    word = names_secret(name)
    if not word or PUBLIC_NAME.search(name):
        return False
    if is_password_word(word):
        return password_value(value, quoted=False, env=True)
    if HEX_DIGEST.fullmatch(value):
        return False  # a SHA's length in hex: a digest or a fingerprint
    if word in WEAK:
        return looks_random(value, 16)
    return unquoted_secret(value, env=True)


DETECTOR = Detector(
    name="env_command",
    description="Values given by ENV / setenv / set -gx NAME value to a secret-named variable.",
    patterns=(
        Pattern("generic_secret", r"(?:(?<=set)|(?<=\\n)|(?<![\w.\-/$]))env[ \t]+" + _REST,
                anchors=("env ", "env\t"), at_anchor=True, check=_command_ok,
                priority=GENERIC),
        Pattern("generic_secret", r"set(?:[ \t]+-[A-Za-z]+){1,8}[ \t]+" + _REST,
                anchors=("set -",), at_anchor=True, check=_command_ok, priority=GENERIC),
        Pattern("generic_secret", r"setx(?:\.exe)?[ \t]+" + _REST,
                anchors=("setx",), at_anchor=True, check=_setx_ok, priority=GENERIC),
        # a call setting a variable: .NET's `[Environment]::SetEnvironmentVariable("NAME",
        # "x", "User")`, Go's `os.Setenv`, `putenv`, `os.environ.setdefault`
        Pattern("generic_secret", _SET_CALL, anchors=("setenvironmentvariable(", "setenv(",
                                                     "putenv(", "setdefault("),
                at_anchor=True, check=_pair_ok, priority=GENERIC),
        # `wp config set DB_PASSWORD 'x'`, `yarn config set npmAuthToken x`, `pnpm config
        # set --location project NAME x`: a tool's own settings, after any word
        Pattern("generic_secret", _CONFIG_SET + _REST, anchors=("config set",),
                at_anchor=True, check=_pair_ok, priority=GENERIC),
    ),
)
