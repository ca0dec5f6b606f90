"""`detectors/app_password.py` alone, exactly: grouped app passwords (Google's four groups
of four letters, Apple's joined by `-`, WordPress' six of letters and digits) after the
phrase naming them, on its line or alone on the next. Words, fillers, numbers and groups
joined two ways stay."""

from __future__ import annotations

import json

import pytest

from support import alone as support_alone

GOOGLE = "logq urcr hsam uruq"
APPLE = "kxvt-qmpz-wrhn-ybsd"
WORDPRESS = "AbCd 1234 EfGh 5678 IjKl 9012"


def found(text: str, value: str) -> None:
    support_alone.found("app_password", "app_password", text, value)


def kept(text: str) -> None:
    support_alone.kept("app_password", text)


@pytest.mark.parametrize("text,value", [
    (f"Generated app password: {GOOGLE}", GOOGLE),
    (f"Your app password for your device\n{GOOGLE}\n", GOOGLE),
    (f"Your app password for your device\n  `{GOOGLE}`", GOOGLE),
    (f"App-specific password: {APPLE}", APPLE),
    (f"app specific password is {APPLE}.", APPLE),
    (f'Application password "{WORDPRESS}" created.', WORDPRESS),
    (f"SMTP_APP_PASSWORD='{GOOGLE}'", GOOGLE),
    (f"Dein App-Passwort lautet: {GOOGLE}", GOOGLE),
    (f"applicationpassword={APPLE}", APPLE),
    (f"app passwords: {GOOGLE} and more", GOOGLE),
    (f"app password {'x' * 22} {GOOGLE}", GOOGLE),          # 24 characters between
    ("app password: ab12 cd34 ef56 gh78 ij90", "ab12 cd34 ef56 gh78 ij90"),   # five groups
    ("app password: hiyc vozn riro roam", "hiyc vozn riro roam"),   # reads aloud, no word
    ("app password: qrst abcd efgx wzyv", "qrst abcd efgx wzyv"),   # a run of seven only
])
def test_found(text: str, value: str) -> None:
    found(text, value)
    found(json.dumps(text), value)


@pytest.mark.parametrize("text", [
    "app password: this will work fine",                   # words, `work` a known one
    "App Password: Keep Your Data Safe",
    "app password: abcd efgh ijkl mnop",                   # a filler run
    "app password: qrst abcd efgh wxzy",                   # a run of eight, across groups
    "app passwords 2024 2025 2026 2027",                   # numbers
    f"app password: {GOOGLE[:9]}-{GOOGLE[10:]}",            # joined two ways
    f"app password: {GOOGLE[:14]}",                        # three groups
    f"app password: {GOOGLE}x",                            # a group of five
    f"app password: {GOOGLE}-",
    f"app password {'x' * 23} {GOOGLE}",                   # 25 characters between
    f"app password: x{GOOGLE}",                            # a group starting inside a word
    f"app password for\n\n{GOOGLE}",                        # two lines down
    f"the password: {GOOGLE}",                              # no app
    "Create an app password in your account settings.",
])
def test_kept(text: str) -> None:
    kept(text)
