"""Detector: Mailchimp API keys (32 hex + datacenter suffix).

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
    name="mailchimp",
    description=("Mailchimp API keys (32 hex + datacenter suffix)."),
    patterns=(
        Pattern(
            "mailchimp_api_key",
            r"[0-9a-f]{32}-us[0-9]{1,2}" + END_ALNUM,
            anchors=("-us",),
            boundary=True,
            validate=random_hex_prefix,
        ),
    ),
)
