"""Detector (PII, opt-in): e-mail addresses."""

from __future__ import annotations

from cctrace.redact.detectors.base import PII, Detector, Pattern

DETECTOR = Detector(
    name="email",
    description="E-mail addresses.",
    pii=True,
    patterns=(
        Pattern(
            "email",
            r"(?<![A-Za-z0-9._%+\-])[A-Za-z0-9][A-Za-z0-9._%+\-]{0,63}@"
            r"(?:[A-Za-z0-9](?:[A-Za-z0-9\-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,24}(?![A-Za-z0-9])",
            anchors=("@",),
            priority=PII,
        ),
    ),
)
