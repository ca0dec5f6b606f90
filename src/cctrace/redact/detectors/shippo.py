"""Detector: Shippo API tokens.

One `Pattern` per token format; anchors are the lowercase literals the prefilter looks for.
"""

from __future__ import annotations

from cctrace.redact.detectors.base import (
    END_ALNUM,
    Detector,
    Pattern,
)

DETECTOR = Detector(
    name="shippo",
    description=("Shippo API tokens."),
    patterns=(
        Pattern(
            "shippo_api_token",
            r"shippo_(?:live|test)_[a-f0-9]{40}" + END_ALNUM,
            anchors=("shippo_live_", "shippo_test_"),
        ),
    ),
)
