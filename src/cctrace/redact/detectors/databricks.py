"""Detector: Databricks personal access tokens.

One `Pattern` per token format; anchors are the lowercase literals the prefilter looks for.
"""

from __future__ import annotations

from cctrace.redact.detectors.base import (
    END_ALNUM,
    Detector,
    Pattern,
    random_hex_prefix,
)

DETECTOR = Detector(
    name="databricks",
    description=("Databricks personal access tokens."),
    patterns=(
        Pattern(
            "databricks_token",
            r"dapi[a-f0-9]{32}(?:-\d)?" + END_ALNUM,
            anchors=("dapi",),
            boundary=True,
            validate=random_hex_prefix,
        ),
    ),
)
