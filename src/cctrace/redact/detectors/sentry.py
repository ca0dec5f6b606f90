"""Detector: Sentry auth tokens and DSN keys.

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
    name="sentry",
    description=("Sentry auth tokens and DSN keys."),
    patterns=(
        Pattern(
            "sentry_org_token",
            r"sntrys_eyJ[A-Za-z0-9_=+/\-]{50,}" + END_B64,
            anchors=("sntrys_",),
        ),
        Pattern(
            "sentry_user_token",
            r"sntryu_[a-f0-9]{64}" + END_ALNUM,
            anchors=("sntryu_",),
        ),
        Pattern(
            "sentry_dsn_key",
            r"//(?P<s>[0-9a-f]{32})@[A-Za-z0-9.\-]*sentry" + END_ALNUM,
            anchors=("sentry",),
        ),
    ),
)
