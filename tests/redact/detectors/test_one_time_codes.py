"""`detectors/one_time_codes.py` alone, exactly: backup, recovery and one-time codes after
the words naming them, on the same line or one per line after it. Each code is one
finding; dates, times, versions, words and numbers too short to be a code stay."""

from __future__ import annotations

import json

import pytest

from cctrace.redact import registry
from cctrace.redact.engine import SecretRedactor
from support import alone as support_alone
from support.absence import assert_absent


def found(text: str, value: str) -> None:
    support_alone.found("one_time_codes", "one_time_code", text, value)


def kept(text: str) -> None:
    support_alone.kept("one_time_codes", text)


@pytest.mark.parametrize("text,value", [
    ("the 2FA code is 482913", "482913"),
    ("Your one-time code: 735 204", "735 204"),
    ("your one time code is 735204.", "735204"),
    ("OTP code: 91827364 (valid 5 minutes)", "91827364"),
    ("the backup code is 8a3f-d2c7 for now", "8a3f-d2c7"),
    ("Recovery code: `x7q2m-4npk8`", "x7q2m-4npk8"),
    ("verification code is 551290", "551290"),
    ("login code: 4821", "4821"),                       # 4: the fewest
])
def test_found(text: str, value: str) -> None:
    found(text, value)


CODES = ["8a3f-d2c7", "4f8a-2c91", "7d3e-b5a0", "9c1f-64e2"]


@pytest.mark.parametrize("text", [
    "Your backup codes:\n" + "\n".join(CODES) + "\n",
    "Recovery codes (save these somewhere safe):\n\n" + "\n".join("  " + c for c in CODES),
    "GitHub recovery codes:\n" + "\n".join(f"- {c}" for c in CODES) + "\nKeep them safe.",
    "backup codes: " + ", ".join(CODES),
    "Emergency scratch codes:\n" + "\n".join(f"{i}. {c}" for i, c in enumerate(CODES, 1)),
])
def test_every_code_of_a_list(text: str) -> None:
    for t in (text, json.dumps(text)):
        r = SecretRedactor([registry.load("one_time_codes")], b"a" * 32)
        spans = [(f.start, f.end) for f in r.explain(t)]
        assert [t[s:e] for s, e in spans] == CODES, t
        assert_absent(CODES, r.redact_text(t))


def test_the_list_stops_at_the_first_line_that_is_no_code() -> None:
    r = SecretRedactor([registry.load("one_time_codes")], b"a" * 32)
    text = "Backup codes:\n1111-2222\nKeep them safe.\n3333-4444\n"
    assert [text[f.start:f.end] for f in r.explain(text)] == ["1111-2222"]


@pytest.mark.parametrize("text", [
    "Backup codes are single use; generate new ones in Settings > Security.",
    "Your verification code expires in 10 minutes.",
    "Recovery codes:\n\nSee the docs for how to generate them.",
    "the backup code was used on 2026-12-07",          # a date
    "login code: 10:42",                               # a time
    "the 2FA code is 42",                              # too short
    "the 2FA code is 482",
    "backup code: 2026-12-07",                         # a date
    "backup code: 1.2.3",
    "recovery codes are 10 characters long",
    "the error code is 1045",                          # not a kind of login code
    "backup code: abcd-efgh",                          # no digit: words
    "zipcode is 90210",
])
def test_kept(text: str) -> None:
    kept(text)


def test_at_most_24_lines_of_codes() -> None:
    codes = [f"{1000 + i}-{5000 + i}" for i in range(26)]
    text = "Backup codes:\n" + "\n".join(codes) + "\n"
    r = SecretRedactor([registry.load("one_time_codes")], b"a" * 32)
    assert [text[f.start:f.end] for f in r.explain(text)] == codes[:24]


def test_at_most_24_codes_on_the_heads_line() -> None:
    """The inline codes are bounded like the lines: a text repeating the head glued to a
    code-like word is not read to its end from every head."""
    codes = [f"{1000 + i}-{5000 + i}" for i in range(26)]
    text = "recovery codes: " + ", ".join(codes) + "\n"
    r = SecretRedactor([registry.load("one_time_codes")], b"a" * 32)
    assert [text[f.start:f.end] for f in r.explain(text)] == codes[:24]


# probes-7: words naming a one-time code by themselves, and other languages' code words.
@pytest.mark.parametrize("text,value", [
    ("Your OTP is 483920", "483920"),
    ("OTP: 483920", "483920"),
    ("the TOTP was 483920, quick", "483920"),
    ("Passcode: 7731 0924", "7731 0924"),
    ("your one-time password is 483920.", "483920"),
    ("Ihr Bestätigungscode lautet 618273", "618273"),
    ("Ihr Sicherheitscode: 618273", "618273"),
    ("Votre code de vérification est 618273.", "618273"),
    ("Su código de verificación es 618273.", "618273"),
    ("Il codice di verifica è 618273", "618273"),
])
def test_probes7_found(text: str, value: str) -> None:
    found(text, value)
    found(json.dumps(text), value)


@pytest.mark.parametrize("text", [
    "OTP is enabled for 2 users",                       # no code after the verb
    "TOTP: 6 digits",
    "OTP is 6 digits long",
    "the otpauth://totp/acme:ann?secret=X URI",         # no verb or colon after the word
    "Your xOTP is 483920",                              # glued to a word
    "Your OTP expires in 5 minutes.",
    "passcode: required",
    "Ihr Bestätigungscode lautet: siehe E-Mail",
])
def test_probes7_kept(text: str) -> None:
    kept(text)


@pytest.mark.parametrize("word", [
    "OTP", "TOTP", "one-time password", "one-time passcode", "passcode", "Bestätigungscode",
    "Bestaetigungscode", "Sicherheitscode", "Einmalcode", "Verifizierungscode", "Anmeldecode",
    "code de vérification", "code de confirmation", "code de sécurité",
    "código de verificación", "codigo de verificacion", "código de seguridad",
    "codice di verifica", "código de verificação",
])
def test_probes7_each_code_word(word: str) -> None:
    found(f"Ihr {word}: 618273", "618273")
    found(f"your {word} is 618273.", "618273")
