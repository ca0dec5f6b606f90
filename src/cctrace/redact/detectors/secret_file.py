"""Detector: a value printed alone, right under what names it: a secret file's content, a
new key file in a diff, a secret variable piped through `base64`.

`cat secrets/db-password.txt` prints the password on the next line with nothing beside it;
a diff adding `deploy/key.pem` shows it as `+<value>` under the hunk header; `echo
"$API_SECRET" | base64` prints its encoding. The name (the file's base name without its
extension, a `secrets/` directory, the variable) must end with a secret word
(`redact.lone.names_secret`: `key.pem`, `pg-password.txt`, `HMAC_SECRET`; not
`password_policy.md`, `tokenizer.json`), and every following line up to the next blank,
spaced or differently marked line must be one token: code, prose and listings have blanks
or fail the gate. The value (lines joined) passes `redact.lone.lone_value`; a base64
encoding is judged by what it decodes to (binary: a random key, redacted).
"""

from __future__ import annotations

import re

from cctrace.redact.detectors.base import CONTEXTUAL, Detector, Pattern
from cctrace.redact.lone import is_password_word, lone_value, names_secret
from cctrace.redact.views import decode_text

# A line break, or its escape in a JSON string.
_NL = r"(?:\r?\n|\\{1,3}n)"
_BREAK = re.compile(_NL)
# Lines of one token each, to the end of the run (the lookahead: no blank follows).
_TOK = r"[^\s\\]{1,512}"
# (A line that starts with a quote after an escaped break is the end of the JSON string
# holding the output, not a line of it.)
_LINES = (r"(?P<s>" + _TOK + r"(?:" + _NL + r"(?!\\{0,3}\")" + _TOK + r"){0,40})(?=" + _NL
          + r"|$)")
_DIFF_LINES = r"(?P<s>" + _TOK + r"(?:" + _NL + r"[+-]" + _TOK + r"){0,40})(?=" + _NL + r"|$)"
# A pipe that only rewraps what it is given (`| fold -w 64`, `| fmt`): the value is the
# lines joined.
_REWRAP = r"(?:[ \t]*\|[ \t]*(?:fold|fmt)(?:[ \t]+-[a-z]+(?:[ \t]*\d+)?)*)?"
# Commands that print one named value alone: a CLI's config or output getter, whose last
# argument is the value's name (`aws configure get aws_secret_access_key`, `terraform
# output -raw db_password`, `heroku config:get API_TOKEN`), or that print a token by what
# they are (`gh auth token`, `gcloud auth print-access-token`).
_GETTERS = ("aws configure", "terraform output", "tofu output", "heroku config:get",
            "doppler secrets", "vault kv", "vault read", "gh auth", "gcloud auth", "az keyvault",
            "git config", "npm config", "pip config", "kubectl config")
# Tried at its anchor only, so its one space (the anchor's) is all the regex needs.
_GETTER = "(?:" + "|".join(re.escape(g) for g in _GETTERS) + ")"
_SECRET_DIRS = frozenset({"secrets", ".secrets", "secret", "credentials", ".credentials"})
# Extensions that say what a file holds when its name does not (Rails' `master.key`,
# `deploy.token`); `.pem`, `.crt`, `.pub` hold certificates and public keys as often.
# (`names_secret` drops extensions of up to 5 letters only: `x.secret`, `x.password` are
# named by it.)
_SECRET_EXTENSIONS = frozenset({"key", "token", "pass", "pwd"})
# `kubectl get secret NAME -o jsonpath='{.data.NAME}'`: one field's base64, or the value
# itself when piped through `base64 -d`.
_DATA_FIELD = re.compile(r"\.data\.(?P<name>[^\s'\"}\]]+)|\.data\[\\?['\"](?P<q>[^'\"\\]+)")


def _path_word(path: str) -> str:
    """The secret word `path` is named by: its base name's, else a `secrets/` directory's."""
    parts = path.strip("'\"").replace("\\", "/").split("/")
    word = names_secret(parts[-1])
    ext = parts[-1].rpartition(".")[2].lower()
    if not word and ext in _SECRET_EXTENSIONS:
        word = names_secret(ext)
    if not word and any(p.lower() in _SECRET_DIRS for p in parts[:-1]):
        return "secret"
    return word


def _value(block: str, marked: bool) -> str:
    lines = _BREAK.split(block)
    return "".join(line[1:] if marked and i else line for i, line in enumerate(lines))


def _file_ok(match: re.Match[str]) -> bool:
    word = _path_word(match.group("path"))
    return bool(word) and lone_value(_value(match.group("s"), False), is_password_word(word),
                                     match.group())


def _getter_ok(match: re.Match[str]) -> bool:
    """The first argument naming a secret (a flag's value too: `-field=password`; a dotted
    key by its last part: `user.token`) names what the getter printed."""
    for arg in match.group("args").split():
        # A dotted key's last part is its name (`user.token`: not a file's extension).
        # (A name is read by its end, so `-field=password` needs no split at `=`.)
        word = names_secret(arg.strip("'\"{}[]()").rpartition(".")[2])
        if word:
            return lone_value(_value(match.group("s"), False), is_password_word(word),
                              match.group())
    return False


def _kube_ok(match: re.Match[str]) -> bool:
    """The field a jsonpath names (`{.data.password}`, `{.data['api-key']}`) must name a
    secret; its base64 is judged by what it decodes to, unless `base64 -d` decoded it."""
    field = _DATA_FIELD.search(match.group("args"))
    word = field and names_secret(field.group("name") or field.group("q"))
    if not word:
        return False
    if match.group("decode"):
        return lone_value(match.group("s"), is_password_word(word), match.group())
    return _encoded_value_ok(match.group("s"), word, match.group())


def _diff_ok(match: re.Match[str]) -> bool:
    word = _path_word(match.group("path"))
    return bool(word) and lone_value(_value(match.group("s"), True), is_password_word(word),
                                     match.group())


def _encoded_ok(match: re.Match[str]) -> bool:
    word = names_secret(match.group("var"))
    return bool(word) and _encoded_value_ok(_value(match.group("s"), False), word,
                                            match.group())


def _encoded_value_ok(encoded: str, word: str, context: str) -> bool:
    """Base64 printed under a name for a secret (`word`), judged by what it decodes to."""
    plain = decode_text(encoded)
    if plain is None:
        return len(encoded) >= 12  # binary inside: a drawn key's bytes
    return lone_value(plain.rstrip("\r\n"), is_password_word(word), context)


DETECTOR = Detector(
    name="secret_file",
    description="A value printed alone under a secret file's name, a key file's diff or "
                "`echo $SECRET | base64`.",
    patterns=(
        Pattern(
            "secret_file_content",
            r"(?:cat|head|tail)[ \t]+(?:-\w+(?:[ \t]+\d+)?[ \t]+)*(?P<path>[^\s|;&<>\\]+)"
            + _REWRAP + r"[ \t]*" + _NL + _LINES,
            anchors=("cat ", "head ", "tail "),
            at_anchor=True,
            boundary=True,
            check=_file_ok,
            priority=CONTEXTUAL,
        ),
        Pattern(
            "secret_file_content",
            _GETTER + r"(?P<args>(?:[ \t]+[^\s|;&<>\\]+){1,12})" + _REWRAP
            + r"[ \t]*" + _NL + _LINES,
            anchors=_GETTERS,
            at_anchor=True,
            boundary=True,
            check=_getter_ok,
            priority=CONTEXTUAL,
        ),
        Pattern(
            "secret_file_content",
            r"kubectl[ \t]+get[ \t]+secrets?"
            r"(?P<args>(?:[ \t]+(?:[^\s|;&<>\\]|\\{1,3}[.\"])+){1,12})"
            r"(?P<decode>[ \t]*\|[ \t]*base64[ \t]+(?:-d|-D|--decode))?[ \t]*" + _NL
            + r"(?P<s>" + _TOK + r")(?=" + _NL + r"|$)",
            anchors=("kubectl get secret",),
            at_anchor=True,
            boundary=True,
            check=_kube_ok,
            priority=CONTEXTUAL,
        ),
        Pattern(
            "secret_file_content",
            # (bounded: a long line holding `+++ ` many times costs a bounded look at each)
            r"\+\+\+[ \t]+(?P<path>[^\s\\]{1,512})[^\n\\]{0,512}" + _NL + r"@@[^\n\\]{0,512}" + _NL
            + r"[+-]"
            + _DIFF_LINES,
            anchors=("+++ ",),
            at_anchor=True,
            check=_diff_ok,
            priority=CONTEXTUAL,
        ),
        Pattern(
            "secret_file_content",
            r"echo[ \t]+(?:-n[ \t]+)?(?:\\{0,3}\")?\$\{?(?P<var>\w+)\}?(?:\\{0,3}\")?[ \t]*\|"
            r"[ \t]*base64(?:[ \t]+-w[ \t]*0)?[ \t]*" + _NL + _LINES,
            anchors=("echo ",),
            at_anchor=True,
            boundary=True,
            check=_encoded_ok,
            priority=CONTEXTUAL,
        ),
    ),
)
