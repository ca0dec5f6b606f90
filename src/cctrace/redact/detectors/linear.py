"""Detector: Linear API keys and OAuth tokens.

One `Pattern` per token format; anchors are the lowercase literals the prefilter looks for.
"""

from __future__ import annotations

from cctrace.redact.detectors.base import (
    END_ALNUM,
    Detector,
    Pattern,
)

DETECTOR = Detector(
    name="linear",
    description=("Linear API keys and OAuth tokens."),
    patterns=(
        Pattern(
            "linear_api_key",
            r"lin_api_[A-Za-z0-9]{40}" + END_ALNUM,
            anchors=("lin_api_",),
        ),
        Pattern(
            "linear_oauth_token",
            r"lin_oauth_[a-f0-9]{64}" + END_ALNUM,
            anchors=("lin_oauth_",),
        ),
    ),
)
