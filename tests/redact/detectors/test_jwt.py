"""`detectors/jwt.py`: which dotted `eyJ` runs are JWTs (header names alg/typ, or a JSON
payload and a signature of 16+ chars), base64-wrapped ones, every padding length."""

from __future__ import annotations

import base64
import json

import pytest

from cctrace.redact import registry
from cctrace.redact.detectors.jwt import b64_jwt_ok, jwt_ok
from cctrace.redact.engine import Finding, SecretRedactor

SIG = "SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c"


def _part(obj: object) -> str:
    return base64.urlsafe_b64encode(json.dumps(obj, separators=(",", ":")).encode()) \
        .decode().rstrip("=")


def _jwt(head: object, body: object, sig: str = SIG) -> str:
    return f"{_part(head)}.{_part(body)}.{sig}"


@pytest.mark.parametrize("head", [
    {"alg": "HS256"}, {"typ": "JWT"}, {"alg": "RS256", "typ": "JWT"}, {"alg": "x"},
    {"alg": "xy"}, {"alg": "xyz"}, {"alg": "none", "kid": "k1"},
])
def test_a_header_naming_alg_or_typ_is_enough(head: dict) -> None:
    # the payload is no JSON and the signature short: only the header speaks
    token = f"{_part(head)}.eyJub3QganNvbg.x"
    assert jwt_ok(token) is True
    assert len({len(_part(h)) % 4 for h in ({"alg": "x"}, {"alg": "xy"}, {"alg": "xyz"})}) == 3


def test_without_alg_or_typ_the_payload_and_signature_decide() -> None:
    head = {"kid": "k1"}
    assert jwt_ok(_jwt(head, {"sub": "1"}, "a" * 16)) is True
    assert jwt_ok(_jwt(head, {"sub": "1"}, "a" * 15)) is False
    assert jwt_ok(_jwt(head, [1, 2], "a" * 16)) is False
    assert jwt_ok(f"{_part(head)}.{_part({'sub': '1'})}") is False      # two parts
    assert jwt_ok(_jwt([1], {"sub": "12"}, "a" * 16)) is True           # header no object
    assert jwt_ok(_jwt([1], {"sub": "12"}, "a" * 15)) is False
    assert jwt_ok(f"{_part([1])}.eyJub3QganNvbg.{'a' * 20}") is False
    assert jwt_ok("eyJ!!!.eyJ!!!.aaaaaaaaaaaaaaaaaaaa") is False
    for n in range(1, 5):  # payloads of every length mod 4
        assert jwt_ok(_jwt(head, {"s": "x" * n}, "b" * 16)) is True


def test_base64_wrapped() -> None:
    good = _jwt({"alg": "HS256"}, {"sub": "1"})
    for extra in ("", "a", "ab", "abc"):  # every length mod 4 of the wrapper
        wrapped = base64.b64encode((good + extra).encode()).decode().rstrip("=")
        assert b64_jwt_ok(wrapped) is True
    not_jwt = "eyJhYmMxMjM0NTY3.eyJhYmMxMjM0NTY3.x"
    assert jwt_ok(not_jwt) is False
    assert b64_jwt_ok(base64.b64encode(not_jwt.encode()).decode()) is False
    assert b64_jwt_ok(base64.b64encode(b"eyJ\xff\xfe" + b"a" * 40).decode()) is False
    assert b64_jwt_ok(base64.b64encode(b"plain text, not a token at all").decode()) is False
    assert b64_jwt_ok("ZXlK!") is False


def test_found_alone_with_exact_offsets() -> None:
    r = SecretRedactor([registry.load("jwt")], b"k" * 32)
    good = _jwt({"alg": "HS256"}, {"sub": "1234567890"})
    assert r.explain(f"t={good} ok") == [Finding("jwt", "jwt", 2, 2 + len(good))]
    wrapped = base64.b64encode(good.encode()).decode()
    assert r.explain(f"v: {wrapped}\n") == [Finding("jwt", "jwt", 3, 3 + len(wrapped))]
    bad = _jwt({"kid": "k"}, [1, 2], "a" * 20)
    assert r.explain(f"t={bad} ok") == []
