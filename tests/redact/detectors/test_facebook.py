"""`detectors/facebook.py`: `<app id>|<secret>` only after 15-16 digits (not 14, not 17),
with a random-looking or digit-holding secret."""

from __future__ import annotations

import pytest

from cctrace.redact import registry
from cctrace.redact.engine import Finding, SecretRedactor

SECRET = "Zq8vK2pLm4Xw7Rt5Yb3Nc6Hd9Jf1G"   # 29 chars, mixed case, digits
LETTERS = "abcdefghijklmnopqrstuvwxyzabcd"  # no digit, one case


def _explain(text: str) -> list[Finding]:
    return SecretRedactor([registry.load("facebook")], b"k" * 32).explain(text)


@pytest.mark.parametrize("app_id", ["104912345670321", "1049123456703219"])
def test_app_token_after_15_or_16_digits(app_id: str) -> None:
    for head in ("", "id ", "x="):
        text = f"{head}{app_id}|{SECRET} ok"
        at = text.index(SECRET)
        want = [Finding("facebook_app_token", "facebook", at, at + len(SECRET))]
        assert _explain(text) == want, text


@pytest.mark.parametrize("text", [
    f"10491234567032|{SECRET} ok",        # 14 digits
    f"10491234567032191|{SECRET} ok",     # 17 digits
    f"id 1049123456703a|{SECRET} ok",
    f"104912345670321|{LETTERS} ok",      # nothing random about it
    f"a|{SECRET} ok",
])
def test_not_an_app_token(text: str) -> None:
    assert _explain(text) == []


def test_secret_with_a_digit_or_random_letters() -> None:
    one_digit = "abcdefghijklmnopqrstuvwxyzabc1"
    text = f"104912345670321|{one_digit} ok"
    assert [f.type for f in _explain(text)] == ["facebook_app_token"]
    mixed = "QwErTyUiOpAsDfGhJkLzXcVbNmQwEr"
    text = f"104912345670321|{mixed} ok"
    assert [f.type for f in _explain(text)] == ["facebook_app_token"]
