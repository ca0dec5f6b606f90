"""Detector: Dropbox short-lived access tokens.

One `Pattern` per token format; anchors are the lowercase literals the prefilter looks for.
"""

from __future__ import annotations

from cctrace.redact.detectors.base import (
    END_ALNUM,
    Detector,
    Pattern,
)

DETECTOR = Detector(
    name="dropbox",
    description=("Dropbox short-lived access tokens."),
    patterns=(
        Pattern(
            "dropbox_token",
            r"sl\.[A-Za-z0-9_\-]{130,160}" + END_ALNUM,
            anchors=("sl.",),
            boundary=True,
        ),
    ),
)
