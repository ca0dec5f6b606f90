"""Detector: Datadog API and application keys named by context.

One `Pattern` per token format; anchors are the lowercase literals the prefilter looks for.
"""

# ruff: noqa: E501 - regexes read better unbroken
from __future__ import annotations

from cctrace.redact.detectors.base import (
    CONTEXTUAL,
    SEP,
    Detector,
    Pattern,
)

DETECTOR = Detector(
    name="datadog",
    description=("Datadog API and application keys named by context."),
    patterns=(
        Pattern(
            "datadog_api_key",
            r"(?:datadog|dd)[_\-]?(?:api|app|application)[_\-]?key[\w\-]{0,64}"
            + SEP
            + r"(?P<s>[a-f0-9]{32}|[a-f0-9]{40})(?![a-f0-9])",
            anchors=("datadog", "dd_api", "dd_app", "dd-api", "dd-app"),
            at_anchor=True,
            priority=CONTEXTUAL,
        ),
    ),
)
