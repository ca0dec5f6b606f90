"""Detector: CircleCI personal API tokens.

One `Pattern` per token format; anchors are the lowercase literals the prefilter looks for.
"""

from __future__ import annotations

from cctrace.redact.detectors.base import (
    END_ALNUM,
    Detector,
    Pattern,
)

DETECTOR = Detector(
    name="circleci",
    description=("CircleCI personal API tokens."),
    patterns=(
        Pattern(
            "circleci_token",
            r"CCIPAT_[A-Za-z0-9]{22}_[a-f0-9]{40}" + END_ALNUM,
            anchors=("ccipat_",),
        ),
    ),
)
