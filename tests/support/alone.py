"""One detector run alone, checked exactly: the exact-test helpers of the detector modules.

`found(name, typ, text, value)`: exactly one finding, of that type and detector, over
exactly `value`, and no 12-character piece of it left after redaction. `kept(name, text)`:
no finding, and the text comes back byte-identical.
"""

from __future__ import annotations

from functools import cache

from cctrace.redact import registry
from cctrace.redact.engine import Finding, SecretRedactor
from support.absence import assert_absent


@cache
def alone(name: str) -> SecretRedactor:
    return SecretRedactor([registry.load(name)], b"a" * 32)


def found(name: str, typ: str, text: str, value: str) -> None:
    at = text.index(value)
    assert alone(name).explain(text) == [Finding(typ, name, at, at + len(value))], text
    out = alone(name).redact_text(text)
    assert_absent(value, out)
    assert value not in out


def kept(name: str, text: str) -> None:
    assert alone(name).explain(text) == [], text
    assert alone(name).redact_text(text) == text
