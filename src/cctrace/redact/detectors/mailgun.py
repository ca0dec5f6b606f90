"""Detector: Mailgun API keys (`key-` + 32 hex) and signing keys named by context.

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
    random_hex,
)

DETECTOR = Detector(
    name="mailgun",
    description=("Mailgun API keys (`key-` + 32 hex) and signing keys named by context."),
    patterns=(
        Pattern(
            "mailgun_api_key",
            r"key-[0-9a-f]{32}" + END_ALNUM,
            anchors=("key-",),
            boundary=True,
            validate=random_hex,
        ),
        Pattern(
            "mailgun_signing_key",
            r"mailgun[\w\-]{0,64}?(?:key|secret)[\w\-]{0,64}"
            + SEP
            + r"(?P<s>[0-9a-f]{32}-[0-9a-f]{8}-[0-9a-f]{8})"
            + END_ALNUM,
            anchors=("mailgun",),
            at_anchor=True,
            priority=CONTEXTUAL,
        ),
    ),
)
