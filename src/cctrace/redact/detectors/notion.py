"""Detector: Notion integration tokens (legacy `secret_` and `ntn_`).

One `Pattern` per token format; anchors are the lowercase literals the prefilter looks for.
"""

from __future__ import annotations

from cctrace.redact.detectors.base import (
    END_ALNUM,
    Detector,
    Pattern,
    mixed_case_random,
)

DETECTOR = Detector(
    name="notion",
    description=("Notion integration tokens (legacy `secret_` and `ntn_`)."),
    patterns=(
        Pattern(
            "notion_token",
            r"ntn_[0-9]{11}[A-Za-z0-9]{35}" + END_ALNUM,
            anchors=("ntn_",),
        ),
        Pattern(
            "notion_token",
            r"secret_[A-Za-z0-9]{43}" + END_ALNUM,
            anchors=("secret_",),
            boundary=True,
            validate=mixed_case_random,
        ),
    ),
)
