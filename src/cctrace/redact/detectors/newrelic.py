"""Detector: New Relic user API keys, ingest and license keys, and browser keys.

One `Pattern` per token format; anchors are the lowercase literals the prefilter looks for.
"""

from __future__ import annotations

from cctrace.redact.detectors.base import (
    END_ALNUM,
    Detector,
    Pattern,
)

DETECTOR = Detector(
    name="newrelic",
    description=("New Relic user API keys, ingest keys and browser keys."),
    patterns=(
        Pattern(
            "newrelic_user_api_key",
            r"NRAK-[A-Z0-9]{27}" + END_ALNUM,
            anchors=("nrak-",),
        ),
        Pattern(
            "newrelic_insert_key",
            r"NRII-[A-Za-z0-9_\-]{32}" + END_ALNUM,
            anchors=("nrii-",),
        ),
        # License (ingest) keys: 36 hex digits and the `NRAL` suffix.
        Pattern(
            "newrelic_license_key",
            r"(?<![A-Za-z0-9])[a-f0-9]{36}NRAL" + END_ALNUM,
            anchors=("nral",),
        ),
        Pattern(
            "newrelic_browser_key",
            r"NRJS-[a-f0-9]{19}" + END_ALNUM,
            anchors=("nrjs-",),
        ),
    ),
)
