"""Detector: Okta API tokens named by context.

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
    name="okta",
    description=("Okta API tokens named by context."),
    patterns=(
        Pattern(
            "okta_api_token",
            r"okta[\w\-]{0,64}?(?:token|key|secret)[\w\-]{0,64}"
            + SEP
            + r"(?P<s>00[A-Za-z0-9_\-]{40})(?![A-Za-z0-9_\-])",
            anchors=("okta",),
            at_anchor=True,
            priority=CONTEXTUAL,
        ),
    ),
)
