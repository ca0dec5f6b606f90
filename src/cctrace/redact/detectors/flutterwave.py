"""Detector: Flutterwave secret and encryption keys.

One `Pattern` per token format; anchors are the lowercase literals the prefilter looks for.
"""

from __future__ import annotations

from cctrace.redact.detectors.base import (
    END_ALNUM,
    Detector,
    Pattern,
)

DETECTOR = Detector(
    name="flutterwave",
    description=("Flutterwave secret and encryption keys."),
    patterns=(
        Pattern(
            "flutterwave_secret_key",
            r"FLWSECK(?:_TEST)?-[a-hA-H0-9]{32}-X" + END_ALNUM,
            anchors=("flwseck",),
        ),
    ),
)
