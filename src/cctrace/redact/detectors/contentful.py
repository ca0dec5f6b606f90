"""Detector: Contentful personal access tokens.

One `Pattern` per token format; anchors are the lowercase literals the prefilter looks for.
"""

from __future__ import annotations

from cctrace.redact.detectors.base import (
    END_ALNUM,
    Detector,
    Pattern,
)

DETECTOR = Detector(
    name="contentful",
    description=("Contentful personal access tokens."),
    patterns=(
        Pattern(
            "contentful_token",
            r"CFPAT-[A-Za-z0-9_\-]{43}" + END_ALNUM,
            anchors=("cfpat-",),
        ),
    ),
)
