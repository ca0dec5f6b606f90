"""Detector: Square access tokens and OAuth secrets.

One `Pattern` per token format; anchors are the lowercase literals the prefilter looks for.
"""

from __future__ import annotations

from cctrace.redact.detectors.base import (
    END_ALNUM,
    Detector,
    Pattern,
)

DETECTOR = Detector(
    name="square",
    description=("Square access tokens and OAuth secrets."),
    patterns=(
        Pattern(
            "square_access_token",
            r"sq0atp-[A-Za-z0-9_\-]{22}" + END_ALNUM,
            anchors=("sq0atp-",),
        ),
        Pattern(
            "square_oauth_secret",
            r"sq0csp-[A-Za-z0-9_\-]{43}" + END_ALNUM,
            anchors=("sq0csp-",),
        ),
    ),
)
