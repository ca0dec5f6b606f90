"""`detectors/private_key.py`: how much key material makes a block a key (exactly
`MIN_BODY` base64 characters outside the armour), and which type wins an overlap."""

from __future__ import annotations

from cctrace.redact import registry
from cctrace.redact.detectors.private_key import MIN_BODY, has_key_material
from cctrace.redact.engine import Finding, SecretRedactor
from support.absence import assert_absent

BEGIN, END = "-----BEGIN RSA PRIVATE KEY-----", "-----END RSA PRIVATE KEY-----"
B64 = "MIIEpAIBAAKCAQEAu1SU1LfVLPHCozMxH2Mo4lgOEePzNm0tRgeLezV6ffAt0gunVTLw7onLRnrq0"


def _block(body: str) -> str:
    return f"{BEGIN}\n{body}\n{END}"


def test_min_body_is_exact() -> None:
    assert MIN_BODY == 40
    assert has_key_material(_block(B64[:40])) is True
    assert has_key_material(_block(B64[:39])) is False
    # The armour and `Key: value` header lines are not key material, nor JSON escapes.
    assert has_key_material(_block("Proc-Type: 4,ENCRYPTED\n" + B64[:39])) is False
    assert has_key_material(f"{BEGIN}\\n{B64[:39]}\\n{END}") is False
    assert has_key_material(f"{BEGIN}\\n{B64[:40]}\\r\\n{END}") is True
    assert has_key_material(_block(B64[:30])) is False
    assert has_key_material(_block(B64[:35])) is False


def test_a_stub_block_stays_byte_identical() -> None:
    r = SecretRedactor([registry.load("private_key")], b"k" * 32)
    stub = _block(B64[:39])
    assert r.explain(stub) == []
    assert r.redact_text(stub) == stub
    key = _block(B64[:40])
    assert r.explain(key) == [Finding("private_key", "private_key", 0, len(key))]


def test_pgp_block_keeps_its_type_over_a_token_inside() -> None:
    # A body line shaped like an AWS key id (SPECIFIC): the block's SPECIFIC + 5 wins.
    body = "lQOYBF" + B64[:58] + "\nAKIAQWERTYUIOPASDFGH\n" + B64[:64]
    text = f"-----BEGIN PGP PRIVATE KEY BLOCK-----\n\n{body}\n-----END PGP PRIVATE KEY BLOCK-----"
    r = SecretRedactor(registry.detectors(), b"k" * 32)
    assert r.explain(text) == [Finding("pgp_private_key", "private_key", 0, len(text))]
    assert_absent(body.splitlines(), r.redact_text(text))
