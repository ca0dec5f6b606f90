"""Detector: xAI (Grok) API keys.

One `Pattern` per token format; anchors are the lowercase literals the prefilter looks for.
"""

from __future__ import annotations

from cctrace.redact.detectors.base import (
    END_ALNUM,
    Detector,
    Pattern,
)

DETECTOR = Detector(
    name="xai",
    description=("xAI (Grok) API keys."),
    patterns=(
        Pattern(
            "xai_api_key",
            r"xai-[A-Za-z0-9]{80}" + END_ALNUM,
            anchors=("xai-",),
        ),
    ),
)
