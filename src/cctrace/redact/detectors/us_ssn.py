"""Detector (PII, opt-in): US social security numbers in `AAA-GG-SSSS` form, with the SSA's
never-issued ranges (000, 666, 9xx areas; 00 group; 0000 serial) excluded.
"""

from __future__ import annotations

from cctrace.redact.detectors.base import PII, Detector, Pattern

DETECTOR = Detector(
    name="us_ssn",
    description="US social security numbers.",
    pii=True,
    patterns=(
        Pattern(
            "us_ssn",
            r"(?<![\d\-])(?!000|666|9\d\d)\d{3}-(?!00)\d{2}-(?!0000)\d{4}(?![\d\-])",
            anchors=("-",),
            priority=PII + 1,
        ),
    ),
)
