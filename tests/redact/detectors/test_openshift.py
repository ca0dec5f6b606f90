"""`detectors/openshift.py`: the 43 characters after `sha256~` must hold both cases (and
3.5+ bits); the prefix is not part of that judgement."""

from __future__ import annotations

from cctrace.redact import registry
from cctrace.redact.engine import Finding, SecretRedactor

BODY = "abcdefghijklmnopqrstuvwxyz0123456789-_abcde"   # one case, 43 chars


def _explain(text: str) -> list[Finding]:
    return SecretRedactor([registry.load("openshift")], b"k" * 32).explain(text)


def test_both_cases_counted_from_the_first_char_after_the_tilde() -> None:
    assert len(BODY) == 43
    token = "sha256~Q" + BODY[1:]          # the only capital is the first body character
    assert _explain(f"t {token} ok") == [Finding("openshift_token", "openshift", 2, 2 + 50)]
    assert _explain(f"t sha256~{BODY} ok") == []
