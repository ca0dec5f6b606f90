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


BODY = "EAA" + "Bw3kZ9qLx2VnT8mRp4Hs6Jd1Fy5Ga0Qe2Uc7Wb" * 2
BLOB = "AGFzbQEAAAAB" * 4  # 48 base64 characters


@pytest.mark.parametrize(("text", "found"), [
    (f"{BLOB}/{BODY}+AAAB", False),   # a piece of a base64 blob (embedded wasm)
    (f"{BLOB}/{BODY}/AAAB", False),
    (f"{BLOB}+{BODY}=", False),
    (f"{BLOB}/{BODY} ok", True),      # the blob ends with the token: a token
    (f"{BLOB}/{BODY}", True),
    (f"{BLOB[:38]} /{BODY}+AAAB", True),  # 39 base64 characters before it: not a blob
    (f"token={BODY}+x", True),
    (f"{BLOB[:39]}/{BODY}+AAAB", False),  # 40 exactly
])
def test_access_token_inside_a_base64_run(text: str, found: bool) -> None:
    at = text.index(BODY)
    want = [Finding("facebook_access_token", "facebook", at, at + len(BODY))] if found else []
    assert _explain(text) == want, text
