"""`detectors/gcp.py`: an API key starts at a boundary (#13's fifth round): `AIza` glued
to the letters before it is a piece of a longer base62 string, not a key."""

from __future__ import annotations

import pytest

from cctrace.redact import registry
from cctrace.redact.engine import Finding, SecretRedactor
from support.absence import assert_absent

KEY = "AIzaSyD3asb-2pEZVqMkmL6M9N6nHZRR_znhrh0"


def _gcp() -> SecretRedactor:
    return SecretRedactor([registry.load("gcp")], b"k" * 32)


@pytest.mark.parametrize("before", ["", " ", "key=", '"', "\n", "\\n", "-", "/"])
def test_key_after_a_boundary_is_redacted(before: str) -> None:
    text = f"{before}{KEY} end"
    assert _gcp().explain(text) == [Finding("gcp_api_key", "gcp", len(before),
                                            len(before) + len(KEY))]
    assert_absent(KEY, _gcp().redact_text(text))


@pytest.mark.parametrize("before", ["GWw4hjABFzZCGiRpmlDyDdo87Jn9TJ", "x", "7", "_"])
def test_key_glued_to_a_longer_string_is_kept(before: str) -> None:
    text = f"{before}{KEY}"
    assert _gcp().explain(text) == []
    assert _gcp().redact_text(text) == text
