"""Detector: secrets passed on command lines.

`--password x`, `--token=x`, `--api-key x`; `mysql -pSECRET` / `-p SECRET` and the like
(`mysqldump`, `mariadb`, `sshpass -p`, `docker login -p`, `redis-cli -a`); `curl -u
user:password`; the value a command prints for a secret-named variable (`$ printenv
DB_PASSWORD` / `$ echo $API_TOKEN`, then the value alone on the next line). Placeholders
(`$PASS`, `<password>`, `***`) are left alone.
"""

from __future__ import annotations

import re

from cctrace.redact.detectors.base import STRUCTURAL, Detector, Pattern
from cctrace.redact.randomness import looks_random
from cctrace.redact.stoplist import is_placeholder

_VALUE = r"(?P<q>\\{0,3}[\"']?)(?P<s>[^\s\"'\\]{3,256})"


# Words after a flag named in a sentence (`the --username and --password options`,
# `--token flag`, `Cannot specify --password with empty --username`): what the flag is,
# or the sentence going on, not its value.
_FLAG_WORDS = frozenset(
    """option options flag flags argument arguments parameter parameters switch switches
    with and or is are was were to for the in of on must may can cannot should will not
    also only""".split())


def _value_ok(value: str) -> bool:
    return (not value.startswith("-") and not is_placeholder(value)
            and value.rstrip(".,;:)").lower() not in _FLAG_WORDS)


def _user_pw_ok(match: re.Match[str]) -> bool:
    """A `user:password` word with a password that is not a placeholder (`$PASS`)."""
    word = match.group("s").replace('\\"', "").strip("\"'")
    if ":" not in word:
        return False
    user, _, pw = word.partition(":")
    secret = pw.strip("\"'") or user.strip("\"'")
    return len(secret) >= 3 and not is_placeholder(secret) and not secret.startswith("$")


# A variable named for a secret: the word, not inside another (`monkey`, `bypass`).
_SECRET_NAME = re.compile(
    r"(?i)(?:^|_)(?:pass(?:word|wd)?|pwd|secret|token|api_?key|auth|credentials?|private_key"
    r"|access_key|key)(?:_|$)")


def _printed_secret_ok(match: re.Match[str]) -> bool:
    """The printed value of a secret-named variable: anything that is not a placeholder
    after a prompt (`$ printenv DB_PASS`: the next line is the command's output). Without
    a prompt the lines are a script's, and the next one is usually the next command
    (`echo $API_TOKEN` then `./deploy.sh`, `whoami`): only a drawn token is taken there."""
    if _SECRET_NAME.search(match.group("n")) is None or not _value_ok(match.group("s")):
        return False
    return _after_prompt(match.string, match.start()) or looks_random(match.group("s"), 12)


# The end of a shell prompt (`$ `, `dev@box:~$ `, `PS C:\> `, `root# `, `% `, starship's
# arrow): its last character, then blanks, right before the command.
_PROMPT_CHARS = frozenset("$#%>\u276f")


def _after_prompt(text: str, start: int) -> bool:
    """Whether the command at `start` follows a prompt: a prompt character, then only
    blanks (a line break or any other word between means no prompt)."""
    i = start
    while i > 0 and text[i - 1] in " \t":
        i -= 1
    return i > 0 and text[i - 1] in _PROMPT_CHARS


DETECTOR = Detector(
    name="cli_flags",
    description="Secrets in command-line flags (--password, mysql -p, curl -u user:pass...).",
    patterns=(
        Pattern(
            "cli_password",
            r"--(?:db-?|admin-?|root-?|client-?)?(?:password|passwd|pass|token|secret"
            r"|api[_\-]?key|access[_\-]?token|auth[_\-]?token|client[_\-]?secret)"
            r"(?:=|[ \t]+)" + _VALUE,
            anchors=(
                "--password", "--passwd", "--pass", "--token", "--secret", "--api-key",
                "--api_key", "--apikey", "--access-token", "--auth-token", "--client-secret",
                "--db-password", "--dbpassword", "--admin-password", "--root-password",
            ),
            at_anchor=True,
            validate=_value_ok,
            priority=STRUCTURAL,
        ),
        Pattern(
            "cli_password",
            r"(?:mysql\w*|mariadb[\w\-]*|sshpass|mysqlsh|(?:docker|podman|nerdctl)\s+login)"
            r"\b[^\n|;&]{0,200}?[ \t](?-i:-p)[ \t]*" + _VALUE,
            anchors=(
                "mysql", "mariadb", "sshpass", "docker login", "podman login", "nerdctl login"
            ),
            at_anchor=True,
            validate=_value_ok,
            priority=STRUCTURAL,
        ),
        Pattern(
            "cli_password",
            r"redis-cli\b[^\n|;&]{0,200}?[ \t](?:-a|--pass)[ \t]+" + _VALUE,
            anchors=("redis-cli",),
            at_anchor=True,
            validate=_value_ok,
            priority=STRUCTURAL,
        ),
        # `curl -u user:pw`, `--user "id":"pw"`, `-u kevin:'pw'`, `-u ":pw"`, lines continued
        # with `\`: the whole shell word after the flag (user included) is the credential.
        Pattern(
            "cli_password",
            r"(?:curl|wget|http)\b(?:[^\n|;]|\\\r?\n){0,300}?[ \t](?:-u|--user|--http-password)"
            r"(?:=|[ \t]+)(?P<s>(?:\\{0,3}\"[^\"\n]{0,256}\\{0,3}\"|'[^'\n]{0,256}'"
            r"|[^\s\"'|;&<>])+)",
            anchors=("curl", "wget"),
            at_anchor=True,
            check=_user_pw_ok,
            priority=STRUCTURAL,
        ),
        Pattern(
            "cli_password",
            r"(?:printenv[ \t]+|echo[ \t]+\\{0,3}\"?\$\{?)(?P<n>[A-Za-z_][A-Za-z0-9_]{0,64})"
            r"\}?(?:\\{0,3}\")?[ \t]*(?:\r?\n|\\{1,3}n)(?P<s>[^\s\\\"']{6,512})[ \t]*"
            r"(?:\r?\n|\\{1,3}n|$)",
            anchors=("printenv ", "echo $", 'echo "$', 'echo \\"$'),
            at_anchor=True,
            check=_printed_secret_ok,
            priority=STRUCTURAL,
        ),
    ),
)
