"""`detectors/azure.py`: a client secret (`<3>8Q~<31-34>`) ends where its alphabet does
(#13's fifth round): a longer run of `[A-Za-z0-9_~.-]` is some other string (a signature,
an identity), while a full stop after the secret ends a sentence."""

from __future__ import annotations

import pytest

from cctrace.redact import registry
from cctrace.redact.engine import Finding, SecretRedactor
from support.absence import assert_absent

BODY34 = "3wIHjX9DT0yCNfQmr9oxmYrDZoQVLOdNgA"  # 34 characters
SECRET = "4~q8Q~" + BODY34


def _azure() -> SecretRedactor:
    return SecretRedactor([registry.load("azure")], b"k" * 32)


@pytest.mark.parametrize("after", ["", " ", ".", ". Next", '"', ",", ".\n", "/x"])
def test_secret_ending_at_its_alphabet_is_redacted(after: str) -> None:
    text = f"client_secret {SECRET}{after}"
    at = text.index(SECRET)
    assert _azure().explain(text) == [
        Finding("azure_client_secret", "azure", at, at + len(SECRET))]
    assert_absent(SECRET, _azure().redact_text(text))


def test_shortest_body_is_redacted() -> None:
    secret = "abc8Q~" + BODY34[:31]
    text = f"x {secret}."
    assert_absent(secret, _azure().redact_text(text))


@pytest.mark.parametrize("after", ["~yk0", "-x", "_x", "~", "A", "9", ".a", ".~", ".-", "._"])
def test_secret_running_on_is_kept(after: str) -> None:
    text = f"Identity=USK@u2vn3Lh6Kte2,{SECRET}{after},AQACAAE/WebOfTrust"
    assert _azure().explain(text) == []
    assert _azure().redact_text(text) == text
