"""Detector: Cloudflare Origin CA keys.

One `Pattern` per token format; anchors are the lowercase literals the prefilter looks for.
"""

from __future__ import annotations

from cctrace.redact.detectors.base import (
    END_ALNUM,
    Detector,
    Pattern,
)

DETECTOR = Detector(
    name="cloudflare",
    description=("Cloudflare Origin CA keys."),
    patterns=(
        Pattern(
            "cloudflare_origin_ca_key",
            r"v1\.0-[a-f0-9]{24}-[a-f0-9]{146}" + END_ALNUM,
            anchors=("v1.0-",),
            boundary=True,
        ),
    ),
)
