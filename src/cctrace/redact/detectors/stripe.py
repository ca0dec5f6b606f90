"""Detector: Stripe secret, restricted and webhook signing keys.

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
    name="stripe",
    description=("Stripe secret, restricted and webhook signing keys."),
    patterns=(
        Pattern(
            "stripe_secret_key",
            r"sk_(?:live|test|prod)_[A-Za-z0-9]{24,}" + END_ALNUM,
            anchors=("sk_live_", "sk_test_", "sk_prod_"),
        ),
        Pattern(
            "stripe_restricted_key",
            r"rk_(?:live|test|prod)_[A-Za-z0-9]{24,}" + END_ALNUM,
            anchors=("rk_live_", "rk_test_", "rk_prod_"),
        ),
        Pattern(
            "stripe_webhook_secret",
            r"whsec_[A-Za-z0-9+/]{32,}" + END_B64,
            anchors=("whsec_",),
        ),
    ),
)
