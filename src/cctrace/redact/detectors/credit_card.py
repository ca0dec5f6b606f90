"""Detector (PII, opt-in): payment card numbers, Luhn-checked, with known issuer prefixes."""

from __future__ import annotations

import re

from cctrace.redact.detectors.base import PII, Detector, Pattern, luhn_ok

_ISSUER = re.compile(r"^(?:4|5[1-5]|2[2-7]|3[47]|3[0689]|6(?:011|5|4[4-9]|22)|35|62)")


def card_ok(value: str) -> bool:
    digits = re.sub(r"[ \-]", "", value)
    return 13 <= len(digits) <= 19 and _ISSUER.match(digits) is not None and luhn_ok(digits)


DETECTOR = Detector(
    name="credit_card",
    description="Payment card numbers (Luhn).",
    pii=True,
    patterns=(
        Pattern(
            "credit_card",
            r"(?<![\d\-])[2-6]\d{3}(?:[ \-]?\d{2,4}){2,4}\d{0,3}(?![\d\-])",
            anchors=(),
            validate=card_ok,
            priority=PII + 2,
        ),
    ),
)
