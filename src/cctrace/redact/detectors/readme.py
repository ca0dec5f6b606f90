"""Detector: ReadMe API keys.

One `Pattern` per token format; anchors are the lowercase literals the prefilter looks for.
"""

from __future__ import annotations

from cctrace.redact.detectors.base import (
    END_ALNUM,
    Detector,
    Pattern,
)

DETECTOR = Detector(
    name="readme",
    description=("ReadMe API keys."),
    patterns=(
        Pattern(
            "readme_api_key",
            r"rdme_[a-z0-9]{70}" + END_ALNUM,
            anchors=("rdme_",),
        ),
    ),
)
