"""Detector: Tencent Cloud SecretIds.

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
    name="tencent",
    description=("Tencent Cloud SecretIds."),
    patterns=(
        Pattern(
            "tencent_secret_id",
            r"AKID[A-Za-z0-9]{32}" + END_ALNUM,
            anchors=("akid",),
            boundary=True,
            validate=mixed_case_random,
        ),
    ),
)
