"""Detector: Twilio API key SIDs and auth tokens named by their context.

One `Pattern` per token format; anchors are the lowercase literals the prefilter looks for.
"""

from __future__ import annotations

from cctrace.redact.detectors.base import (
    CONTEXTUAL,
    END_ALNUM,
    SEP,
    Detector,
    Pattern,
    random_hex,
)

DETECTOR = Detector(
    name="twilio",
    description=("Twilio API key SIDs and auth tokens named by their context."),
    patterns=(
        Pattern(
            "twilio_api_key",
            r"SK[0-9a-f]{32}" + END_ALNUM,
            anchors=(),
            boundary=True,
            validate=random_hex,
        ),
        Pattern(
            "twilio_auth_token",
            r"twilio[\w\-]{0,64}?(?:auth)?[_\-]?token[\w\-]{0,64}" + SEP
            + r"(?P<s>[0-9a-f]{32})(?![0-9a-f])",
            anchors=("twilio",),
            at_anchor=True,
            priority=CONTEXTUAL,
        ),
    ),
)
