"""Detector: Docker Hub personal and organisation access tokens.

One `Pattern` per token format; anchors are the lowercase literals the prefilter looks for.
"""

from __future__ import annotations

from cctrace.redact.detectors.base import (
    END_ALNUM,
    Detector,
    Pattern,
)

DETECTOR = Detector(
    name="dockerhub",
    description=("Docker Hub personal and organisation access tokens."),
    patterns=(
        Pattern(
            "dockerhub_pat",
            r"dckr_pat_[A-Za-z0-9_\-]{27,}" + END_ALNUM,
            anchors=("dckr_pat_",),
        ),
        Pattern(
            "dockerhub_oat",
            r"dckr_oat_[A-Za-z0-9_\-]{32,}" + END_ALNUM,
            anchors=("dckr_oat_",),
        ),
    ),
)
