"""Context-based detection: syntaxes, service names, prose, formats, the randomness gate.

Every secret here is generated (seeded) in the test; every positive asserts the secret's
text is gone from the output, not merely that a marker appeared.
"""

from __future__ import annotations

import base64
import hashlib
import json
import random
import string
import uuid

import pytest

from cctrace.redact.known import from_dotenv_text, parse_dotenv
from cctrace.redact.randomness import is_digest, looks_like_identifier, looks_random

RNG = random.Random(1313)
B62 = string.ascii_letters + string.digits


def tok(n: int = 32, alphabet: str = B62) -> str:
    """A drawn token that always mixes classes (as real keys do)."""
    while True:
        t = "".join(RNG.choice(alphabet) for _ in range(n))
        if sum(c.isdigit() for c in t) >= 3 and any(c.isalpha() for c in t):
            return t


HEX32 = tok(32, "0123456789abcdef")
LOWER36 = tok(32, string.ascii_lowercase + string.digits)
MIXED = tok(40, B62 + "_")
PASSWORD = "Qv7#kP2!wz9&Lm4"  # symbols a naive unquoted value cutter stops at


def gone(redactor, text: str, secret: str) -> str:
    out = redactor.redact_text(text)
    assert secret not in out, out
    assert "[REDACTED:" in out, out
    return out


SYNTAXES = [
    # shell / dotenv / Makefile
    ("export SERVICE_TOKEN={s}", HEX32),
    ("SERVICE_TOKEN={s}", tok(40, "0123456789abcdef")),
    ('DB_PASSWORD="{s}"  # prod', PASSWORD),
    ("DB_PASS={s}", PASSWORD),
    ("acme_TOKEN ?= {s}", LOWER36),
    ('acme_TOKEN ::= "{s}"', LOWER36),
    ('acme_TOKEN :::= "{s}"', LOWER36),
    ("acme_TOKEN += {s}", LOWER36),
    # INI / TOML / YAML / properties
    ("[auth]\napi_key = {s}\n", HEX32),
    ('api_key = "{s}"', MIXED),
    ("api_key: {s}", HEX32),
    ("auth:\n  client_secret: {s}\n", MIXED),
    ("service.password={s}", PASSWORD),
    # JSON, escaped JSON, JSON with \u escapes
    ('{{"api_key": "{s}"}}', MIXED),
    ('{{\\"secret\\": \\"{s}\\"}}', MIXED),
    ('{{"password": "{s}"}}', PASSWORD.replace("&", "\\u0026")),
    # XML elements, one line and spanning lines; attributes; name/value pairs
    ("<acmeToken>{s}</acmeToken>", LOWER36),
    ("<acmeToken>\n    {s}\n</acmeToken>", LOWER36),
    ('<add key="ClearTextPassword" value="{s}" />', PASSWORD),
    ('{{"name": "api_token", "value": "{s}"}}', MIXED),
    # HCL / Go / Java / C# / Python / JS / Ruby / PHP
    ('resource "x" "y" {{\n  token = "{s}"\n}}', MIXED),
    ('var acmeToken string = "{s}"', LOWER36),
    ("acmeToken := `{s}`", LOWER36),
    ('System.setProperty("ACME_TOKEN", "{s}");', LOWER36),
    ('string acmeToken = "{s}";', LOWER36),
    ('const apiKey: string = "{s}";', MIXED),
    ("client = Client(api_key='{s}')", MIXED),
    ('  "acmeToken" => "{s}",', LOWER36),
    ('$acmeToken .= "{s}";', LOWER36),
    ('env("API_KEY", "{s}")', MIXED),
    # logs, headers, flags
    ("[DEBUG] Using API_KEY={s}", LOWER36),
    ("[DEBUG] Using acme Key={s}", MIXED),
    ("X-Auth-Token: {s}", MIXED),
    ("Authorization: SSWS {s}", "00" + tok(40, B62 + "-_")),
    ("Authorization: Api-Token {s}", HEX32),
    ("mytool --api-key={s} --verbose", MIXED),
    # query strings, .netrc, docker config.json
    ("GET /v1/items?page=2&access_token={s}&sort=asc", MIXED),
    ("machine api.example.com\n  login bob\n  password {s}\n", "hunter2hunter"),
    ('{{"auths": {{"registry.example.com": {{"auth": "{s}"}}}}}}',
     base64.b64encode(b"bob:Xk9mQ2vLp7wR").decode()),
]


@pytest.mark.parametrize(("template", "secret"), SYNTAXES,
                         ids=[t.split("{")[0][:28] or "t" for t, _ in SYNTAXES])
def test_secret_in_every_syntax_is_gone(redactor, template: str, secret: str) -> None:
    gone(redactor, template.format(s=secret), secret)


def test_value_is_not_cut_at_ampersand(redactor) -> None:
    # A SAS token is a query string; a password may hold `&`: neither is cut short.
    sig = tok(43)
    gone(redactor, f"AZURE_BLOB_SAS_TOKEN=sp=r&st=2025-01-01&sig={sig}%3D", sig)
    gone(redactor, f"DB_PASSWORD={PASSWORD}", PASSWORD)


@pytest.mark.parametrize("value", [
    "cb5c79005d8b2bba7c50eb8d5a4d2fd5",  # all lower-case hex: was "code"
    "KxBBC3ooKFjOEb10Vc8Nt01SRNqISbjMEDR4iEw_",  # underscore: was "code"
])
def test_unquoted_values_the_old_code_heuristic_refused(redactor, value: str) -> None:
    gone(redactor, f"api_key: {value}", value)
    gone(redactor, f"CLOUDFLARE_API_TOKEN={value}", value)


@pytest.mark.parametrize("text", [
    "token = self.next_token()",
    "password = getpass.getpass()",
    "api_key = os.environ['API_KEY']",
    "secret_key = settings.SECRET_KEY",
    'API_KEY = "${API_KEY}"',
    "DB_PASSWORD=op://vault/db/password",
    "password: ${ssm:/prod/db/password}",
    "token: {{ secrets.GITHUB_TOKEN }}",
    'role = "arn:aws:iam::123456789012:role/deploy"',
    "secret: vault/data/prod/db",
    "AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
    'password = "changeme"',
    'api_key = "<your-api-key>"',
    "for key in sorted(keys):",
    "input_tokens = 123456789012",
    'tokenizer = "bert-base-uncased-v2"',
    "monkey = banana_split_9000_extra",
    'public_key = "9Cnzj4p4WGeKLs1Pt8QuKUpRKfFLfRYC9AIKjbJTWit"',
])
def test_references_code_and_examples_are_not_secrets(redactor, text: str) -> None:
    assert redactor.redact_text(text) == text


@pytest.mark.parametrize("text", [
    f"commit {hashlib.sha1(b'x').hexdigest()} on stripe integration",
    f"stripe image digest sha256:{hashlib.sha256(b'y').hexdigest()}",
    f"stripe request id {uuid.UUID(int=RNG.getrandbits(128))}",
    f'  integrity: "sha512-{base64.b64encode(hashlib.sha512(b"z").digest()).decode()}"',
    f"sentry release {hashlib.sha1(b'r').hexdigest()} deployed",
])
def test_digests_near_service_names_survive(redactor, text: str) -> None:
    assert redactor.redact_text(text) == text


@pytest.mark.parametrize(("template", "secret"), [
    # each in the shape of that service's keys (redact/service_shapes; agora and twilio
    # are compound credentials there, so any random token goes)
    ("cloudsmith: {s}", tok(40, "0123456789abcdef")),
    ('<id>{{agora {s}}}</id>', tok(32)),
    ('apiMetrics := "{s}"', tok(32)),
    ('func getBetterStackToken() string {{ return "{s}" }}', tok(24)),
    ("twilio creds in {s} today", tok(32)),
    ('url := "https://api.example.com/v1/besttime/keys/{s}"', "pri_" + HEX32),
])
def test_random_token_near_a_service_name(redactor, template: str, secret: str) -> None:
    gone(redactor, template.format(s=secret), secret)


def test_service_name_as_key_takes_a_hex40_value(redactor) -> None:
    secret = tok(40, "0123456789abcdef")
    gone(redactor, f'cloudsmith: "{secret}"', secret)


@pytest.mark.parametrize(("template", "secret"), [
    ("the staging admin password is {s}", "Tr0ub4dor&3x"),
    ("The password for the prod db is '{s}'.", "k8#Lq2!mZ"),
    ("pw: {s}", "hunter2!Xy"),
    ("login is admin / {s}", "S3cr3t!x9"),
    ("credentials: admin:{s}", "Pa55w0rd!q"),
    ("Das Passwort ist {s}.", "Gz7$kLp2q"),
    ("mot de passe : {s}", "Xy9!ab3Cd"),
    ("la contrasena es {s}", "Mn4#pq8Rs"),
    ("the passphrase is {s}", "blue-Horse-42-staple"),
    ("Your PIN is {s}.", "48213"),
    ("The ACME key is {s}, keep it safe", HEX32),
    ("the token is {s}", MIXED),
    ("use password {s} to log in", "Zx9!kq2Lm"),
])
def test_prose_credentials(redactor, template: str, secret: str) -> None:
    gone(redactor, template.format(s=secret), secret)


@pytest.mark.parametrize("text", [
    "The password is required.",
    "The password must be at least 8 characters long.",
    "the token is expired, please log in again",
    "Enter your password: ",
    "pwd: /home/user/project",
    "Check files that likely contain secrets (.env, credentials.json, a/settings.json).",
    "password = bytes(memoryview(password))",
])
def test_prose_that_is_not_a_credential(redactor, text: str) -> None:
    assert redactor.redact_text(text) == text


def _crc_token(prefix: str, body: str) -> str:
    import binascii

    from cctrace.redact.detectors.base import base62_encode

    return prefix + body + base62_encode(binascii.crc32(body.encode()))


@pytest.mark.parametrize(("text", "secret"), [
    (f"sgp_{tok(16, '0123456789abcdef')}_{tok(40, '0123456789abcdef')}", None),
    ("EAAM" + tok(80), None),
    ("https://acme.webhook.office.com/webhookb2/{a}@{b}/IncomingWebhook/{c}/{d}".format(
        a=str(uuid.UUID(int=RNG.getrandbits(128))), b=str(uuid.UUID(int=RNG.getrandbits(128))),
        c=tok(32, "0123456789abcdef"), d=str(uuid.UUID(int=RNG.getrandbits(128)))), "webhookb2/"),
    (f"tailscale up --authkey=tskey-auth-{tok(12)}-{tok(30)}", "tskey-"),
    (f"https://api.telegram.org/bot{RNG.randrange(10**8, 10**9)}:{tok(35, B62 + '_-')}/getMe",
     "/bot"),
    (f'client.run("MT{tok(22)}.{tok(6)}.{tok(30)}")', '("'),
    (f"curl -u kevin:'{PASSWORD}' https://api.example.org", "-u "),
    (f'curl --user "{tok(12)}":"{tok(14)}" https://api.example.org', "--user "),
    (f"curl -s \\\n  -u deploy:{PASSWORD} https://api.example.org", "-u "),
    (f"sha256~{tok(43, B62 + '_-')}", None),
    ("A3-" + tok(6, string.ascii_uppercase + string.digits) + "-"
     + tok(11, string.ascii_uppercase + string.digits) + "".join(
         "-" + tok(5, string.ascii_uppercase + string.digits) for _ in range(3)), None),
    (_crc_token("ghp_", tok(30))[:-1] + "Z", None),  # bad CRC: still redacted
])
def test_formats(redactor, text: str, secret: str | None) -> None:
    if secret is None:
        value = text
    else:
        value = text.split(secret, 1)[1].split()[0].split("/")[0].strip("\"')")
    gone(redactor, f"output: {text}\n", value)


def test_base64_wrapped_jwt(redactor) -> None:
    def b64url(obj: dict) -> str:
        return base64.urlsafe_b64encode(json.dumps(obj).encode()).decode().rstrip("=")

    jwt = f"{b64url({'alg': 'HS256', 'typ': 'JWT'})}.{b64url({'sub': tok(10)})}.{tok(43)}"
    wrapped = base64.b64encode(jwt.encode()).decode()
    gone(redactor, f"cookie={wrapped}", wrapped)
    # A JWT whose header was mangled in transit is still a JWT when the payload decodes.
    mangled = "eyJhbGciOieeeiIsInR5cCI6IkpXVCJ9." + jwt.split(".", 1)[1]
    gone(redactor, mangled, mangled)


def test_randomness_gate_tells_identifiers_from_drawn_strings() -> None:
    drawn = [tok(n, a) for n in (20, 32, 40) for a in (B62, "0123456789abcdef",
                                                      string.ascii_lowercase + string.digits)]
    assert all(looks_random(t) for t in drawn)
    for name in ("getUserNameFromRequest", "MAX_RETRY_COUNT_DEFAULT", "utf8_decoder_v2_impl",
                 "ResourceConditionList", "sha256_digest_for_files", "test_rfc2047_headers"):
        assert not looks_random(name), name
        assert looks_like_identifier(name), name
    assert is_digest(hashlib.sha1(b"a").hexdigest())
    assert is_digest(str(uuid.UUID(int=5)))
    assert is_digest("sha256:" + hashlib.sha256(b"a").hexdigest())
    assert not is_digest(HEX32)  # 32 hex: as often an API key as an MD5


def test_dotenv_parsing_like_dotenv_libraries() -> None:
    text = (
        "# comment\n"
        f'export DB_PASSWORD="{PASSWORD}"  # prod\n'
        "API_TOKEN='lit#eral $x'\n"
        f"PLAIN={HEX32} # trailing comment\n"
        'ESC="a\\nb \\"q\\""\n'
        "  SPACED = spaced-value-xyz-123  \n"
        'MULTI="-----BEGIN KEY-----\nQUJDREVGR0hJSktMTU5PUFFSU1RVVldY\n-----END KEY-----"\n'
        "NEXT=after\n"
    )
    pairs = dict(parse_dotenv(text))
    assert pairs["DB_PASSWORD"] == PASSWORD
    assert pairs["API_TOKEN"] == "lit#eral $x"
    assert pairs["PLAIN"] == HEX32
    assert pairs["ESC"] == 'a\nb "q"'
    assert pairs["SPACED"] == "spaced-value-xyz-123"
    assert pairs["MULTI"].startswith("-----BEGIN KEY-----\nQUJD")
    assert pairs["NEXT"] == "after"
    learned = from_dotenv_text(text)
    assert PASSWORD in learned and HEX32 in learned
    assert "QUJDREVGR0hJSktMTU5PUFFSU1RVVldY" in learned


def test_learned_dotenv_password_is_redacted_in_a_log_line(tmp_path) -> None:
    from cctrace.redact import registry
    from cctrace.redact.engine import SecretRedactor

    (tmp_path / ".env").write_text(f'DB_PASSWORD="{PASSWORD}"  # prod\n')
    from cctrace.redact.known import from_dotenv_files

    red = SecretRedactor(registry.detectors(), b"k" * 32, from_dotenv_files(str(tmp_path)))
    out = red.redact_text(f"connect failed for user app with {PASSWORD} at 10:02")
    assert PASSWORD not in out


def test_long_learned_value_does_not_break_the_sweep(redactor) -> None:
    from cctrace.redact import registry
    from cctrace.redact.engine import SecretRedactor

    red = SecretRedactor(registry.detectors(), b"k" * 32, learned={})
    body = "".join(RNG.choice(B62 + "+/") for _ in range(1600))
    key = f"-----BEGIN PRIVATE KEY-----\n{body}\n-----END PRIVATE KEY-----"
    red.redact_text(f"key: {key}")
    assert body not in red.sweep(f"again: {key}")


@pytest.mark.parametrize("n", [513, 900, 2000])
def test_a_quoted_token_longer_than_512_characters_is_redacted_whole(redactor, n: int) -> None:
    # Issued OAuth tokens and JWTs reach 800-1000 characters; the value was refused past 512.
    secret = tok(n, B62 + "-_.")
    out = redactor.redact_text(f"lendflow token = '{secret}'\n")
    assert secret[:12] not in out and secret[-12:] not in out
    assert out.startswith("lendflow token = '[REDACTED:") and out.endswith("]'\n")


def test_a_long_quoted_value_outside_a_token_alphabet_is_not_taken_past_512(redactor) -> None:
    # Prose or code of 600 characters in a `token` slot is not a token.
    text = "token = '" + " ".join(["the quick brown fox"] * 32) + "'"
    assert redactor.redact_text(text) == text


@pytest.mark.parametrize("text", [
    "mailchimp = '3012a5754bbd7169-sample-26f99c028f7ea428-us18'",
    "-----BEGIN PRIVATE KEY-----\nYOUR-PRIVATE-KEY-GOES-HERE\n-----END PRIVATE KEY-----",
    "sk_live_dummy4eC39HqLyjWDarjtT1zdp7dc",
    "stripe = 'sk_test_placeholder4eC39HqLyjWDarjtT1zdp7dc'",
])
def test_values_marked_as_samples_are_kept_by_every_detector(redactor, text: str) -> None:
    # Documentation's sample values say so; a random token holds such a word ~never.
    assert redactor.redact_text(text) == text


@pytest.mark.parametrize("text", [
    'secret_arn = "arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/db-AbCdEf"',
    "kms: arn:aws:kms:eu-west-1:123456789012:key/1a2b3c4d-5e6f-4a8b-9c0d-1e2f3a4b5c6d",
    'token = "%(TOKEN_FROM_ENV_9f8a7b)s"',
    'client_secret = "azurekeyvault://kv-prod-01/secrets/clientSecret9"',
    'token = "secretsmanager:prod/github-token-8Xk"',
    "DB_PASSWORD=ssm:/prod/db/password-7Hq2",
])
def test_references_to_secrets_are_kept(redactor, text: str) -> None:
    # An ARN's `:secret:` field, a %-format name, a secret store's URI name a secret kept
    # elsewhere; redacting them only makes the trace unreadable.
    assert redactor.redact_text(text) == text


def test_a_secret_after_a_colon_outside_an_arn_is_still_redacted(redactor) -> None:
    out = gone(redactor, f"x secret:{MIXED}", MIXED)
    assert out.startswith("x secret:[REDACTED:")


@pytest.mark.parametrize("body", ["", "\nanything\n", "\\nYOUR KEY\\n"])
def test_a_private_key_block_without_key_material_is_kept(redactor, body: str) -> None:
    text = f"-----BEGIN PRIVATE KEY-----{body}-----END PRIVATE KEY-----"
    assert redactor.redact_text(text) == text


def test_a_private_key_block_with_a_short_body_is_redacted(redactor) -> None:
    body = tok(44, B62 + "+/")
    text = f"-----BEGIN EC PRIVATE KEY-----\n{body}\n-----END EC PRIVATE KEY-----"
    gone(redactor, text, body)
