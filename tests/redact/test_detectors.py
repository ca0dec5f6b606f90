"""Per-detector positives (generated fakes in several contexts) and negatives."""

from __future__ import annotations

import binascii
import json
import random

import pytest
from bench.corpus import fakes

from cctrace.redact import registry
from cctrace.redact.detectors.base import base62_encode, crc_ok, luhn_ok, macaroon_ok
from support.absence import assert_absent


def _cases(rng: random.Random) -> list[tuple[str, str, list[str]]]:
    """(type, text, the random fields that must be gone) per template."""
    out = []
    for typ, templates in sorted(fakes.TEMPLATES.items()):
        for template in templates:
            text, fields = fakes.fake_fields(template, rng)
            out.append((typ, text, fakes.secret_fields(typ, fields)))
    return out


CASES = _cases(random.Random(11)) + _cases(random.Random(12))
WRAPS = [
    lambda t: t,
    lambda t: f"$ run\n{t}\n",
    lambda t: json.dumps({"output": t}),
    lambda t: json.dumps({"c": json.dumps({"t": t})}),
]


def test_registry_has_over_100_formats() -> None:
    types = {p.type for d in registry.detectors() for p in d.patterns}
    assert len(types) >= 100
    assert not any(d.pii for d in registry.detectors())
    assert any(d.pii for d in registry.detectors(pii=True))


@pytest.mark.parametrize("typ,text,secret", CASES,
                         ids=[f"{t}-{i}" for i, (t, _, _) in enumerate(CASES)])
def test_every_format_is_detected_in_context(redactor, typ: str, text: str,
                                             secret: list[str]) -> None:
    assert secret, typ
    for wrap in WRAPS:
        wrapped = wrap(text)
        assert typ in {f.type for f in redactor.explain(wrapped)}, wrapped[:80]
        out = redactor.redact_text(wrapped)
        assert f"[REDACTED:{typ}:" in out
        # The marker proves something was redacted; the secret must be gone, every piece.
        assert_absent(secret, out)


def _github(prefix: str, body: str) -> str:
    return prefix + body + base62_encode(binascii.crc32(body.encode()))


def test_github_checksum_accepts_valid_and_rejects_corrupted(redactor) -> None:
    tok = _github("ghp_", "A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5")
    assert crc_ok(tok)
    corrupted = tok[:10] + ("x" if tok[10] != "x" else "y") + tok[11:]
    assert not crc_ok(corrupted)
    assert redactor.explain(f"t={tok}")[0].type == "github_pat"
    assert not any(f.type == "github_pat" for f in redactor.explain(f"x {corrupted} y"))
    assert_absent(corrupted, redactor.redact_text(f"x {corrupted} y"))


def test_npm_checksum_failure_is_typed_unverified_but_still_redacted(redactor) -> None:
    # Checksum policy: a well-formed token with a bad CRC is still a secret in a trace.
    tok = _github("npm_", "Zz9Yy8Xx7Ww6Vv5Uu4Tt3Ss2Rr1Qq0")
    bad = tok[:-1] + ("A" if tok[-1] != "A" else "B")
    assert [f.type for f in redactor.explain(tok)] == ["npm_token"]
    assert [f.type for f in redactor.explain(bad)] == ["npm_token_unverified"]
    assert_absent(bad, redactor.redact_text(f"token: {bad}"))


def test_pypi_macaroon_framing() -> None:
    tok = fakes.pypi_token(fakes.PYPI_LOCATION, random.Random(1))
    assert macaroon_ok(tok)
    assert not macaroon_ok(tok[:-12])


def test_luhn() -> None:
    assert luhn_ok("4111111111111111")
    assert not luhn_ok("4111111111111112")


NEGATIVES = [
    "token = self.next_token()",
    "password = None",
    "if password == expected:",
    'password = "changeme"',
    "DB_PASSWORD=${DB_PASSWORD}",
    "password: <password>",
    "secret = os.environ['APP_SECRET']",
    "pw = getpass.getpass()",
    "api_key = os.getenv('API_KEY')",
    "tokenizer = AutoTokenizer.from_pretrained(name)",
    "password_file = '/etc/app/password.txt'",
    "token_type = 'bearer'",
    "https://user:****@example.com/",
    "postgres://app:$PGPASSWORD@db/app",
    "mysql -u root -p",
    "commit 3f786850e387550fdab836ed7e6dc881de23001b",
    "integrity sha512-z4PhNX7vuL3xVChQ1m2AB9Yg5AULVxXcg/SpIdNs6c5H0NE8XYXysP+DGNKHfuwvY7kxvUd"
    "BeoGlODJ6+SfaPg==",
    "id 123e4567-e89b-12d3-a456-426614174000",
    "AKIAIOSFODNN7EXAMPLE",
    "Authorization: Bearer $TOKEN",
    "authorization = self.headers.get('authorization')",
    "-----BEGIN PUBLIC KEY-----\nMIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA\n"
    "-----END PUBLIC KEY-----",
]


@pytest.mark.parametrize("text", NEGATIVES)
def test_negatives_are_left_alone(redactor, text: str) -> None:
    assert redactor.explain(text) == []
    assert redactor.redact_text(text) == text


def test_pem_block_in_json_string_is_redacted_whole(redactor) -> None:
    body = "\n".join(fakes.fake("{b:64}", random.Random(i)) for i in range(4))
    pem = f"-----BEGIN EC PRIVATE KEY-----\n{body}\n-----END EC PRIVATE KEY-----\n"
    for text in (json.dumps({"key": pem}), json.dumps(json.dumps({"key": pem}))):
        out = redactor.redact_text(text)
        assert "PRIVATE KEY" not in out
        assert_absent(body.splitlines(), out)


def test_truncated_pem_block_is_redacted(redactor) -> None:
    body = fakes.fake("{b:64}\n{b:64}", random.Random(5))
    out = redactor.redact_text(f"-----BEGIN RSA PRIVATE KEY-----\n{body}")
    assert_absent(body.splitlines(), out)


@pytest.mark.parametrize(
    "text,secret",
    [
        ('db_password = "Zq8!vK2#pLm4"', "Zq8!vK2#pLm4"),
        ("export API_TOKEN=aB3dE5fG7hJ9kL1m", "aB3dE5fG7hJ9kL1m"),
        ('{"client_secret": "Xy7-Pq9_Rs2Tu4Vw"}', "Xy7-Pq9_Rs2Tu4Vw"),
        ("  password: S3cure-Pa55w0rd\n", "S3cure-Pa55w0rd"),
        ("mysql -h db -u root -pT0pS3cret! app", "T0pS3cret!"),
        ("deploy --password 'N0tTelling99' --force", "N0tTelling99"),
        ("curl -u admin:Adm1nPa55 https://x", "Adm1nPa55"),
        ("redis://:R3disPa55word@cache:6379/0", "R3disPa55word"),
        ("Server=db;User Id=sa;Password=Sql!Pass42;", "Sql!Pass42"),
        ('curl -H "Authorization: Basic dXNlcjpwYXNzd29yZDEyMw=="', "dXNlcjpwYXNzd29yZDEyMw=="),
    ],
)
def test_generic_and_structural_secrets(redactor, text: str, secret: str) -> None:
    assert_absent(secret, redactor.redact_text(text))


@pytest.mark.parametrize(
    "text,typ",
    [
        ("mail me: jane.doe@example.org", "email"),
        ("call +44 20 7946 0958 now", "phone"),
        ("card 4111 1111 1111 1111", "credit_card"),
        ("IBAN GB82 WEST 1234 5698 7654 32", "iban"),
        ("from 192.168.10.20 port", "ipv4"),
        ("addr 2001:db8::8a2e:370:7334 up", "ipv6"),
        ("ssn 123-45-6789", "us_ssn"),
    ],
)
def test_pii_opt_in(redactor, pii_redactor, text: str, typ: str) -> None:
    assert typ in {f.type for f in pii_redactor.explain(text)}
    assert typ not in {f.type for f in redactor.explain(text)}


@pytest.mark.parametrize(
    "text", ["card 4111 1111 1111 1112", "IBAN GB83 WEST 1234 5698 7654 32", "ssn 000-12-3456"]
)
def test_pii_validators_reject(pii_redactor, text: str) -> None:
    assert pii_redactor.explain(text) == []
