"""Detector: Pulumi access tokens.

One `Pattern` per token format; anchors are the lowercase literals the prefilter looks for.
"""

from __future__ import annotations

from cctrace.redact.detectors.base import (
    END_ALNUM,
    Detector,
    Pattern,
)

DETECTOR = Detector(
    name="pulumi",
    description=("Pulumi access tokens."),
    patterns=(
        Pattern(
            "pulumi_access_token",
            r"pul-[a-f0-9]{40}" + END_ALNUM,
            anchors=("pul-",),
        ),
    ),
)
