"""Detector: the line a secret-printing command writes, under the command line.

Some commands print nothing but a secret: `heroku auth:token`, `gcloud auth
print-access-token`, `aws ecr get-login-password`, `az account get-access-token ... -o
tsv`, `gh auth token`, `aws secretsmanager get-secret-value ... --output text`, `vault read
-field=...`, `doppler secrets get ... --plain`, `op read`, `pass show`, `security
find-generic-password -w`, `bw get password`, `secret-tool lookup`; and a store's `get` of
a key whose last part names a secret (`etcdctl get /config/db/password` echoes the key,
then the value; `consul kv get app/db_password`, `aws ssm get-parameter --name
/prod/api_key`). A terminal copied into a session, or a Bash result holding the command,
shows the value alone on the line after it: the first line with no blank (up to two
warning lines, blank lines and the key's echo skipped), judged as a lone value
(`lone.lone_value`): a password when the command or its key says password, else it must
read as drawn, so `vault read -field=ttl` then `768h` and an error message stay. The
command's line must not pipe or redirect its output elsewhere (`| docker login
--password-stdin`, `> token.txt`). Bare output with no command before it (a tool result
of its own) names nothing and is not read here: `prints_secret` lets the capture policy
withhold such a Bash result by its command (`policy.apply`).
"""

from __future__ import annotations

import re

from cctrace.redact.detectors.base import CONTEXTUAL, LINE_BREAK, Detector, Pattern
from cctrace.redact.lone import is_password_word, lone_value, names_secret, secret_word
from cctrace.redact.stoplist import is_placeholder, password_value, unescape

# Commands whose whole output is one secret (their first word or words).
_PRINTERS = (
    r"heroku[ \t]+auth:token"
    r"|gcloud[ \t]+auth[ \t]+(?:[\w\-]+[ \t]+)?print-(?:access|identity)-token"
    r"|aws[ \t]+(?:ecr|ecr-public)[ \t]+get-login-password"
    r"|aws[ \t]+codeartifact[ \t]+get-authorization-token|az[ \t]+account[ \t]+get-access-token"
    r"|(?:gh|glab)[ \t]+auth[ \t]+token|aws[ \t]+secretsmanager[ \t]+get-secret-value"
    r"|vault[ \t]+(?:kv[ \t]+)?(?:read|get)[ \t]+(?:[^\n|;&>]{0,80}?)"
    r"-field=(?P<field>[\w.\-]{1,64})"
    r"|vault[ \t]+print[ \t]+token|doppler[ \t]+secrets[ \t]+get[ \t]+(?P<dkey>[\w\-]{1,64})"
    r"|op[ \t]+read|pass[ \t]+show|security[ \t]+find-(?:generic|internet)-password"
    r"|bw[ \t]+get[ \t]+password|secret-tool[ \t]+lookup"
)
# A store's get of a key whose last part names a secret (judged in `_ok`).
_GETTERS = (
    r"(?:etcdctl[ \t]+get|consul[ \t]+kv[ \t]+get|aws[ \t]+ssm[ \t]+get-parameter[ \t]"
    r"(?:[^\n|;&>]{0,80}?)--name)[ \t=]+(?P<key>[\w./:\-]{1,200})"
)
# The rest of the command line: no pipe, redirect or second command (quotes may be
# JSON-escaped).
# Taken whole and never given back (a lookahead's capture, then matched again: an atomic
# group): giving back cannot reach a line break, and each hit would retry every length.
_REST = r"(?=(?P<rest>(?:[^\n|;&>\\]|\\{1,3}[\"']){0,300}))(?P=rest)"
# Skipped lines: warnings (heroku's `›   Warning: ...`), blank lines, and after a store's
# get the key it echoes (only there: a printer's value is no echo).
_SKIP = (r"(?:[ \t]*(?:›|[Ww][Aa][Rr][Nn])[^\n\\]{0,200}" + LINE_BREAK
         + r"|[ \t]*" + LINE_BREAK + r")")
_ECHO = r"(?:[\w./:\-]{1,200}" + LINE_BREAK + r")?"
# The value: one word alone on its line (or the JSON string's end).
_VALUE = r"[ \t]*(?P<s>[^\s\"'\\]{6,4096})[ \t]*(?=" + LINE_BREAK + r"|\\*\"|$)"


_COMMAND = re.compile(r"(?:" + _PRINTERS + "|" + _GETTERS + r")(?![\w\-])")


def prints_secret(command: str) -> bool:
    """Whether a simple command (its words joined by blanks) is one of these printers, or
    a store's get of a key that names a secret: its whole output is the secret, so the
    capture policy withholds a Bash result that holds no command line to read it by."""
    m = _COMMAND.match(command)
    if m is None:
        return False
    if m.group("key") is not None:
        return bool(names_secret(m.group("key")))
    field = m.group("field") or m.group("dkey")
    if field is not None:
        return bool(secret_word(field))  # `vault read -field=ttl` prints no secret
    return not (command.startswith("security") and "-w" not in command.split())


def _ok(match: re.Match[str]) -> bool:
    line = match.group("cmd")
    key = match.group("key")
    if key is not None:
        word = names_secret(key)  # its last path part: `/config/db/password`
        if not word:
            return False
        password = is_password_word(word)
    elif match.group("field") or match.group("dkey"):
        password = is_password_word(secret_word(match.group("field") or match.group("dkey")))
    else:
        if line.lower().startswith("security") and "-w" not in line.split():
            return False  # without -w, `security` prints the item's attributes
        # Whatever it looks like (ECR's password is base64 of a JSON document): the command
        # prints a credential and nothing else; an error is a sentence, no one word.
        # (`password_value` stops at 512 characters: ECR's runs to 2-3 KB.)
        value = unescape(match.group("s"))
        return password_value(value[:512], quoted=True, env=False) and not is_placeholder(value)
    return lone_value(unescape(match.group("s")), password, line)


DETECTOR = Detector(
    name="command_output",
    description="The value a secret-printing command writes on the line under it "
                "(`heroku auth:token`, `vault read -field=password`, `etcdctl get .../password`).",
    patterns=(
        Pattern(
            "labelled_secret",
            r"(?P<cmd>(?:" + _PRINTERS + "|" + _GETTERS + ")" + _REST + ")" + LINE_BREAK
            + _SKIP + r"{0,2}(?(key)" + _ECHO + ")" + _VALUE,
            # Each command's first words: the pattern is tried where one starts.
            anchors=("heroku auth:token", "gcloud auth", "aws ecr", "aws codeartifact",
                     "az account", "gh auth", "glab auth", "aws secretsmanager", "vault read",
                     "vault kv", "vault get", "vault print", "doppler secrets", "op read",
                     "pass show", "security find-", "bw get", "secret-tool lookup",
                     "etcdctl get", "consul kv", "aws ssm"),
            at_anchor=True,
            check=_ok, priority=CONTEXTUAL,
        ),
    ),
)
