"""Keyword-led provider patterns read a bounded name: at most 64 name characters between
the service's word and the key word, and after it. A text holding the anchor many times
glued (one long word) then costs a bounded look at each hit, not the rest of the word each
time (`bench/redaction_pathological.py --anchors` measures it). Each case sits on the bound.
"""

from __future__ import annotations

import pytest

from support import alone as support_alone

UUID = "3f1a9c0e-5b7d-4a2c-8e8f-0a1b3c5d7e9f"
HEX32 = "3f1a9c0e5b7d2a4c6e8f0a1b3c5d7e9f"
SECRET40 = "Zq8XvT3mWk9PbR4nLs2YzQ1wZq8XvT3mWk9PbR4n"
SESSION = "Zq8XvT3mWk9PbR4nLs2YzQ1w" * 5   # no prefix a format of its own finds
# (detector, type, the name before the gap, the key word after it, the value); `gap` is
# None where the pattern reads no name between the two.
CASES = [
    ("aws", "aws_secret_access_key", None, "aws_secret_access_key", SECRET40),
    ("aws", "aws_session_token", None, "aws_session_token", SESSION),
    ("heroku", "heroku_api_key", "heroku", "api_key", UUID),
    ("mailgun", "mailgun_signing_key", "mailgun", "key", f"{HEX32}-3f1a9c0e-5b7d2a4c"),
    ("okta", "okta_api_token", "okta", "token", "00" + SECRET40),
    ("twilio", "twilio_auth_token", "twilio", "auth_token", HEX32),
    ("vercel", "vercel_token", "vercel", "token", SECRET40[:24]),
    ("datadog", "datadog_api_key", None, "datadog_api_key", HEX32),
]


@pytest.mark.parametrize(("detector", "typ", "name", "word", "value"), CASES)
@pytest.mark.parametrize(("size", "found"), [(64, True), (65, False)])
def test_the_name_after_the_key_word(detector: str, typ: str, name: str | None, word: str,
                                     value: str, size: int, found: bool) -> None:
    text = f"{name + '_' if name else ''}{word}{'q' * size}={value}"
    if found:
        support_alone.found(detector, typ, text, value)
    else:
        support_alone.kept(detector, text)


@pytest.mark.parametrize(("detector", "typ", "name", "word", "value"),
                         [c for c in CASES if c[2] is not None])
@pytest.mark.parametrize(("size", "found"), [(64, True), (65, False)])
def test_the_name_between_the_service_and_the_key_word(detector: str, typ: str, name: str,
                                                       word: str, value: str, size: int,
                                                       found: bool) -> None:
    text = f"{name}{'q' * size}{word}={value}"
    if found:
        support_alone.found(detector, typ, text, value)
    else:
        support_alone.kept(detector, text)
