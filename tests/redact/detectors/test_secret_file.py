"""`detectors/secret_file.py`: a value printed alone under `cat <secret file>`, under a diff
hunk of a key file, or as `echo "$SECRET" | base64` output is redacted; files, diffs and
variables that name no secret, listings, code and look-alikes stay byte-identical."""

from __future__ import annotations

import base64
import json

import pytest

from cctrace.redact import registry
from cctrace.redact.detectors.secret_file import _path_word, _value
from cctrace.redact.engine import Finding, SecretRedactor
from support.absence import assert_absent

AWS = "naKVALWtFEsovIrEQA1HVm3rBWl82PF2+Ct1H62H"
HEX16 = "8a0af88fed002778"
PW = "Coffee7411."
SHA = "e5d6fb28730e36ae3daf59ecee1797a250690d7c"


def _all() -> SecretRedactor:
    return SecretRedactor(registry.detectors(), b"k" * 32)


def _alone() -> SecretRedactor:
    return SecretRedactor([registry.load("secret_file")], b"k" * 32)


def _b64(value: str) -> str:
    return base64.b64encode((value + "\n").encode()).decode()


POSITIVE = [
    ("$ cat secrets/aws-secret-access-key.txt\n{v}\n", AWS),
    ("$ cat secrets/session-secret.txt\n{v}\n", HEX16),
    ("$ cat secrets/pg-password.txt\n{v}\n", PW),
    ("$ sudo cat /run/secrets/db\n{v}", PW),
    ("$ head -n 1 ~/.config/app/api_token\n{v}\n$ ls\n", HEX16),
    ("$ tail -1 deploy/master-key.txt\r\n{v}\r\n", AWS),
    ("$ cat key.pem\n{v}\nMORE{v}\n\ndone\n", AWS),  # every token line of the run
    ("--- /dev/null\n+++ b/deploy/key.pem\n@@ -0,0 +1,1 @@\n+{v}\n", HEX16),
    ("--- /dev/null\n+++ b/deploy/key.pem\n@@ -0,0 +1,1 @@\n+{v}\n", SHA),  # a key file
    ("--- a/.secrets/token\n+++ b/.secrets/token\n@@ -1 +1 @@\n-OLD{v}\n+{v}\n", AWS),
    ("diff --git a/x b/x\n+++ b/config/db_password\n@@ -0,0 +1 @@\n+{v}", PW),
    # a pipe that only rewraps: the lines are one value
    ("$ cat secrets/aws-secret-key | fold -w 16\n{v}\n", AWS),
    ("$ cat deploy/api_token | fold -b -w 8\n{v}\n", HEX16),
    ("$ cat secrets/db-password.txt|fmt\n{v}\n", PW),
    # a CLI's getter, named by its first argument naming a secret (a flag's value too)
    ("$ aws configure get aws_secret_access_key --profile prod\n{v}\n", AWS),
    ("$ terraform output -raw db_password\n{v}\n", PW),
    ("$ tofu output -raw signing_key\n{v}\n", HEX16),
    ("$ heroku config:get API_TOKEN -a acme\n{v}\n", AWS),
    ("$ doppler secrets get STRIPE_SECRET --plain\n{v}\n", HEX16),
    ("$ vault kv get -field=password secret/db\n{v}\n", PW),
    ("$ vault read -field=token auth/x\n{v}\n", HEX16),
    ("$ gh auth token\n{v}\n", AWS),
    ("$ gcloud auth print-access-token\n{v}\n", AWS),
    ("$ az keyvault secret show --name db-password --query value -o tsv\n{v}\n", PW),
    ("$ git config --get user.password\n{v}\n", PW),
    ("$ npm config get //registry.example.com/:_authToken\n{v}\n", AWS),
    ("$ pip config get global.index-token\n{v}\n", HEX16),
    ("$ kubectl config view --raw -o jsonpath='{{.users[0].user.token}}'\n{v}\n", AWS),
    # a file's extension says what it holds when its name does not (Rails' master key)
    ("$ cat config/master.key\n{v}\n", HEX16),
    ("$ cat ~/.config/deploy.token\n{v}\n", AWS),
]


@pytest.mark.parametrize("ext", ["key", "KEY", "secret", "token", "pass", "pwd", "password",
                                 "passwd"])
def test_each_extension_naming_what_a_file_holds(ext: str) -> None:
    text = f"$ cat deploy/prod.{ext}\n{AWS}\n"
    at = text.index(AWS)
    assert _alone().explain(text) == [
        Finding("secret_file_content", "secret_file", at, at + len(AWS))]


def test_a_name_naming_a_password_wins_over_the_extension() -> None:
    # `db_password.key` holds a password: a chosen one (two classes, not drawn) is taken,
    # which a key's reading would leave.
    text = "$ cat deploy/db_password.key\nhunter2hunter\n"
    at = text.index("hunter2hunter")
    assert _alone().explain(text) == [
        Finding("secret_file_content", "secret_file", at, at + len("hunter2hunter"))]
    assert _alone().redact_text("$ cat deploy/api.key\nhunter2hunter\n") == (
        "$ cat deploy/api.key\nhunter2hunter\n")


@pytest.mark.parametrize("name", ["prod.key.bak", "prod.pem", "prod.crt", "prod.conf", "prod.KEY2"])
def test_other_extensions_name_nothing(name: str) -> None:
    text = f"$ cat deploy/{name}\n{AWS}\n"
    assert _alone().redact_text(text) == text


# `kubectl get secret`: one field's base64 (judged decoded), or the value `base64 -d` gives.
@pytest.mark.parametrize("layout,value", [
    ("$ kubectl get secret db -o jsonpath='{{.data.password}}'\n{v}\n",
     base64.b64encode(PW.encode()).decode()),
    ("$ kubectl get secret db -n prod -o jsonpath=\"{{.data['api-key']}}\"\n{v}\n",
     base64.b64encode(bytes(range(200, 233))).decode()),  # a drawn key's bytes
    ("$ kubectl get secrets app -o jsonpath='{{.data.db-password}}' | base64 -d\n{v}\n", PW),
    ("$ kubectl get secret app -o jsonpath={{.data.token}} | base64 --decode\n{v}\n", AWS),
])
def test_a_kubernetes_secret_field(layout: str, value: str) -> None:
    for text in (layout.format(v=value), json.dumps(layout.format(v=value))):
        at = text.index(value)
        assert _alone().explain(text) == [
            Finding("secret_file_content", "secret_file", at, at + len(value))]
        assert_absent(value, _all().redact_text(text))


@pytest.mark.parametrize("size,found", [(9, True), (6, False)])
def test_a_kubernetes_field_of_random_bytes_from_12_characters(size: int, found: bool) -> None:
    value = base64.b64encode(bytes(range(200, 200 + size))).decode()  # 12 or 8 characters
    text = f"$ kubectl get secret db -o jsonpath='{{.data.token}}'\n{value}\n"
    at = text.index(value)
    assert _alone().explain(text) == (
        [Finding("secret_file_content", "secret_file", at, at + len(value))] if found else [])


def test_a_kubernetes_field_is_one_line() -> None:
    # jsonpath prints the field unwrapped: the line after it (a prompt, a command) is not
    # part of it, even when it is one token (`_value` would join it).
    value = base64.b64encode(PW.encode()).decode()
    text = f"$ kubectl get secret db -o jsonpath='{{.data.password}}'\n{value}\nNEXTLINE\n"
    at = text.index(value)
    assert _alone().explain(text) == [
        Finding("secret_file_content", "secret_file", at, at + len(value))]


def test_the_closing_quote_of_a_json_string_is_no_line() -> None:
    text = json.dumps(f"$ cat secrets/pg-password.txt\n{PW}\n")
    at = text.index(PW)
    assert _alone().explain(text) == [
        Finding("secret_file_content", "secret_file", at, at + len(PW))]


@pytest.mark.parametrize("layout,value", POSITIVE)
def test_the_printed_value_is_redacted(layout: str, value: str) -> None:
    text = layout.format(v=value)
    for r in (_alone(), _all()):
        assert_absent(value, r.redact_text(text))
    assert {f.type for f in _alone().explain(text)} == {"secret_file_content"}


def test_the_span_is_the_value_lines() -> None:
    text = "$ cat secrets/pg-password.txt\nCoffee7411.\n$ ls\n"
    at = text.index(PW)
    assert _alone().explain(text) == [Finding("secret_file_content", "secret_file", at,
                                              at + len(PW))]
    diff = "+++ b/key.pem\n@@ -0,0 +1,2 @@\n+" + HEX16 + "\n+" + AWS + "\n context line\n"
    at = diff.index(HEX16)
    assert _alone().explain(diff) == [Finding("secret_file_content", "secret_file", at,
                                              diff.index(AWS) + len(AWS))]


@pytest.mark.parametrize("var,value", [
    ("AWS_SECRET_ACCESS_KEY", AWS), ("ADMIN_PASSWORD", "zephyr.97"),
    ("SMTP_PASSWORD", "Winter_Lemon57#"), ("AUTH", "hX6Xo17tTUjAcyryIA6ZZgeLuuWSbuU85U"),
])
def test_a_secret_variable_through_base64(var: str, value: str) -> None:
    encoded = _b64(value)
    for text in (f'$ echo "${var}" | base64\n{encoded}\n',
                 f"$ echo ${{{var}}} | base64 -w 0\n{encoded}"):
        out = _all().redact_text(text)
        assert encoded not in out and "[REDACTED:" in out
        assert_absent(encoded, out)


def test_random_bytes_through_base64() -> None:
    raw = base64.b64encode(bytes(range(200, 236))).decode()
    wrapped = raw[:24] + "\n" + raw[24:]
    out = _alone().redact_text(f'$ echo "$HMAC_SECRET" | base64\n{wrapped}\n')
    assert_absent([raw[:24], raw[24:]], out)
    short = base64.b64encode(b"\xf1\xf2\xf3\xf4\xf5\xf6").decode()  # 8 chars: too short
    assert len(short) == 8
    text = f'$ echo "$HMAC_SECRET" | base64\n{short}\n'
    assert _alone().redact_text(text) == text


def test_inside_a_json_string() -> None:
    text = json.dumps({"content": f"$ cat secrets/pg-password.txt\n{PW}\n"})
    out = _alone().redact_text(text)
    assert PW not in out and "[REDACTED:secret_file_content:" in out


NEGATIVE = [
    # look-alikes in a secret file
    f"$ cat secrets/git-commit.txt\n{SHA}\n",
    "$ cat secrets/request-id.txt\n123e4567-e89b-42d3-a456-426614174000\n",
    "$ cat secrets/db-password.txt\n${DB_PASSWORD}\n",
    "$ cat secrets/api-token.txt\nop://prod/stripe/secret-key\n",
    "$ cat secrets/api-token.txt\n<your-token>\n",
    "$ cat secrets/key.txt\nhandlePaymentIntentSucceededWebhook\n",
    "$ cat secrets/key.txt\n/var/run/secrets/kubernetes.io/serviceaccount/token\n",
    "$ cat secrets/banner-key.txt\nV2VsY29tZSB0byB0aGUgc3RhZ2luZyBlbnZpcm9ubWVudA==\n",
    "$ cat key.pem\nsha512-" + "A" * 20 + "bC9+/\n",
    # files that name no secret, or a secret file whose lines are not lone tokens
    "$ cat build/output.txt\nTr0ub4dor&3xYz\n",
    "$ cat password_policy.md\nMin8Chars!Long\n",
    "$ cat tokenizer.json\n9f8Xk2LmQ7pZ3vW1aB4c\n",
    "$ cat secrets/db-password.txt\nthe password is in vault\n",
    "$ cat ~/.aws/credentials\n[default]\naws_region = eu-west-1\n",
    "$ tail -n 20 logs/token-refresh.log\n2024-01-01T10:00:00Z refreshed\n",
    # a diff of code, or of a file naming no secret
    "--- a/src/auth/token.py\n+++ b/src/auth/token.py\n@@ -1,2 +1,2 @@\n-import os\n"
    "+import sys\n",
    "+++ b/src/token.py\n@@ -3 +3 @@\n+return\n+}\n+x=compute(a,b)\n",
    "+++ b/README.md\n@@ -0,0 +1 @@\n+9f8Xk2LmQ7pZ3vW1aB4c\n",
    # a variable naming no secret, or no base64 pipe
    f'$ echo "$BANNER_B64" | base64\n{_b64("hello world, this is the banner")}\n',
    f'$ echo "$DB_PASSWORD" | base64\n{_b64("${DB_PASSWORD}")}\n',
    f'$ echo "$API_TOKEN" | base64\n{_b64("changeme")}\n',
    # the command itself with no output line
    "$ cat secrets/pg-password.txt",
    "cat secrets/pg-password.txt | wc -c\n       12\n",
    "cat secrets/pg-password.txt | fold -w 8 | wc -l\n2\n",
    # getters of what names no secret, a listing, a look-alike, or nothing printed
    "$ aws configure get region --profile prod\neu-west-1\n",
    "$ terraform output -raw bucket_name\nacme-prod-9f8Xk2LmQ7pZ3vW1aB4c\n",
    "$ git config -l\ncore.editor=vim\nuser.name=Dev\n",
    "$ git config credential.helper\nstore\n",
    "$ gh auth status\ngithub.com\n",
    f"$ terraform output -raw deploy_token_sha\n{SHA}\n",
    "$ vault kv get -field=password secret/db\n${DB_PASSWORD}\n",
    "$ terraform output -raw db_password\n",
    "aws configure get aws_secret_access_key",
    "$ heroku config:get API_KEYX -a acme\n" + AWS + "\n",          # the name runs on
    # a Kubernetes secret's field naming no secret, its name, or base64 of a reference
    f"$ kubectl get secret db -o jsonpath='{{.data.username}}'\n{_b64('admin-user')}\n",
    "$ kubectl get secret db -o jsonpath='{.metadata.name}'\ndb-password\n",
    f"$ kubectl get secret db -o jsonpath='{{.data.password}}'\n{_b64('${DB_PASSWORD}')}\n",
    "$ kubectl get secrets\nNAME   TYPE     DATA   AGE\ndb     Opaque   2      3d\n",
    # an extension naming no secret, or one that holds certificates as often
    "$ cat config/app.conf\n8a0af88fed002778\n",
    "$ cat tls/server.pem\n8a0af88fed002778\n",
    # lines joined before judging: 40 hex named by a commit's token is its SHA
    "$ terraform output -raw commit_token | fold -w 20\n" + SHA[:20] + "\n" + SHA[20:] + "\n",
]


@pytest.mark.parametrize("text", NEGATIVE)
def test_stays_byte_identical(text: str) -> None:
    assert _alone().redact_text(text) == text


def test_path_words_and_values() -> None:
    assert _path_word("secrets/pg-password.txt") == "password"
    assert _path_word("'deploy/key.pem'") == "key"
    assert _path_word("C:\\app\\secrets\\db") == "secret"
    assert _path_word("/run/.credentials/x") == "secret"
    assert _path_word("secrets") == ""
    assert _path_word("build/out.txt") == ""
    assert _value("ab\ncd\r\nef", False) == "abcdef"
    assert _value("ab\n+cd\\n-ef", True) == "abcdef"


@pytest.mark.parametrize("path", ["secrets/db", ".secrets/db", "secret/db", "credentials/db",
                                  ".credentials/db"])
def test_a_secrets_directory_names_its_files(path: str) -> None:
    assert _path_word(path) == "secret"
    assert _path_word(path.replace("/", "\\")) == "secret"
    text = f"$ cat {path}\nTr0ub4dor&3\n"
    assert "Tr0ub4dor&3" not in _alone().redact_text(text)


def test_quotes_around_a_path_only() -> None:
    assert _path_word('"deploy/key.pem"') == "key"
    assert _path_word("keyX") == ""  # an `X` is part of the name, not a quote


def test_the_lines_are_joined_without_their_diff_markers() -> None:
    # `cat`: every character of every line is the value (6 characters: a password)
    text = "$ cat secrets/db-password.txt\nab1\ncd2\n"
    out = _alone().redact_text(text)
    assert "ab1" not in out and "cd2" not in out
    # a diff: the markers are not part of it (`2024-01-01` is a date, not a password)
    diff = "+++ b/config/db_password\n@@ -0,0 +1,2 @@\n+2024-01\n+-01\n"
    assert _alone().redact_text(diff) == diff


def test_base64_lengths_and_wrapped_placeholders() -> None:
    twelve = base64.b64encode(bytes(range(241, 250))).decode()  # 9 bytes, not UTF-8
    assert len(twelve) == 12
    out = _alone().redact_text(f'$ echo "$HMAC_SECRET" | base64\n{twelve}\n')
    assert twelve not in out
    # a placeholder's encoding wrapped over two lines is read whole (and stays)
    enc = _b64("${DB_PASSWORD}")
    text = f'$ echo "$DB_PASSWORD" | base64\n{enc[:8]}\n{enc[8:]}\n'
    assert _alone().redact_text(text) == text


def test_the_echoed_newline_is_not_part_of_the_value() -> None:
    # 6 characters ending in `X`: only echo's newline is dropped
    enc = _b64("Pw1!zX")
    out = _alone().redact_text(f'$ echo "$ADMIN_PASSWORD" | base64\n{enc}\n')
    assert enc not in out


@pytest.mark.parametrize(("tail", "found"), [(511, True), (512, True), (513, False)])
def test_a_diff_header_is_read_at_most_512_characters_past_its_path(tail: int, found: bool) -> None:
    """The header's path and the rest of its line (and the hunk line) are bounded: a long
    line holding `+++ ` many times costs a bounded look at each, not the rest of the line."""
    text = f"+++ b/deploy/key.pem{' ' * tail}\n@@ -0,0 +1,1 @@\n+{AWS}\n"
    assert bool(_alone().explain(text)) is found
    hunk = f"+++ b/deploy/key.pem\n@@ -0,0 +1,1 @@{' ' * (tail - 13)}\n+{AWS}\n"
    assert bool(_alone().explain(hunk)) is found
    # a path of `tail` characters: cut at 512, `.../token` names nothing (`.../toke`)
    path = f"+++ b/{'d' * (tail - 8)}/token\n@@ -0,0 +1,1 @@\n+{AWS}\n"
    assert bool(_alone().explain(path)) is found
