"""`detectors/twitter.py`: X / Twitter app-only bearer tokens, a run of `A`s then drawn
characters and %-escapes."""

from __future__ import annotations

import pytest

from cctrace.redact import registry
from cctrace.redact.engine import Finding, SecretRedactor
from support.absence import assert_absent

TOKEN = ("AAAAAAAAAAAAAAAAAAAAAJ3kF8xQm2pLz7RtW9vN%3D4bYc6HdGsE1aUoI5TqXe8rK0wZjMn"
         "2PvBlC7fS9gDhO3iN6uR8tY1")


def _alone() -> SecretRedactor:
    return SecretRedactor([registry.load("twitter")], b"k" * 32)


@pytest.mark.parametrize("text", [
    f"> authorization: Bearer {TOKEN}\n",
    f"req.setHeader('Authorization', `Bearer {TOKEN}`);\n",
    f"$ kubectl describe pod x\n    Environment:  X_BEARER={TOKEN}\n",
])
def test_tokens_are_gone(text: str) -> None:
    red = SecretRedactor(registry.detectors(), b"k" * 32)
    assert_absent(TOKEN, red.sweep(red.redact_text(text)))


def test_exact_span_and_type() -> None:
    text = f"t={TOKEN}\n"
    assert _alone().explain(text) == [Finding("twitter_bearer_token", "twitter", 2,
                                              2 + len(TOKEN))]


@pytest.mark.parametrize("text", [
    "A" * 90,  # padding, no drawn part
    "AAAAAAAAAAAAAAAAAAAAAAthisisjustalongrunofwordsthatisnotatokenbutlowercasetextonly",
    "x" + TOKEN,  # glued to a word
    "AAAAAAAAAAAAAAAAAAAAAJ3kF8xQm2pLz7RtW9vN",  # too short
])
def test_not_tokens_are_left(text: str) -> None:
    assert _alone().redact_text(text) == text


def test_a_run_of_twenty() -> None:
    token = "A" * 20 + TOKEN.lstrip("A")
    assert [f.type for f in _alone().explain(f"t={token}")] == ["twitter_bearer_token"]


@pytest.mark.parametrize("text", [
    # both cases, drawn, but no digit: not an issued bearer token
    "A" * 22 + "JkFxQmpLzRtWvNbYcHdGsEaUoITqXerKwZjMnPvBlCfSgDhOiNuRtYbXcVzLkJhGfDsAqWeR",
    # the run in lower case: the regex is case-sensitive
    "a" * 22 + TOKEN.lstrip("A"),
])
def test_drawn_and_capital_run(text: str) -> None:
    assert _alone().redact_text(text) == text
