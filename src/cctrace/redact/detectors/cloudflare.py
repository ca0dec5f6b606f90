"""Detector: Cloudflare Origin CA keys and global API keys.

The global API key is 37 lower-case hex digits (not whole bytes, so the service-name rule,
which refuses odd-length hex, cannot take it) and is only recognisable next to the name.

One `Pattern` per token format; anchors are the lowercase literals the prefilter looks for.
"""

from __future__ import annotations

from cctrace.redact.detectors.base import (
    CONTEXTUAL,
    END_ALNUM,
    SEP,
    Detector,
    Pattern,
)

DETECTOR = Detector(
    name="cloudflare",
    description=("Cloudflare Origin CA keys and global API keys."),
    patterns=(
        Pattern(
            "cloudflare_origin_ca_key",
            r"v1\.0-[a-f0-9]{24}-[a-f0-9]{146}" + END_ALNUM,
            anchors=("v1.0-",),
            boundary=True,
        ),
        Pattern(
            "cloudflare_global_api_key",
            r"cloudflare[\w.\-]{0,30}" + SEP + r"(?P<s>[a-f0-9]{37})(?![A-Za-z0-9])",
            anchors=("cloudflare",),
            at_anchor=True,
            priority=CONTEXTUAL,
        ),
    ),
)
