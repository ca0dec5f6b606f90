"""Detector: Fly.io access and macaroon tokens.

One `Pattern` per token format; anchors are the lowercase literals the prefilter looks for.
"""

from __future__ import annotations

from cctrace.redact.detectors.base import (
    END_ALNUM,
    END_B64,
    Detector,
    Pattern,
)

DETECTOR = Detector(
    name="flyio",
    description=("Fly.io access and macaroon tokens."),
    patterns=(
        Pattern(
            "flyio_token",
            r"fo1_[A-Za-z0-9_\-]{43}" + END_ALNUM,
            anchors=("fo1_",),
        ),
        Pattern(
            "flyio_macaroon",
            r"fm[12][ar]?_[A-Za-z0-9+/=_\-]{100,}" + END_B64,
            anchors=("fm1_", "fm2_", "fm1a_", "fm2a_", "fm1r_", "fm2r_"),
            boundary=True,
        ),
    ),
)
