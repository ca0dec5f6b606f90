"""Detector: Prefect Cloud API keys.

One `Pattern` per token format; anchors are the lowercase literals the prefilter looks for.
"""

from __future__ import annotations

from cctrace.redact.detectors.base import (
    END_ALNUM,
    Detector,
    Pattern,
)

DETECTOR = Detector(
    name="prefect",
    description=("Prefect Cloud API keys."),
    patterns=(
        Pattern(
            "prefect_api_key",
            r"pnu_[A-Za-z0-9]{36}" + END_ALNUM,
            anchors=("pnu_",),
        ),
    ),
)
