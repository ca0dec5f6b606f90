"""Detector: Dynatrace API tokens.

One `Pattern` per token format; anchors are the lowercase literals the prefilter looks for.
"""

from __future__ import annotations

from cctrace.redact.detectors.base import (
    END_ALNUM,
    Detector,
    Pattern,
)

DETECTOR = Detector(
    name="dynatrace",
    description=("Dynatrace API tokens."),
    patterns=(
        Pattern(
            "dynatrace_token",
            r"dt0c01\.[A-Z0-9]{24}\.[A-Z0-9]{64}" + END_ALNUM,
            anchors=("dt0c01.",),
        ),
    ),
)
