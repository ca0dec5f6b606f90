"""Detector (PII, opt-in): phone numbers in international (`+CC ...`) and North-American
formats; bare digit runs are not taken (they are ids far more often than phones).
"""

from __future__ import annotations

from cctrace.redact.detectors.base import PII, Detector, Pattern


def _digits_ok(value: str) -> bool:
    digits = sum(c.isdigit() for c in value)
    return 8 <= digits <= 15


DETECTOR = Detector(
    name="phone",
    description="Phone numbers (E.164 / international and North-American formats).",
    pii=True,
    patterns=(
        Pattern(
            "phone",
            r"(?<![\w+])\+[1-9]\d{0,2}(?:[ .\-]?\(?\d{1,4}\)?)(?:[ .\-]?\d{2,4}){2,4}(?![\w])",
            anchors=("+",),
            validate=_digits_ok,
            priority=PII,
        ),
        Pattern(
            "phone",
            r"(?<![\w\-.])(?:\(\d{3}\)[ ]?|\d{3}[\-. ])\d{3}[\-.]\d{4}(?![\w\-.])",
            anchors=(),
            validate=_digits_ok,
            priority=PII,
        ),
    ),
)
