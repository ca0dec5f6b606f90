"""Detector: ClickUp personal API tokens.

One `Pattern` per token format; anchors are the lowercase literals the prefilter looks for.
"""

from __future__ import annotations

from cctrace.redact.detectors.base import (
    END_ALNUM,
    Detector,
    Pattern,
)

DETECTOR = Detector(
    name="clickup",
    description=("ClickUp personal API tokens."),
    patterns=(
        Pattern(
            "clickup_token",
            r"pk_[0-9]{6,10}_[A-Z0-9]{32}" + END_ALNUM,
            anchors=("pk_",),
        ),
    ),
)
