"""Detector: Postman API keys.

One `Pattern` per token format; anchors are the lowercase literals the prefilter looks for.
"""

from __future__ import annotations

from cctrace.redact.detectors.base import (
    END_ALNUM,
    Detector,
    Pattern,
)

DETECTOR = Detector(
    name="postman",
    description=("Postman API keys."),
    patterns=(
        Pattern(
            "postman_api_key",
            r"PMAK-[a-f0-9]{24}-[a-f0-9]{34}" + END_ALNUM,
            anchors=("pmak-",),
        ),
    ),
)
