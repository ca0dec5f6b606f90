"""Detector: DigitalOcean personal, OAuth and refresh tokens.

One `Pattern` per token format; anchors are the lowercase literals the prefilter looks for.
"""

from __future__ import annotations

from cctrace.redact.detectors.base import (
    END_ALNUM,
    Detector,
    Pattern,
)

DETECTOR = Detector(
    name="digitalocean",
    description=("DigitalOcean personal, OAuth and refresh tokens."),
    patterns=(
        Pattern(
            "digitalocean_pat",
            r"dop_v1_[a-f0-9]{64}" + END_ALNUM,
            anchors=("dop_v1_",),
        ),
        Pattern(
            "digitalocean_oauth_token",
            r"doo_v1_[a-f0-9]{64}" + END_ALNUM,
            anchors=("doo_v1_",),
        ),
        Pattern(
            "digitalocean_refresh_token",
            r"dor_v1_[a-f0-9]{64}" + END_ALNUM,
            anchors=("dor_v1_",),
        ),
    ),
)
