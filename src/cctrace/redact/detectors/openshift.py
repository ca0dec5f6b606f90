"""Detector: OpenShift OAuth access tokens (`sha256~` + 43 base64url characters).

One `Pattern` per token format; anchors are the lowercase literals the prefilter looks for.
"""

from __future__ import annotations

from cctrace.redact.detectors.base import Detector, Pattern, mixed_case_random

DETECTOR = Detector(
    name="openshift",
    description="OpenShift user/service-account OAuth tokens (`sha256~...`).",
    patterns=(
        Pattern(
            "openshift_token",
            r"sha256~[A-Za-z0-9_\-]{43}(?![A-Za-z0-9_\-])",
            anchors=("sha256~",),
            validate=lambda v: mixed_case_random(v[7:]),
        ),
    ),
)
