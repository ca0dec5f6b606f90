"""Detector: Typeform personal access tokens.

One `Pattern` per token format; anchors are the lowercase literals the prefilter looks for.
"""

from __future__ import annotations

from cctrace.redact.detectors.base import (
    END_ALNUM,
    Detector,
    Pattern,
)

DETECTOR = Detector(
    name="typeform",
    description=("Typeform personal access tokens."),
    patterns=(
        Pattern(
            "typeform_token",
            r"tfp_[A-Za-z0-9_\-.]{59}" + END_ALNUM,
            anchors=("tfp_",),
        ),
    ),
)
