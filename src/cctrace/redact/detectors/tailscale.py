"""Detector: Tailscale keys (`tskey-auth-`, `tskey-api-`, `tskey-client-`, ...).

One `Pattern` per token format; anchors are the lowercase literals the prefilter looks for.
"""

from __future__ import annotations

from cctrace.redact.detectors.base import END_ALNUM, Detector, Pattern

DETECTOR = Detector(
    name="tailscale",
    description="Tailscale auth, API, OAuth-client and webhook keys.",
    patterns=(
        Pattern(
            "tailscale_key",
            r"tskey-(?:[a-z]{3,8}-)?[A-Za-z0-9]{6,}-[A-Za-z0-9]{16,}" + END_ALNUM,
            anchors=("tskey-",),
            boundary=True,
        ),
    ),
)
