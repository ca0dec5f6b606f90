"""Detector: Figma personal access tokens.

One `Pattern` per token format; anchors are the lowercase literals the prefilter looks for.
"""

from __future__ import annotations

from cctrace.redact.detectors.base import (
    END_ALNUM,
    Detector,
    Pattern,
)

DETECTOR = Detector(
    name="figma",
    description=("Figma personal access tokens."),
    patterns=(
        Pattern(
            "figma_token",
            r"figd_[A-Za-z0-9_\-]{40}" + END_ALNUM,
            anchors=("figd_",),
        ),
    ),
)
