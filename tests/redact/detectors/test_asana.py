"""`detectors/asana.py`: Asana personal access tokens with no name beside them (leaked in
`env` output, `.env` files and calls before: the generic slots refuse `/` and `:`)."""

from __future__ import annotations

import pytest

from cctrace.redact import registry
from cctrace.redact.engine import Finding, SecretRedactor
from support.absence import assert_absent

PAT = "2/6553494800605070/5075137382142299:6d219cef5c4bd29f04b7b91559d6fd6e"
LEGACY = "0/9f1c2b7e4d3a5c6b8e0f1a2d3c4b5e6f"


def _alone() -> SecretRedactor:
    return SecretRedactor([registry.load("asana")], b"k" * 32)


@pytest.mark.parametrize("text", [
    f"PWD=/workspace/api\nASANA_PAT={PAT}\nSHELL=/bin/bash\n",
    f'client = asana.Client.access_token("{PAT}")\n',
    f"<add key=\"AsanaToken\" value=\"{PAT}\" />\n",
    f"curl -H 'Authorization: Bearer {LEGACY}' https://app.asana.com/api/1.0/users/me\n",
])
def test_tokens_in_layouts_are_gone(text: str) -> None:
    red = SecretRedactor(registry.detectors(), b"k" * 32)
    value = PAT if PAT in text else LEGACY
    assert_absent(value, red.sweep(red.redact_text(text)))


def test_exact_span_and_type() -> None:
    text = f"token {PAT} ok"
    at = text.index(PAT)
    assert _alone().explain(text) == [Finding("asana_pat", "asana", at, at + len(PAT))]


@pytest.mark.parametrize("text", [
    "ratio 2/3 of 1/2 done, 0/1 failed",
    "x2/6553494800605070/5075137382142299:6d219cef5c4bd29f04b7b91559d6fd6e",  # glued
    "2/6553494800605070/5075137382142299:6d219cef5c4bd29f04b7b91559d6fd6",  # 30 hex
    "2/655349480060/5075137382142299:6d219cef5c4bd29f04b7b91559d6fd6e",  # 12-digit id
    "0/00000000000000000000000000000000",  # no randomness
    "0/9f1c2b7e4d3a5c6b8e0f1a2d3c4b5e6f7",  # 33 hex: runs on
])
def test_not_tokens_are_left(text: str) -> None:
    assert _alone().redact_text(text) == text


def test_hex_case_does_not_matter() -> None:
    # Tried only where `0/`, `1/`, `2/` stand, and case-blind there: hex in capitals (a
    # token pasted through a tool that upper-cases) is the same token.
    text = f"token {PAT.upper()} ok and {LEGACY.upper()}"
    assert [f.type for f in _alone().explain(text)] == ["asana_pat", "asana_pat"]
