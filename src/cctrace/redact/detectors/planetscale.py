"""Detector: PlanetScale service tokens, passwords and OAuth tokens.

One `Pattern` per token format; anchors are the lowercase literals the prefilter looks for.
"""

from __future__ import annotations

from cctrace.redact.detectors.base import (
    END_ALNUM,
    Detector,
    Pattern,
)

DETECTOR = Detector(
    name="planetscale",
    description=("PlanetScale service tokens, passwords and OAuth tokens."),
    patterns=(
        Pattern(
            "planetscale_token",
            r"pscale_tkn_[A-Za-z0-9_\-]{32,64}" + END_ALNUM,
            anchors=("pscale_tkn_",),
        ),
        Pattern(
            "planetscale_password",
            r"pscale_pw_[A-Za-z0-9_\-]{32,64}" + END_ALNUM,
            anchors=("pscale_pw_",),
        ),
        Pattern(
            "planetscale_oauth_token",
            r"pscale_oauth_[A-Za-z0-9_\-]{32,64}" + END_ALNUM,
            anchors=("pscale_oauth_",),
        ),
    ),
)
