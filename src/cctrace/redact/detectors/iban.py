"""Detector (PII, opt-in): IBANs, verified with the ISO 13616 mod-97 check."""

from __future__ import annotations

from cctrace.redact.detectors.base import PII, Detector, Pattern


def iban_ok(value: str) -> bool:
    s = value.replace(" ", "").upper()
    if not 15 <= len(s) <= 34:
        return False
    moved = s[4:] + s[:4]
    try:
        number = int("".join(str(int(c, 36)) for c in moved))
    except ValueError:
        return False
    return number % 97 == 1


DETECTOR = Detector(
    name="iban",
    description="International bank account numbers (mod 97).",
    pii=True,
    patterns=(
        Pattern(
            "iban",
            r"(?<![A-Za-z0-9])[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,3})?"
            r"(?![A-Za-z0-9])",
            anchors=(),
            validate=iban_ok,
            priority=PII + 2,
        ),
    ),
)
