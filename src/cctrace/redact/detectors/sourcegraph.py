"""Detector: Sourcegraph access tokens (`sgp_`, with an optional instance part).

One `Pattern` per token format; anchors are the lowercase literals the prefilter looks for.
"""

from __future__ import annotations

from cctrace.redact.detectors.base import END_ALNUM, Detector, Pattern

DETECTOR = Detector(
    name="sourcegraph",
    description="Sourcegraph access tokens (`sgp_[<instance>_]<40 hex>`, `sgp_local_`).",
    patterns=(
        Pattern(
            "sourcegraph_token",
            r"sgp_(?:[a-fA-F0-9]{16}_|local_)?[a-fA-F0-9]{40}" + END_ALNUM,
            anchors=("sgp_",),
            boundary=True,
        ),
    ),
)
