"""Detector: Supabase management tokens and secret API keys.

One `Pattern` per token format; anchors are the lowercase literals the prefilter looks for.
"""

from __future__ import annotations

from cctrace.redact.detectors.base import (
    END_ALNUM,
    Detector,
    Pattern,
)

DETECTOR = Detector(
    name="supabase",
    description=("Supabase management tokens and secret API keys."),
    patterns=(
        Pattern(
            "supabase_access_token",
            r"sbp_[a-f0-9]{40}" + END_ALNUM,
            anchors=("sbp_",),
        ),
        Pattern(
            "supabase_secret_key",
            r"sb_secret_[A-Za-z0-9_\-]{20,}" + END_ALNUM,
            anchors=("sb_secret_",),
        ),
    ),
)
