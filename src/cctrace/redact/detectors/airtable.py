"""Detector: Airtable personal access tokens.

One `Pattern` per token format; anchors are the lowercase literals the prefilter looks for.
"""

from __future__ import annotations

from cctrace.redact.detectors.base import (
    END_ALNUM,
    Detector,
    Pattern,
)

DETECTOR = Detector(
    name="airtable",
    description=("Airtable personal access tokens."),
    patterns=(
        Pattern(
            "airtable_pat",
            r"pat[A-Za-z0-9]{14}\.[a-f0-9]{64}" + END_ALNUM,
            anchors=(),
            boundary=True,
        ),
    ),
)
