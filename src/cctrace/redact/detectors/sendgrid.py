"""Detector: SendGrid API keys.

One `Pattern` per token format; anchors are the lowercase literals the prefilter looks for.
"""

from __future__ import annotations

from cctrace.redact.detectors.base import (
    END_ALNUM,
    Detector,
    Pattern,
)

DETECTOR = Detector(
    name="sendgrid",
    description=("SendGrid API keys."),
    patterns=(
        Pattern(
            "sendgrid_api_key",
            r"SG\.[A-Za-z0-9_\-]{22}\.[A-Za-z0-9_\-]{43}" + END_ALNUM,
            anchors=("sg.",),
        ),
    ),
)
