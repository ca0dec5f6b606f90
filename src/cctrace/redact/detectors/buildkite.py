"""Detector: Buildkite agent and API access tokens.

One `Pattern` per token format; anchors are the lowercase literals the prefilter looks for.
"""

from __future__ import annotations

from cctrace.redact.detectors.base import (
    END_ALNUM,
    Detector,
    Pattern,
)

DETECTOR = Detector(
    name="buildkite",
    description=("Buildkite agent and API access tokens."),
    patterns=(
        Pattern(
            "buildkite_token",
            r"bk(?:ua|at)_[a-f0-9]{40}" + END_ALNUM,
            anchors=("bkua_", "bkat_"),
        ),
    ),
)
