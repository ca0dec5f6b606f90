"""Detector: EasyPost production and test API keys.

One `Pattern` per token format; anchors are the lowercase literals the prefilter looks for.
"""

from __future__ import annotations

from cctrace.redact.detectors.base import (
    END_ALNUM,
    Detector,
    Pattern,
)

DETECTOR = Detector(
    name="easypost",
    description=("EasyPost production and test API keys."),
    patterns=(
        Pattern(
            "easypost_api_key",
            r"EZ[AT]K[A-Za-z0-9]{54}" + END_ALNUM,
            anchors=("ezak", "eztk"),
            boundary=True,
        ),
    ),
)
