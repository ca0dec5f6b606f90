"""Detector: Replicate API tokens.

One `Pattern` per token format; anchors are the lowercase literals the prefilter looks for.
"""

from __future__ import annotations

from cctrace.redact.detectors.base import (
    END_ALNUM,
    Detector,
    Pattern,
)

DETECTOR = Detector(
    name="replicate",
    description=("Replicate API tokens."),
    patterns=(
        Pattern(
            "replicate_api_token",
            r"r8_[A-Za-z0-9]{37}" + END_ALNUM,
            anchors=("r8_",),
            boundary=True,
        ),
    ),
)
