"""Detector: Heroku API keys: new `HRKU-` tokens and legacy UUIDs named by context.

One `Pattern` per token format; anchors are the lowercase literals the prefilter looks for.
"""

# ruff: noqa: E501 - regexes read better unbroken
from __future__ import annotations

from cctrace.redact.detectors.base import (
    CONTEXTUAL,
    END_ALNUM,
    SEP,
    Detector,
    Pattern,
)

DETECTOR = Detector(
    name="heroku",
    description=("Heroku API keys: new `HRKU-` tokens and legacy UUIDs named by context."),
    patterns=(
        Pattern(
            "heroku_api_key",
            r"HRKU-AA[0-9A-Za-z_\-]{58}" + END_ALNUM,
            anchors=("hrku-",),
        ),
        Pattern(
            "heroku_api_key",
            r"heroku[\w\-]{0,64}?(?:api[_\-]?key|token|secret)[\w\-]{0,64}"
            + SEP
            + r"(?P<s>[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})"
            + END_ALNUM,
            anchors=("heroku",),
            at_anchor=True,
            priority=CONTEXTUAL,
        ),
    ),
)
