"""Detector: Render API keys.

One `Pattern` per token format; anchors are the lowercase literals the prefilter looks for.
"""

from __future__ import annotations

from cctrace.redact.detectors.base import (
    END_ALNUM,
    Detector,
    Pattern,
)

DETECTOR = Detector(
    name="render",
    description=("Render API keys."),
    patterns=(
        Pattern(
            "render_api_key",
            r"rnd_[A-Za-z0-9]{32}" + END_ALNUM,
            anchors=("rnd_",),
        ),
    ),
)
