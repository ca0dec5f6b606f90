"""Detector: Netlify personal access tokens.

One `Pattern` per token format; anchors are the lowercase literals the prefilter looks for.
"""

from __future__ import annotations

from cctrace.redact.detectors.base import (
    END_ALNUM,
    Detector,
    Pattern,
)

DETECTOR = Detector(
    name="netlify",
    description=("Netlify personal access tokens."),
    patterns=(
        Pattern(
            "netlify_token",
            r"nfp_[A-Za-z0-9]{36}" + END_ALNUM,
            anchors=("nfp_",),
        ),
    ),
)
