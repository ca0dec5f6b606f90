"""`detectors/cli_positional.py` alone, exactly: `printf` arguments filling a `%s` after a
secret's name in the format, `cargo login <token>`, `poetry|composer config
http-basic.<host> <user> <password>`, composer's `github-oauth.` / `gitlab-token.` /
`bearer.` tokens, `pulumi config set --secret <key> <value>`. A positive gives exactly one
finding over exactly the value; a negative none, byte-identical."""

from __future__ import annotations

import json

import pytest

from support import alone as support_alone

PW = "Hawk#Eye2099"
TOKEN = "cioAlEDZXcwLvIpKmWNXvZstDl5V8Z2khug"


def found(text: str, value: str) -> None:
    support_alone.found("cli_positional", "cli_password", text, value)


def kept(text: str) -> None:
    support_alone.kept("cli_positional", text)


@pytest.mark.parametrize("text,secret", [
    (f"printf 'DB_PASS=%s\\n' '{PW}' >> .env", PW),
    (f'printf "API_TOKEN=%s\\n" "{TOKEN}" > /run/secrets/env', TOKEN),
    (f"printf 'password: %s\\n' '{PW}' | tee -a config.yml", PW),
    (f"printf 'export AWS_SECRET_ACCESS_KEY=%s\\n' {TOKEN} >> ~/.bashrc", TOKEN),
    (f"printf -v line 'DB_PASSWORD=%s' '{PW}'", PW),                # bash's -v
    (f"printf 'USER=%s\\nDB_PASSWORD=%s\\n' app '{PW}' > .env", PW),  # the second argument
    (f"printf 'x=%d DB_PASSWORD=%-12s' 3 {PW}", PW),                 # widths, other specs
    (f"cargo login {TOKEN}", TOKEN),
    (f"cargo login --registry corp {TOKEN}", TOKEN),
    (f"poetry config http-basic.corp deploy {PW}", PW),
    (f"poetry config http-basic.corp deploy '{PW}'", PW),
    (f"composer config http-basic.repo.packagist.com token {TOKEN}", TOKEN),
    (f"composer config --global --auth http-basic.repo.corp.io ci {PW}", PW),
    (f"composer config -g github-oauth.github.com {TOKEN}", TOKEN),
    (f"composer config gitlab-token.gitlab.corp.io {TOKEN}", TOKEN),
    (f"composer config bearer.repo.corp.io {TOKEN}", TOKEN),
    (f"pulumi config set --secret dbPassword {PW}", PW),
    (f"pulumi config set apiKey {TOKEN} --secret", TOKEN),
    (f"pulumi config set --secret stripeSk {PW}", PW),              # the flag says it
    (f"pulumi config set stripeSk {PW} --secret", PW),
    (f"printf '100%% DB_PASSWORD=%s' '{PW}'", PW),                  # `%%` is no argument
    (f"pulumi config set aws:secretKey {TOKEN}", TOKEN),             # the key names it
])
def test_found(text: str, secret: str) -> None:
    found(text, secret)


def test_found_in_a_json_string() -> None:
    found(json.dumps(f'printf "API_TOKEN=%s\\n" "{TOKEN}" > .env'), TOKEN)
    found(json.dumps(f"cargo login {TOKEN}"), TOKEN)


@pytest.mark.parametrize("text", [
    "printf 'DB_PASS=%s\\n' \"$DB_PASS\" >> .env",                   # a reference
    "printf '%s: %d items\\n' \"$name\" 3",                          # no name before %s
    f"printf 'USER=%s\\n' '{PW}'",                                    # not a secret's name
    f"printf 'PASSWORD_FILE=%s\\n' '{PW}'",                           # the name goes on
    "printf 'TOKEN_TTL=%d\\n' 3600",                                  # a number's spec
    "printf 'DB_PASSWORD=%s\\n'",                                     # no argument
    "printf 'API_KEY=%s\\n' changeme",                                # a placeholder
    "cargo login",
    "cargo login --registry corp",
    "cargo login abc",                                                # too short for a token
    "cargo login my-registry-token-name",                            # words, not drawn
    "poetry config http-basic.corp $CORP_USER $CORP_PASS",
    "composer config http-basic.repo.corp.io ci <password>",
    "composer config github-oauth.github.com $GITHUB_TOKEN",
    "pulumi config set region eu-west-1",                            # no --secret, no name
    "pulumi config set --secret dbPassword",                         # value from stdin
    "pulumi config set --secret dbPassword $DB_PW",                  # a reference
    f"pulumi config set stripeSk {PW}",                              # nothing says secret
    f"pulumi config set stripeSk {PW}\n--secret",                    # another line
    "printf 'DB_PASSWORD=%d' 12345678",                             # a number's spec
    "cargo login -Xk9fQ2mZpL7wR4tBv3Hc",                            # a flag, not a token
])
def test_kept(text: str) -> None:
    kept(text)


def test_printf_reads_at_most_eight_arguments() -> None:
    # The eighth argument is read, the ninth is not (a bounded read from each `printf`).
    fmt8 = "".join(f"V{i}=%s " for i in range(7)) + "DB_PASSWORD=%s"
    found(f"printf '{fmt8}' " + " ".join(f"v{i}" for i in range(7)) + f" '{PW}'", PW)
    fmt9 = "".join(f"V{i}=%s " for i in range(8)) + "DB_PASSWORD=%s"
    kept(f"printf '{fmt9}' " + " ".join(f"v{i}" for i in range(8)) + f" '{PW}'")


def test_cargo_takes_16_characters_and_pulumi_reads_200() -> None:
    found("cargo login Xk9fQ2mZpL7wR4tB", "Xk9fQ2mZpL7wR4tB")
    found(f"pulumi config set stripeSk {PW}" + " " * 192 + "--secret", PW)
    kept(f"pulumi config set stripeSk {PW}" + " " * 193 + "--secret")


# -- a kickstart file's root password (probes-9) --------------------------------------------
@pytest.mark.parametrize("text", [
    f"rootpw --plaintext {PW}\n",
    f"lang en_US\nrootpw {PW}\nuser --name=admin",
    f"rootpw --iscrypted --allow-ssh {PW}",
    f"lang en_US\\nrootpw --plaintext {PW}\\n",            # in a JSON string
    # indented: the pattern starts at the line's start, before the blanks and the keyword
    # (tried only at the keyword, it would miss this one)
    f"lang en_US\n  rootpw --plaintext {PW}\n", f"\trootpw {PW}",
])
def test_kickstart_rootpw(text: str) -> None:
    found(text, PW)


@pytest.mark.parametrize("text", [
    "rootpw --lock",
    f"the rootpw {PW} line",                              # not a line's start
    "rootpw --plaintext $ROOT_PASSWORD",                  # a reference
])
def test_kickstart_rootpw_kept(text: str) -> None:
    kept(text)
