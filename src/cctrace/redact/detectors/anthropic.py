"""Detector: Anthropic API, admin and OAuth tokens (`sk-ant-<kind><nn>-...`).

One `Pattern` per token format; anchors are the lowercase literals the prefilter looks for.
"""

from __future__ import annotations

from cctrace.redact.detectors.base import (
    END_ALNUM,
    Detector,
    Pattern,
)

DETECTOR = Detector(
    name="anthropic",
    description=("Anthropic API, admin and OAuth tokens (`sk-ant-<kind><nn>-...`)."),
    patterns=(
        Pattern(
            "anthropic_api_key",
            r"sk-ant-api\d\d-[A-Za-z0-9_\-]{20,}" + END_ALNUM,
            anchors=("sk-ant-api",),
        ),
        Pattern(
            "anthropic_admin_key",
            r"sk-ant-admin\d\d-[A-Za-z0-9_\-]{20,}" + END_ALNUM,
            anchors=("sk-ant-admin",),
        ),
        Pattern(
            "anthropic_oauth_token",
            r"sk-ant-o[ar]t\d\d-[A-Za-z0-9_\-]{20,}" + END_ALNUM,
            anchors=("sk-ant-oat", "sk-ant-ort"),
        ),
    ),
)
