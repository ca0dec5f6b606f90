"""Detector: Braintree (PayPal) access tokens.

One `Pattern` per token format; anchors are the lowercase literals the prefilter looks for.
"""

from __future__ import annotations

from cctrace.redact.detectors.base import (
    END_ALNUM,
    Detector,
    Pattern,
)

DETECTOR = Detector(
    name="braintree",
    description=("Braintree (PayPal) access tokens."),
    patterns=(
        Pattern(
            "braintree_access_token",
            r"access_token\$(?:production|sandbox)\$[0-9a-z]{16}\$[0-9a-f]{32}" + END_ALNUM,
            anchors=("access_token$",),
        ),
    ),
)
