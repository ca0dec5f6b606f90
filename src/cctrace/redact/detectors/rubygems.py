"""Detector: RubyGems API keys.

One `Pattern` per token format; anchors are the lowercase literals the prefilter looks for.
"""

from __future__ import annotations

from cctrace.redact.detectors.base import (
    END_ALNUM,
    Detector,
    Pattern,
)

DETECTOR = Detector(
    name="rubygems",
    description=("RubyGems API keys."),
    patterns=(
        Pattern(
            "rubygems_api_key",
            r"rubygems_[0-9a-f]{48}" + END_ALNUM,
            anchors=("rubygems_",),
        ),
    ),
)
