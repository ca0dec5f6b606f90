"""`detectors/base.py` exactly: the validators at their bounds, the classes, the defaults.

Entropies here are exact in floating point (sums of powers of two): 8 symbols once each is
3.0 bits, 16 is 4.0, four symbols twice and eight once (16 chars) is 3.5, so `>=` and `>`
give different answers on them.
"""

from __future__ import annotations

import base64
import binascii
import dataclasses
import random
import re

import pytest
from bench.corpus import fakes

from cctrace.redact.detectors import base
from cctrace.redact.detectors.base import (
    Detector,
    Pattern,
    base62_encode,
    char_classes,
    crc32_base62_ok,
    crc_ok,
    entropy_at_least,
    is_hex,
    line_start,
    luhn_ok,
    macaroon_ok,
    mixed_case_random,
    not_all_hex_zero,
    not_example_aws,
    random40,
    random_hex,
    random_hex_prefix,
    random_lower,
    shannon_entropy,
)
from cctrace.redact.engine import Finding, SecretRedactor

BITS3 = "01234567"                      # 3.0 bits
BITS4 = "0123456789abcdef"              # 4.0 bits
BITS35 = "aabbccdd" + "efghijkl"        # 3.5 bits
BITS35_MIXED = "AAbbCCdd" + "efghijkl"  # 3.5 bits, both cases


def test_exact_entropies() -> None:
    assert shannon_entropy("") == 0.0
    assert shannon_entropy("aaaa") == 0.0
    assert shannon_entropy("ab") == 1.0
    assert shannon_entropy("abcd") == 2.0
    assert shannon_entropy(BITS3) == 3.0
    assert shannon_entropy(BITS4) == 4.0
    assert shannon_entropy(BITS35) == 3.5
    assert shannon_entropy("aab") == pytest.approx(0.9182958340544896)


@pytest.mark.parametrize("value,classes", [
    ("", 0), ("abc", 1), ("ABC", 1), ("123", 1), ("-_/", 1), ("aB", 2), ("a1", 2),
    ("a-", 2), ("A1", 2), ("aB1", 3), ("aB1-", 4), ("a b", 2),
    # not ASCII: the per-character path
    ("é", 1), ("É", 1), ("é1", 2), ("éÉ", 2), ("é-", 2), ("éÉ1·", 4), ("١", 1), ("é١", 2),
])
def test_char_classes(value: str, classes: int) -> None:
    assert char_classes(value) == classes


def test_right_boundaries() -> None:
    assert re.fullmatch("ab" + base.END_ALNUM + ".", "ab-")
    assert re.fullmatch("ab" + base.END_ALNUM + ".", "ab_")
    for c in "cZ7":
        assert not re.fullmatch("ab" + base.END_ALNUM + ".", "ab" + c)
    assert re.fullmatch("ab" + base.END_WORD + ".", "ab.")
    for c in "cZ7_-":
        assert not re.fullmatch("ab" + base.END_WORD + ".", "ab" + c)
    assert re.fullmatch("ab" + base.END_B64 + ".", "ab.")
    for c in "cZ7+/=_-":
        assert not re.fullmatch("ab" + base.END_B64 + ".", "ab" + c)


def test_base62() -> None:
    assert base.BASE62 == "".join(sorted(base.BASE62)) and len(set(base.BASE62)) == 62
    assert base62_encode(0) == "000000"
    assert base62_encode(61) == "00000z"
    assert base62_encode(62) == "000010"
    assert base62_encode(62 ** 2 + 10) == "00010A"
    assert base62_encode(62 ** 5 * 35 + 36) == "Z0000a"
    assert base62_encode(5, 2) == "05"
    for n in (binascii.crc32(b"x"), binascii.crc32(b"token"), 2 ** 32 - 1):
        assert base62_encode(n) == _b62(n)


def _b62(n: int) -> str:
    digits = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
    out = ""
    while n:
        n, r = divmod(n, 62)
        out = digits[r] + out
    return out.rjust(6, "0")


def _token(prefix: str, body: str) -> str:
    return prefix + body + _b62(binascii.crc32(body.encode("ascii", "replace")))


def test_crc32_checks_the_body_between_prefix_and_checksum() -> None:
    body = "A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5"
    assert crc_ok(_token("ghp_", body))
    assert crc32_base62_ok(_token("github_", body), 7)
    assert not crc32_base62_ok(_token("github_", body), 4)
    assert not crc_ok(_token("ghp_", body)[:-1] + "0")  # checksum digit changed
    assert not crc_ok("ghp_" + body + "000000")
    # A body character that is not ASCII counts as `?` (the token is still judged).
    assert crc_ok(_token("ghp_", "é" + body[1:]))
    assert crc_ok("ghp_é" + body[1:] + _b62(binascii.crc32(("?" + body[1:]).encode())))


@pytest.mark.parametrize("digits,ok", [
    ("4111111111111111", True), ("4111111111111112", False), ("79927398713", True),
    ("79927398710", False), ("0", True), ("5", False), ("50", False), ("59", True),
    ("18", True), ("26", True), ("34", True), ("42", True), ("91", True), ("0000000000", True),
    ("5555555555554444", True), ("5555555555554445", False), ("1", False), ("10", False),
])
def test_luhn(digits: str, ok: bool) -> None:
    assert luhn_ok(digits) is ok


def test_entropy_at_least_bounds() -> None:
    assert entropy_at_least(0.0)("") is True
    assert entropy_at_least(3.0)(BITS3) is True
    assert entropy_at_least(3.0 + 1e-9)(BITS3) is False
    assert entropy_at_least(3.0, 8)(BITS3) is True
    assert entropy_at_least(3.0, 9)(BITS3) is False
    assert entropy_at_least(9.0, 0)(BITS3) is False


def test_hex_helpers() -> None:
    assert not_all_hex_zero("0a") is True
    assert not_all_hex_zero("00-_00") is False
    assert not_all_hex_zero("X-0") is True
    assert is_hex("09afAF") is True
    assert is_hex("09ag") is False
    assert is_hex("") is False
    assert is_hex("ab\n") is False


def test_mixed_case_random_bounds() -> None:
    assert mixed_case_random(BITS35_MIXED) is True
    assert mixed_case_random(BITS35_MIXED[:-1]) is False   # under 3.5 bits
    assert mixed_case_random(BITS35) is False              # no capital
    assert mixed_case_random(BITS35.upper()) is False      # no small letter


def test_random40_bounds() -> None:
    v = "ABCDEFGHijklmn01"        # 16 symbols: 4.0 bits, 3 classes
    assert random40(v) is True
    assert random40(v[:-1] + "0") is False                 # under 4.0 bits
    assert random40("abcdefghijklmnop") is False           # 4.0 bits, 1 class
    assert random40("ABCDEFGHijklmnop") is False           # 2 classes


def test_random_hex_parts() -> None:
    assert random_hex("SK" + BITS3) is True
    assert random_hex("ac" + BITS3) is True
    assert random_hex("SK" + BITS3[1:] + "1") is False     # 7 symbols: under 3.0
    assert random_hex("SK" + "0123456") is False           # the SK is not counted
    assert random_hex("AC" + "0123456") is False           # nor the AC
    assert random_hex("a" * 24 + "-" + BITS3) is True      # the part after the last dash
    assert random_hex(BITS3 + "-" + "a" * 24) is False
    assert random_hex("x-y-" + BITS3) is True
    assert random_hex(BITS3) is True                       # no dash: the whole value
    assert random_hex("0123456") is False


def test_random_hex_prefix() -> None:
    assert random_hex_prefix("key-" + BITS3 * 4) is True
    assert random_hex_prefix(BITS3 * 4 + "-us1") is True
    assert random_hex_prefix("0123456" * 5 + "01") is False  # 32 hex, under 3.0 bits
    assert random_hex_prefix("key-" + BITS3 * 3) is False      # 24 hex only
    assert random_hex_prefix("key-" + "ABCDEF01" * 4) is False  # lowercase hex only


def test_random_lower_and_aws() -> None:
    assert random_lower("aabbccdd" + "efgh1jkl") is True
    assert random_lower(BITS35) is False                   # no digit
    assert random_lower("aabbccdd" + "efgh1jk") is False   # under 3.5
    assert not_example_aws("AKIA" + BITS3) is True
    assert not_example_aws("AKIA" + BITS3[:-1] + "0") is False
    assert not_example_aws("AKIA" + BITS3 + "EXAMPLE") is False
    assert not_example_aws("AKIAA" + BITS3[1:]) is True    # four chars skipped, not five


def _macaroon(loc: bytes, ident: bytes = b"x" * 30, tail: bytes | None = None) -> str:
    data = bytes([2, 1, len(loc)]) + loc + bytes([2, len(ident)]) + ident + b"\x00\x00"
    data += b"\x06\x20" + (bytes(range(32)) if tail is None else tail)
    return "pypi-" + base64.urlsafe_b64encode(data).decode().rstrip("=")


def test_macaroon_framing() -> None:
    for i in range(8):
        # every length mod 4 of the base64 body, both locations
        assert macaroon_ok(fakes.pypi_token(fakes.PYPI_LOCATION, random.Random(i)))
        assert macaroon_ok(_macaroon(b"test." + fakes.PYPI_LOCATION.encode(), b"y" * (30 + i)))
        assert macaroon_ok(_macaroon(fakes.PYPI_LOCATION.encode(), b"z" * (30 + i)))
    assert not macaroon_ok(_macaroon(b"pypi.org.x"))       # a location of 10 bytes
    assert not macaroon_ok("pypi-a")                        # not base64
    assert not macaroon_ok("pypi-a!b")
    assert not macaroon_ok("pypi-" + base64.urlsafe_b64encode(b"\x02\x01\x08").decode())


def test_macaroon_length_bounds() -> None:
    loc = fakes.PYPI_LOCATION.encode()
    head = bytes([2, 1, len(loc)]) + loc
    end = len(head)

    def token(data: bytes) -> str:
        return "pypi-" + base64.urlsafe_b64encode(data).decode().rstrip("=")

    # data[end] == 2 and the signature marker 34 bytes from the end
    exact = head + b"\x02?\x06\x20" + b"s" * 32              # len == end + 36
    assert len(exact) == end + 36
    assert not macaroon_ok(token(exact))
    assert macaroon_ok(token(head + b"\x02??\x06\x20" + b"s" * 32))   # end + 37
    assert not macaroon_ok(token(head + b"\x03??\x06\x20" + b"s" * 32))
    assert not macaroon_ok(token(head + b"\x02??\x06\x21" + b"s" * 32))
    assert not macaroon_ok(token(head + b"\x02??\x07\x20" + b"s" * 32))
    assert not macaroon_ok(token(head + b"\x02???\x06\x20" + b"s" * 31))


def test_pattern_and_detector_defaults() -> None:
    p = Pattern("t", "r")
    assert (p.anchors, p.validate, p.priority, p.at_anchor, p.boundary, p.flags, p.check) \
        == ((), None, base.SPECIFIC, False, False, 0, None)
    d = Detector("d", (p,))
    assert d.pii is False
    with pytest.raises(dataclasses.FrozenInstanceError):
        p.type = "u"  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        d.name = "e"  # type: ignore[misc]


def test_defaults_in_a_redactor() -> None:
    # No boundary, no case folding, no anchor needed, no validator: found where it is.
    r = SecretRedactor([Detector("d", (Pattern("t", r"zq\d{6}"),))], b"k" * 32)
    assert r.explain("xzq123456 ZQ123456") == [Finding("t", "d", 1, 9)]
    r2 = SecretRedactor([Detector("d", (Pattern("t", r"zq\d{6}", anchors=("zq",)),))],
                        b"k" * 32)
    assert r2.explain("xzq123456 ZQ123456") == [Finding("t", "d", 1, 9)]


def test_priorities_order() -> None:
    # The merge compares priorities only with each other (and the known-secret one, 100).
    assert 100 > base.CHECKSUM > base.SPECIFIC + 5 > base.SPECIFIC > base.SPECIFIC - 5 \
        > base.CONTEXTUAL > base.STRUCTURAL > base.STRUCTURAL - 5 > base.GENERIC \
        > base.PII + 2 > base.PII + 1 > base.PII


def test_line_start() -> None:
    assert line_start("ab\ncd", 4) == 3
    assert line_start("ab\\ncd", 5) == 4          # after a JSON-escaped break
    assert line_start("\\ncd", 3) == 2
    assert line_start("\nab", 2) == 1
    assert line_start("abc", 2) == 0              # the text's first line
    assert line_start("abc", 2, 1) is None        # starts out of sight
    assert line_start("a\nbc", 3, 1) == 2         # a break inside the window
