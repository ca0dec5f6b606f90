"""`detectors/command_output.py` alone, exactly: the line a secret-printing command writes
under its command line, and a store's get of a secret-named key. A positive gives exactly
one finding over exactly the value; a negative none, byte-identical."""

from __future__ import annotations

import json

import pytest

from cctrace.redact.detectors import command_output
from support import alone as support_alone

PW = "Maple!ember17?"
TOKEN = "pH0cn6lV6o97uwJEYGFqnDY8yNKc5TPCKYzCCXL9Svl8"
HEROKU = "HRKU-0ebae88a-21ca-874d-57c7-af63085d50ba"


def found(text: str, value: str) -> None:
    support_alone.found("command_output", "labelled_secret", text, value)


def kept(text: str) -> None:
    support_alone.kept("command_output", text)


@pytest.mark.parametrize("text,value", [
    (f"$ heroku auth:token\n{HEROKU}\n", HEROKU),
    (f"$ heroku auth:token\n \u203a   Warning: token will expire 04/01/2027\n{HEROKU}", HEROKU),
    (f"$ gcloud auth print-access-token\n{TOKEN}\n", TOKEN),
    (f"$ gcloud auth application-default print-access-token\n{TOKEN}", TOKEN),
    ("$ aws ecr get-login-password --region us-east-1\neyJwYXlsb2FkIjoi" + "Qk" * 400 + "\n",
     "eyJwYXlsb2FkIjoi" + "Qk" * 400),                  # base64 of JSON: taken whole
    (f"$ az account get-access-token --query accessToken -o tsv\n{TOKEN}\n", TOKEN),
    (f"$ gh auth token\n{TOKEN}\n", TOKEN),
    (f"$ aws secretsmanager get-secret-value --secret-id x --query SecretString "
     f"--output text\n{TOKEN}\n", TOKEN),
    (f"$ vault read -field=password secret/prod/db\n{PW}\n", PW),
    (f"$ vault kv get -field=api_key secret/stripe\n{TOKEN}", TOKEN),
    (f"~/app $ doppler secrets get API_KEY --plain\n{TOKEN}\n", TOKEN),
    (f"$ op read op://Private/postgres/password\n{PW}\n", PW),
    (f"$ security find-generic-password -s deploy -w\n{PW}\n", PW),
    (f"$ pass show work/email\n{PW}\nurl: mail.example.com\n", PW),
    (f"$ gopass show -o work/email\n{PW}\n", PW),
    (f"$ bw get password github\n{PW}\n", PW),
    (f"$ secret-tool lookup service db\n{PW}\n", PW),
    (f"$ etcdctl get /config/db/password\n/config/db/password\n{PW}", PW),
    (f"$ consul kv get app/prod/db_password\n{PW}", PW),
    (f"$ aws ssm get-parameter --with-decryption --name /prod/db_password --query "
     f"Parameter.Value --output text\n{PW}", PW),
])
def test_found(text: str, value: str) -> None:
    found(text, value)


def test_found_inside_a_json_string() -> None:
    found(json.dumps(f"$ heroku auth:token\n{HEROKU}\n"), HEROKU)
    found(json.dumps(json.dumps(f"$ vault read -field=password secret/db\n{PW}")), PW)


@pytest.mark.parametrize("text", [
    "$ heroku auth:whoami\ndev@example.com",
    "$ vault read -field=ttl secret/prod/db\n768h",       # a field naming no secret
    "$ gh auth token\nno oauth token found for github.com",  # a sentence, no one word
    f"$ heroku auth:token | pbcopy\n{HEROKU}",            # the output went elsewhere
    f"$ gh auth token > .token\n{TOKEN}",
    f"$ etcdctl get /config/region\n/config/region\n{TOKEN}",  # the key names no secret
    f"$ security find-generic-password -s deploy\n{PW}",  # without -w: attributes
    "$ heroku auth:token\n$HEROKU_API_KEY",               # a reference
    f"heroku auth:token prints the token. {HEROKU}",      # not under the command
])
def test_kept(text: str) -> None:
    kept(text)


def test_the_command_line_may_hold_escaped_quotes() -> None:
    found(json.dumps(f'PS C:\\> op read "op://Work/db/password"\n{PW}'), PW)


def test_what_the_field_or_key_says() -> None:
    found("$ consul kv get app/db_password\nsunshine99", "sunshine99")  # a chosen password
    found("$ vault read -field=password secret/db\nsunshine99", "sunshine99")
    kept("$ vault read -field=environment secret/app\nproduction")  # a word, no secret
    kept("$ consul kv get app/db_token\nsunshine99")       # a token must read as drawn


def test_what_a_printer_prints_is_taken_as_typed() -> None:
    gho = "gho_" + TOKEN[:36]
    found(f"$ gh auth token\n{gho}\n", gho)                # a name-like word: still a token
    kept("$ pass show work/email\n/home/me/notes/work")    # a path
    found("$ pass show work/email\npa(ss)word1", "pa(ss)word1")  # code-like: typed as is


@pytest.mark.parametrize("command, prints", [
    ("heroku auth:token", True),
    ("heroku auth:tokens", False),  # another command
    ("gcloud auth application-default print-access-token", True),
    ("vault read -field=password secret/x", True),
    ("vault read -field=ttl x", False),
    ("vault read secret/x", False),  # a table with names: the detectors read it
    ("etcdctl get /config/db/password", True),
    ("etcdctl get /config/db/host", False),
    ("aws ssm get-parameter --name /prod/api_key --with-decryption", True),
    ("security find-generic-password -s x -w", True),
    ("security find-generic-password -s x", False),  # attributes, not the password
    ("git status", False),
    ("echo gh auth token", False),
])
def test_prints_secret(command: str, prints: bool) -> None:
    assert command_output.prints_secret(command) is prints
