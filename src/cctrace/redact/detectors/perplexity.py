"""Detector: Perplexity API keys.

One `Pattern` per token format; anchors are the lowercase literals the prefilter looks for.
"""

from __future__ import annotations

from cctrace.redact.detectors.base import (
    END_ALNUM,
    Detector,
    Pattern,
)

DETECTOR = Detector(
    name="perplexity",
    description=("Perplexity API keys."),
    patterns=(
        Pattern(
            "perplexity_api_key",
            r"pplx-[A-Za-z0-9]{48}" + END_ALNUM,
            anchors=("pplx-",),
        ),
    ),
)
