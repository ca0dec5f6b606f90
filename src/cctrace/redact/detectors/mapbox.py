"""Detector: Mapbox secret access tokens.

One `Pattern` per token format; anchors are the lowercase literals the prefilter looks for.
"""

from __future__ import annotations

from cctrace.redact.detectors.base import (
    END_ALNUM,
    Detector,
    Pattern,
)

DETECTOR = Detector(
    name="mapbox",
    description=("Mapbox secret access tokens."),
    patterns=(
        Pattern(
            "mapbox_secret_token",
            r"sk\.eyJ[A-Za-z0-9_\-]{50,}\.[A-Za-z0-9_\-]{20,}" + END_ALNUM,
            anchors=("sk.eyj",),
        ),
    ),
)
