"""Detector: OpenRouter API keys.

One `Pattern` per token format; anchors are the lowercase literals the prefilter looks for.
"""

from __future__ import annotations

from cctrace.redact.detectors.base import (
    END_ALNUM,
    Detector,
    Pattern,
)

DETECTOR = Detector(
    name="openrouter",
    description=("OpenRouter API keys."),
    patterns=(
        Pattern(
            "openrouter_api_key",
            r"sk-or-v1-[0-9a-f]{64}" + END_ALNUM,
            anchors=("sk-or-v1-",),
        ),
    ),
)
