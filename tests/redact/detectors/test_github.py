"""`detectors/github.py` and `npm.py`: a token whose CRC32 does not verify is still taken
when its 36 characters after the prefix look random (3.5+ bits), and only then."""

from __future__ import annotations

import pytest

from cctrace.redact import registry
from cctrace.redact.detectors.base import shannon_entropy
from cctrace.redact.engine import Finding, SecretRedactor

# 36 characters: 3.57 bits, and 3.49 without the first (which the prefix must not hide)
RANDOM_ENOUGH = "abcdefuvwxyzABuvwxyzABuvwxyzABuvwxyz"
# 36 characters: 3.97 bits (16 symbols): random enough, under 4.5
SIXTEEN = ("ABCDEFGHIJKLMNOP" * 3)[:36]
# 36 characters: 3.44 bits
TOO_FLAT = "abcduvwxyzABCuvwxyzABCuvwxyzABCuvwxy"[1:] + "u"


def test_the_bodies_are_what_they_claim() -> None:
    assert 3.5 <= shannon_entropy(RANDOM_ENOUGH) < 3.6
    assert shannon_entropy(RANDOM_ENOUGH[1:]) < 3.5
    assert 3.5 <= shannon_entropy(SIXTEEN) < 4.5
    assert shannon_entropy(TOO_FLAT) < 3.5
    assert len(RANDOM_ENOUGH) == len(SIXTEEN) == len(TOO_FLAT) == 36


@pytest.mark.parametrize("name,prefix,typ", [
    ("github", "ghp_", "github_token_unverified"), ("github", "ghs_", "github_token_unverified"),
    ("npm", "npm_", "npm_token_unverified"),
])
def test_unverified_token_entropy_bound(name: str, prefix: str, typ: str) -> None:
    r = SecretRedactor([registry.load(name)], b"k" * 32)
    for body in (RANDOM_ENOUGH, SIXTEEN):
        text = f"t={prefix}{body} ok"
        assert r.explain(text) == [Finding(typ, name, 2, 42)], body
    flat = f"t={prefix}{TOO_FLAT} ok"
    assert r.explain(flat) == []
    assert r.redact_text(flat) == flat
