"""Detector: Shopify access tokens, app secrets.

One `Pattern` per token format; anchors are the lowercase literals the prefilter looks for.
"""

from __future__ import annotations

from cctrace.redact.detectors.base import (
    END_ALNUM,
    Detector,
    Pattern,
)

DETECTOR = Detector(
    name="shopify",
    description=("Shopify access tokens, app secrets."),
    patterns=(
        Pattern(
            "shopify_access_token",
            r"shpat_[a-fA-F0-9]{32}" + END_ALNUM,
            anchors=("shpat_",),
        ),
        Pattern(
            "shopify_custom_app_token",
            r"shpca_[a-fA-F0-9]{32}" + END_ALNUM,
            anchors=("shpca_",),
        ),
        Pattern(
            "shopify_private_app_token",
            r"shppa_[a-fA-F0-9]{32}" + END_ALNUM,
            anchors=("shppa_",),
        ),
        Pattern(
            "shopify_shared_secret",
            r"shpss_[a-fA-F0-9]{32}" + END_ALNUM,
            anchors=("shpss_",),
        ),
    ),
)
