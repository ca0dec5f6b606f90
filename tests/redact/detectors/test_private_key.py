"""`detectors/private_key.py`: how much key material makes a block a key (exactly
`MIN_BODY` base64 characters outside the armour), and which type wins an overlap."""

from __future__ import annotations

import base64
import json

import pytest

from cctrace.redact import registry
from cctrace.redact.detectors.private_key import MIN_BODY, der_private_key, has_key_material
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


# -- a key's body without its armour (probes-8) ----------------------------------------------

def _key_alone() -> SecretRedactor:
    return SecretRedactor([registry.load("private_key")], b"k" * 32)


def _all() -> SecretRedactor:
    return SecretRedactor(registry.detectors(), b"k" * 32)


def _body(der_head: str, lines: int = 3) -> str:
    der = bytes.fromhex(der_head) + bytes(range(256)) * 2
    b64 = base64.b64encode(der).decode()
    return "\n".join(b64[i:i + 64] for i in range(0, 64 * lines, 64))


# The DER starts of real private keys: PKCS#8 RSA, PKCS#1 RSA, PKCS#8 P-256, SEC1 P-256,
# secp256k1, Ed25519 PKCS#8, Ed448 PKCS#8, SEC1 P-384, PKCS#8 with public key (version 1).
KEY_STARTS = ["308204bd020100300d06092a864886f70d0101010500", "308204a40201000282010100",
              "30818702010030130607", "307702010104", "307402010104", "302e020100300506",
              "3047020100300506", "3081a402010104", "3051020101300506"]


@pytest.mark.parametrize("head", KEY_STARTS)
def test_der_private_key_starts(head: str) -> None:
    body = _body(head)
    assert der_private_key(body) is True
    text = f"$ sed -n '2,4p' k.pem\n{body}\n$ "
    at = text.index(body)
    assert _key_alone().explain(text) == [Finding("private_key", "private_key", at,
                                                  at + len(body))]


# Certificates, public keys, CSRs, PKCS#12: DER that is no private key.
NOT_KEYS = ["308203773082025fa003020102", "30820122300d06092a864886f70d01010105000382010f00",
            "3082010a0282010100", "308202563082013e020100", "30820a0b020103308209d106",
            "3059301306072a8648ce3d020106", "302a300506032b6570032100",
            "30770201020420", "3077020100040a", "30770200", "3080020100300d"]


@pytest.mark.parametrize("head", NOT_KEYS)
def test_other_der_stays(head: str) -> None:
    body = _body(head)
    assert der_private_key(body) is False
    assert _key_alone().explain(f"$ sed -n '2,4p' c.pem\n{body}\n") == []


def test_der_start_decoding_edges() -> None:
    assert der_private_key("MIIE%%%%vQIBADAN") is False            # no base64
    assert der_private_key("MIIEvQIBADAN") is True                 # 9 bytes: enough
    short = base64.b64encode(bytes.fromhex("300a020100020105")).decode()
    assert der_private_key(short) is True                          # 8 bytes exactly
    assert der_private_key(base64.b64encode(bytes.fromhex("300a0201000201")).decode()) is False
    other = base64.b64encode(bytes.fromhex("310a020100020105000000")).decode()
    assert der_private_key(other) is False                         # a SET, no SEQUENCE
    assert der_private_key("MIIE") is False                        # under 8 bytes
    assert der_private_key(_body("3084000004bd020100300d")) is False  # a 4-byte length
    assert der_private_key(_body("308304bd00020100300d")) is True   # a 3-byte one
    assert der_private_key("\\n".join(_body(KEY_STARTS[0]).split("\n"))) is True


@pytest.mark.parametrize("wrap", [
    lambda b: json.dumps({"out": b}),                   # one JSON string
    lambda b: json.dumps({"c": json.dumps({"out": b})}),  # JSON inside JSON
    lambda b: b.replace("\n", "\r\n"),
])
def test_der_body_in_json_and_crlf(wrap) -> None:  # type: ignore[no-untyped-def]
    body = _body(KEY_STARTS[1], 4)
    out = _all().redact_text(wrap(body))
    for line in body.split("\n"):
        assert_absent(line, out)


def test_der_body_needs_a_40_character_first_line() -> None:
    body = _body(KEY_STARTS[1], 1)
    assert _key_alone().explain(body[:39]) == []
    assert _key_alone().explain(body[:40]) == [Finding("private_key", "private_key", 0, 40)]
    # glued to more base64 before it, it is the middle of something else
    assert _key_alone().explain("AAAA" + body) == []
