"""Detector: 1Password service-account tokens.

One `Pattern` per token format; anchors are the lowercase literals the prefilter looks for.
"""

from __future__ import annotations

from cctrace.redact.detectors.base import (
    END_B64,
    Detector,
    Pattern,
)

DETECTOR = Detector(
    name="onepassword",
    description=("1Password service-account tokens."),
    patterns=(
        Pattern(
            "onepassword_service_token",
            r"ops_eyJ[A-Za-z0-9+/=_\-]{200,}" + END_B64,
            anchors=("ops_eyj",),
        ),
    ),
)
