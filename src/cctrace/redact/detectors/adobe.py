"""Detector: Adobe client secrets (`p8e-`).

One `Pattern` per token format; anchors are the lowercase literals the prefilter looks for.
"""

from __future__ import annotations

from cctrace.redact.detectors.base import (
    END_ALNUM,
    Detector,
    Pattern,
)

DETECTOR = Detector(
    name="adobe",
    description=("Adobe client secrets (`p8e-`)."),
    patterns=(
        Pattern(
            "adobe_client_secret",
            r"p8e-[A-Za-z0-9_\-]{32}" + END_ALNUM,
            anchors=("p8e-",),
            boundary=True,
        ),
    ),
)
