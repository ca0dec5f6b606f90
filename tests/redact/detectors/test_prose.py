"""`detectors/prose.py`: credentials in sentences, including the keywords written with
letters outside ASCII (which the byte-level prefilter cannot see)."""

from __future__ import annotations

import pytest

from cctrace.redact import registry
from cctrace.redact.engine import Finding, SecretRedactor
from support.absence import assert_absent

VALUE = "PliIX6meolEmA6"


def _prose() -> SecretRedactor:
    return SecretRedactor([registry.load("prose")], b"k" * 32)


@pytest.mark.parametrize("text,typ", [
    # Found by neither prefilter backend before the fix: the anchors were dropped.
    (f"the lösenord is {VALUE} for now", "prose_password"),
    (f"the LÖSENORD is {VALUE} for now", "prose_password"),
    (f"mitt lösenord är {VALUE} nu", "prose_password"),
    (f"the hasło is {VALUE} for now", "prose_password"),
    (f"le token é {VALUE} ok", "prose_secret"),
    (f"le secret è {VALUE} ok", "prose_secret"),
    (f"la key é {VALUE} ok", "prose_secret"),
    (f"the haslo is {VALUE} for now", "prose_password"),
])
def test_keywords_outside_ascii(text: str, typ: str) -> None:
    at = text.index(VALUE)
    assert _prose().explain(text) == [Finding(typ, "prose", at, at + len(VALUE))]
    for backend in ("re", "hyperscan"):
        try:
            r = SecretRedactor(registry.detectors(), b"k" * 32, backend=backend)
        except ImportError:
            continue  # the optional wheel is absent: the re backend was checked
        assert_absent(VALUE, r.redact_text(text))
