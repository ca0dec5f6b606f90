"""Detector: JFrog Artifactory API keys and reference tokens.

One `Pattern` per token format; anchors are the lowercase literals the prefilter looks for.
"""

from __future__ import annotations

from cctrace.redact.detectors.base import (
    END_ALNUM,
    Detector,
    Pattern,
)

DETECTOR = Detector(
    name="jfrog",
    description=("JFrog Artifactory API keys and reference tokens."),
    patterns=(
        Pattern(
            "jfrog_api_key",
            r"AKCp[A-Za-z0-9]{69}" + END_ALNUM,
            anchors=("akcp",),
            boundary=True,
        ),
        Pattern(
            "jfrog_reference_token",
            r"cmVmdGtu[A-Za-z0-9]{56}" + END_ALNUM,
            anchors=("cmvmdgtu",),
            boundary=True,
        ),
    ),
)
