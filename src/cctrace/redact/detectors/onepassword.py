"""Detector: 1Password service-account tokens.

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
    name="onepassword",
    description=("1Password service-account tokens and account secret keys."),
    patterns=(
        Pattern(
            "onepassword_service_token",
            r"ops_eyJ[A-Za-z0-9+/=_\-]{200,}" + END_B64,
            anchors=("ops_eyj",),
        ),
        # Account secret keys: A3-XXXXXX-XXXXXX-XXXXX-XXXXX-XXXXX-XXXXX (older: 11-char
        # second group), upper-case letters and digits.
        Pattern(
            "onepassword_secret_key",
            r"A3-[A-Z0-9]{6}-(?:[A-Z0-9]{11}|[A-Z0-9]{6}-[A-Z0-9]{5})(?:-[A-Z0-9]{5}){3}"
            + END_ALNUM,
            anchors=("a3-",),
            boundary=True,
        ),
    ),
)
