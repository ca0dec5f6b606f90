"""Detector: Groq API keys.

One `Pattern` per token format; anchors are the lowercase literals the prefilter looks for.
"""

from __future__ import annotations

from cctrace.redact.detectors.base import (
    END_ALNUM,
    Detector,
    Pattern,
)

DETECTOR = Detector(
    name="groq",
    description=("Groq API keys."),
    patterns=(
        Pattern(
            "groq_api_key",
            r"gsk_[A-Za-z0-9]{52}" + END_ALNUM,
            anchors=("gsk_",),
        ),
    ),
)
