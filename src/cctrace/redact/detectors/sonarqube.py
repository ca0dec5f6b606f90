"""Detector: SonarQube / SonarCloud user, project and analysis tokens.

One `Pattern` per token format; anchors are the lowercase literals the prefilter looks for.
"""

from __future__ import annotations

from cctrace.redact.detectors.base import (
    END_ALNUM,
    Detector,
    Pattern,
)

DETECTOR = Detector(
    name="sonarqube",
    description=("SonarQube / SonarCloud user, project and analysis tokens."),
    patterns=(
        Pattern(
            "sonarqube_token",
            r"sq[upa]_[a-f0-9]{40}" + END_ALNUM,
            anchors=("squ_", "sqp_", "sqa_"),
            boundary=True,
        ),
    ),
)
