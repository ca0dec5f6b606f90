"""`detectors/encoded.py`: secrets inside base64 (Kubernetes secrets, kubeconfigs, `base64`
output wrapped at 64 or 76 columns) are redacted as the whole run; base64 of ordinary text,
of binary, and look-alikes stay byte-identical."""

from __future__ import annotations

import base64
import textwrap

import pytest

from cctrace.redact import registry
from cctrace.redact.detectors import encoded
from cctrace.redact.engine import Finding, SecretRedactor
from support.absence import assert_absent

PEM = ("-----BEGIN RSA PRIVATE KEY-----\n" + "\n".join(
    ["MIIEowIBAAKCAQEAu1SU1LfVLPHCozMxH2Mo4lgOEePzNm0tRgeLezV6ffAt0gun"] * 4)
    + "\nVLPHCozMxH2Mo4lgOEePzNm0tR==\n-----END RSA PRIVATE KEY-----\n")
DSN = "postgresql://app:Kq8Zr2Lk9Vb4Nm7X@db.internal:5432/app"
GHP = "github_pat_11QZKXWPLMNB2D4FH7JR3T_" + ("Kq8Zr2Lk9Vb4Nm7XcP1w6Tz3Yd" * 3)[:59]


def _b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


@pytest.mark.parametrize("plain", [PEM, DSN, GHP, "AKIAQ3ZKXWPLMNB2D4FH", "password=Summer2024!x"])
@pytest.mark.parametrize("layout", [
    "apiVersion: v1\ndata:\n  value: {b}\nkind: Secret\n",
    "users:\n- user:\n    client-key-data: {b}\n",
    '{{"data": {{"tls.key": "{b}"}}}}',
])
def test_a_secret_in_base64_is_redacted(redactor, layout: str, plain: str) -> None:
    b = _b64(plain)
    out = redactor.redact_text(layout.format(b=b))
    assert_absent(b, out)


@pytest.mark.parametrize("width", [64, 76])
def test_wrapped_base64_is_read_across_its_lines(redactor, width: int) -> None:
    b = _b64(PEM)
    text = "$ base64 key.pem\n" + "\n".join(textwrap.wrap(b, width)) + "\n$ echo done\n"
    out = redactor.redact_text(text)
    for part in textwrap.wrap(b, width):
        if len(part) >= 12:
            assert_absent(part, out)
    assert out.endswith("\n$ echo done\n")


def test_url_safe_base64(redactor) -> None:
    b = base64.urlsafe_b64encode(("\xff" + DSN).encode()).decode()
    assert "-" in b or "_" in b or True
    assert_absent(b, redactor.redact_text(f"token: {b}\n"))


@pytest.mark.parametrize("plain", [
    "Welcome to the staging environment of the billing service 12",
    "https://example.com/docs/getting-started?lang=en",     # a marker, no secret
    "password reset instructions were sent to your inbox",
    "-----BEGIN CERTIFICATE-----\nMIIC\n-----END CERTIFICATE-----\n",
    "postgresql://app:${DB_PASSWORD}@db.internal/app",        # a reference
])
def test_base64_of_text_without_a_secret_stays(redactor, plain: str) -> None:
    text = f"data:\n  value: {_b64(plain)}\n"
    assert redactor.redact_text(text) == text


def test_binary_and_short_runs_stay() -> None:
    r = SecretRedactor([registry.load("encoded")], b"k" * 32)
    binary = base64.b64encode(bytes(range(200, 250))).decode()
    for text in (f"x: {binary}\n", "x: " + _b64("ghp_") + "\n", "LS0tLS1CRUdJTiBSU0E\n"):
        assert r.explain(text) == []


def test_the_finding_is_the_whole_run_with_a_lower_priority() -> None:
    r = SecretRedactor([registry.load("encoded")], b"k" * 32)
    b = _b64(DSN)
    text = f"  url: {b}\n"
    assert r.explain(text) == [Finding("encoded_secret", "encoded", 7, 7 + len(b))]
    assert encoded.DETECTOR.patterns[0].priority == 30


@pytest.mark.parametrize("marker, expected", [
    ("-----BEGIN ", ["LS0tLS1CRUdJTi", "0tLS0tQkVHSU4g", "tLS0tLUJFR0lOI"]),
    ("ghp_", ["Z2hwX", "docF", "naHBf"]),
    ("sk", []),                       # too short to give 4 stable characters at any alignment
    ("abc", ["YWJj"]),
])
def test_encodings(marker: str, expected: list[str]) -> None:
    assert encoded.encodings(marker) == expected


def test_each_encoding_occurs_in_the_encoded_marker_at_its_alignment() -> None:
    for marker in encoded.MARKERS:
        for lead, part in zip(range(3), encoded.encodings(marker), strict=False):
            assert part in base64.b64encode(b"xy"[:lead] + marker.encode() + b"zz").decode()


def test_anchors_are_lower_case_and_alphabet_neutral() -> None:
    anchors = encoded._anchors()
    assert "ls0tls1crudjti" in anchors and "z2hwx" in anchors
    assert len(anchors) == 123  # 41 markers x 3 alignments
    assert all(a == a.lower() and len(a) >= 4 for a in anchors)
    assert anchors == tuple(sorted(set(anchors)))
    # the same in both base64 alphabets (a marker whose encoding held + or / would need both)
    assert not any("+" in a or "/" in a for a in anchors)


# One secret per marker, each starting with it (fakes' templates for provider formats).
BY_MARKER = {
    "-----BEGIN ": PEM, "postgres://": "postgres://app:Kq8Zr2Lk9Vb4@db.internal/app",
    "postgresql://": DSN, "mysql://": "mysql://root:Kq8Zr2Lk9Vb4@db/app",
    "mongodb": "mongodb+srv://app:Kq8Zr2Lk9Vb4@cluster0.example.net/app",
    "redis://": "redis://:Kq8Zr2Lk9Vb4Nm7X@cache:6379/0",
    "amqp://": "amqp://app:Kq8Zr2Lk9Vb4@mq.internal:5672",
    "https://": "https://deploy:Kq8Zr2Lk9Vb4@artifacts.example.com/repo",
    "password": "password=Summer2024!x", "passwd": "passwd: Summer2024!x",
    "secret": "secret = 'Kq8Zr2Lk9Vb4Nm7XcP1w'", "token": "token=Kq8Zr2Lk9Vb4Nm7XcP1w6",
    "api_key": "api_key=Kq8Zr2Lk9Vb4Nm7XcP1w6", "apikey": "apikey: Kq8Zr2Lk9Vb4Nm7XcP1w6",
    "ghp_": "github_pat", "gho_": "github_oauth_token", "ghs_": "github_app_token",
    "github_pat_": GHP, "glpat-": "gitlab_pat", "xoxb-": "slack_bot_token",
    "xoxp-": "slack_user_token", "sk_live_": "stripe_secret_key",
    "rk_live_": "stripe_restricted_key", "sk-ant-": "anthropic_api_key",
    "sk-proj-": "openai_project_key", "AKIA": "aws_access_key_id",
    "ASIA": "aws_temporary_access_key_id", "AIza": "gcp_api_key", "npm_": "npm_token",
    "pypi-": "pypi_token", "eyJhbGci": "jwt", "hvs.": "vault_service_token",
    "dop_v1_": "digitalocean_pat", "shpat_": "shopify_access_token",
    "LS0tLS1CRUdJTi": base64.b64encode(PEM.encode()).decode(),
    "ya29.": "gcp_oauth_access_token",
    "rediss://": "rediss://default:Kq8Zr2Lk9Vb4Nm7X@cache.example.com:6380/0",
    "amqps://": "amqps://app:Kq8Zr2Lk9Vb4Nm7X@mq.example.com/vhost",
    "snowflake://": "snowflake://etl:Kq8Zr2Lk9Vb4Nm7X@ab12345.eu-central-1/DB",
    "DefaultEndpointsProtocol=": "DefaultEndpointsProtocol=https;AccountName=acct;AccountKey="
                                 + ("Kq8Zr2Lk9Vb4Nm7X+cP1w/6Tz3Yd" * 4)[:86] + "==;"
                                 "EndpointSuffix=core.windows.net",
    "Endpoint=sb://": "Endpoint=sb://ns.servicebus.windows.net/;SharedAccessKeyName=Root;"
                      "SharedAccessKey=" + ("Kq8Zr2Lk9Vb4Nm7X+cP1w/6Tz3Yd" * 2)[:43] + "=",
}


def test_every_marker_has_a_secret_here() -> None:
    assert sorted(BY_MARKER) == sorted(encoded.MARKERS)
    # 4+ stable characters at every alignment (`SG.` has them at one only: not a marker)
    assert all(len(encoded.encodings(m)) == 3 for m in encoded.MARKERS)


@pytest.mark.parametrize("marker", sorted(BY_MARKER))
@pytest.mark.parametrize("lead", [0, 1, 2])
def test_each_marker_finds_its_secret_encoded(redactor, marker: str, lead: int) -> None:
    import random

    from bench.corpus import fakes

    secret = BY_MARKER[marker]
    if secret in fakes.TEMPLATES:
        secret = fakes.fake(fakes.TEMPLATES[secret][0], random.Random(5))
    assert secret.startswith(marker)
    b = _b64(" " * lead + secret)  # the marker at each byte alignment
    assert_absent(b, redactor.redact_text(f"data:\n  value: {b}\n"))


def test_base64_inside_base64(redactor) -> None:
    # KUBECONFIG_B64: a kubeconfig, whose client-key-data is a PEM in base64, in base64
    b = _b64("users:\n- user:\n    client-key-data: " + _b64(PEM) + "\n")
    assert_absent(b, redactor.redact_text(f"KUBECONFIG_B64={b}\n"))


def test_wrapped_with_crlf(redactor) -> None:
    b = _b64(PEM)
    text = "\r\n".join(textwrap.wrap(b, 76)) + "\r\n"
    out = redactor.redact_text(text)
    for part in textwrap.wrap(b, 76):
        if len(part) >= 12:
            assert_absent(part, out)
