"""Detector: Grafana Cloud API tokens and service-account tokens.

One `Pattern` per token format; anchors are the lowercase literals the prefilter looks for.
"""

from __future__ import annotations

from cctrace.redact.detectors.base import (
    END_ALNUM,
    END_B64,
    Detector,
    Pattern,
)

DETECTOR = Detector(
    name="grafana",
    description=("Grafana Cloud API tokens and service-account tokens."),
    patterns=(
        Pattern(
            "grafana_cloud_token",
            r"glc_[A-Za-z0-9+/]{32,}={0,2}" + END_B64,
            anchors=("glc_",),
        ),
        Pattern(
            "grafana_service_account_token",
            r"glsa_[A-Za-z0-9]{32}_[A-Fa-f0-9]{8}" + END_ALNUM,
            anchors=("glsa_",),
        ),
    ),
)
