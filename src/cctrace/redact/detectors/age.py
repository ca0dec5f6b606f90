"""Detector: age encryption secret keys.

One `Pattern` per token format; anchors are the lowercase literals the prefilter looks for.
"""

from __future__ import annotations

from cctrace.redact.detectors.base import (
    END_ALNUM,
    Detector,
    Pattern,
)

DETECTOR = Detector(
    name="age",
    description=("age encryption secret keys."),
    patterns=(
        Pattern(
            "age_secret_key",
            r"AGE-SECRET-KEY-1[QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L]{58}" + END_ALNUM,
            anchors=("age-secret-key-1",),
        ),
    ),
)
