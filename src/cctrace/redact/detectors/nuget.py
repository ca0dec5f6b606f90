"""Detector: NuGet API keys.

One `Pattern` per token format; anchors are the lowercase literals the prefilter looks for.
"""

from __future__ import annotations

from cctrace.redact.detectors.base import (
    END_ALNUM,
    Detector,
    Pattern,
    random_lower,
)

DETECTOR = Detector(
    name="nuget",
    description=("NuGet API keys."),
    patterns=(
        Pattern(
            "nuget_api_key",
            r"oy2[a-z0-9]{43}" + END_ALNUM,
            anchors=("oy2",),
            boundary=True,
            validate=random_lower,
        ),
    ),
)
