"""The opt-in personal-data detectors at their bounds: card length and issuer (Luhn), IBAN
length and mod 97, phone digit counts, IPv6 forms, with spaces as people write them."""

from __future__ import annotations

import pytest

from cctrace.redact import registry
from cctrace.redact.engine import Finding, SecretRedactor
from support.detector_samples import check_alone


@pytest.mark.parametrize("value,ok", [
    ("4111 1111 1111 1111", True), ("4111-1111-1111-1111", True),
    ("4000000000006", True),                 # 13 digits
    ("400000000002", False),                 # 12
    ("4000000000000000006", True),           # 19
    ("40000000000000000002", False),         # 20
    ("4111 1111 1111 1112", False),          # Luhn
    ("2000 0000 0000 0000", False),          # Luhn-valid, no issuer starts with 20
    ("2221 0000 0000 0009", True),
])
def test_credit_card(value: str, ok: bool) -> None:
    check_alone("credit_card", "credit_card", f"card {value} ok", value if ok else None)


@pytest.mark.parametrize("value,ok", [
    ("GB82 WEST 1234 5698 7654 32", True), ("GB82WEST12345698765432", True),
    ("NO93 8601 1117 947", True),                     # 15 characters
    ("NO69 8601 1117 94", False),                     # 14, even with a valid check
    ("GB93WEST12345678901234567890123456", True),     # 34
    ("GB83 WEST 1234 5698 7654 32", False),           # mod 97
])
def test_iban(value: str, ok: bool) -> None:
    check_alone("iban", "iban", f"IBAN {value} ok", value if ok else None)


def test_iban_of_35() -> None:
    value = "GB94WEST123456789012345678901234567"  # 35 characters, mod 97 valid
    assert len(value) == 35
    check_alone("iban", "iban", f"IBAN {value} ok", None)


@pytest.mark.parametrize("value,ok", [
    ("+44 20 7946 0958", True), ("(415) 555-2671", True),
    ("+12 34 56 78", True),                  # 8 digits
    ("+1 23 45 67", False),                  # 7
    ("+123 4567 8901 2345", True),           # 15
    ("+123 4567 8901 23 456", False),        # 16
])
def test_phone(value: str, ok: bool) -> None:
    check_alone("phone", "phone", f"call {value} now", value if ok else None)


@pytest.mark.parametrize("value,ok", [
    ("2001:db8::8a2e:370:7334", True), ("::1", True), ("fe80::1", True),
    ("2001:db8:0:0:1:0:0:1", True),          # eight groups, no `::`
    ("2001:db8:0:0:1:0:1", False),           # seven groups
    ("1:2:3", False), ("1::2::3", False),
])
def test_ipv6(value: str, ok: bool) -> None:
    check_alone("ip_address", "ipv6", f"addr {value} up", value if ok else None)


@pytest.mark.parametrize("text,value", [
    ("ssn 123-45-6789 ok", "123-45-6789"), ("ssn 000-12-3456 ok", None),
    ("ssn 666-12-3456 ok", None), ("ssn 912-12-3456 ok", None), ("ssn 123-00-4567 ok", None),
    ("ssn 123-45-0000 ok", None), ("id 1123-45-6789 ok", None),
])
def test_us_ssn(text: str, value: str | None) -> None:
    check_alone("us_ssn", "us_ssn", text, value)


def test_a_card_number_inside_a_phone_shape_is_a_card() -> None:
    # `+1 4000 0000 00006` is a phone number's shape (14 digits) holding a Luhn-valid
    # 13-digit card: the card's priority (PII + 2) over the phone's (PII) names the span.
    r = SecretRedactor(registry.detectors(pii=True), b"k" * 32)
    text = "call +1 4000 0000 00006 now"
    assert r.explain(text) == [Finding("credit_card", "credit_card", 5, 23)]


def test_an_ssn_glued_to_a_mail_domain_is_an_ssn() -> None:
    # the mail address holds the SSN: its priority (PII + 1) over the address's names it
    r = SecretRedactor(registry.detectors(pii=True), b"k" * 32)
    assert r.explain("ssn 123-45-6789@corp.test ok") == [Finding("us_ssn", "us_ssn", 4, 25)]


def test_an_iban_whose_digits_are_a_card_number_is_an_iban() -> None:
    # the digits after DE62 are a Luhn-valid 18-digit card number (issuer 37): both are
    # PII + 2, and the longer IBAN names the span
    r = SecretRedactor(registry.detectors(pii=True), b"k" * 32)
    text = "IBAN DE62 3704 0044 0532 0130 01 ok"
    assert r.explain(text) == [Finding("iban", "iban", 5, 32)]
