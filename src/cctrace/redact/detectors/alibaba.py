"""Detector: Alibaba Cloud AccessKey ids.

One `Pattern` per token format; anchors are the lowercase literals the prefilter looks for.
"""

from __future__ import annotations

from cctrace.redact.detectors.base import (
    END_ALNUM,
    Detector,
    Pattern,
    mixed_case_random,
)

DETECTOR = Detector(
    name="alibaba",
    description=("Alibaba Cloud AccessKey ids."),
    patterns=(
        Pattern(
            "alibaba_access_key_id",
            r"LTAI[A-Za-z0-9]{12,20}" + END_ALNUM,
            anchors=("ltai",),
            boundary=True,
            validate=mixed_case_random,
        ),
    ),
)
