"""Detector: Vercel tokens: prefixed formats and legacy 24-char tokens named by context.

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
    name="vercel",
    description=("Vercel tokens: prefixed formats and legacy 24-char tokens named by context."),
    patterns=(
        Pattern(
            "vercel_token",
            r"vc[pikar]_[A-Za-z0-9_\-]{24,}" + END_ALNUM,
            anchors=("vcp_", "vci_", "vck_", "vca_", "vcr_"),
            boundary=True,
        ),
        Pattern(
            "vercel_token",
            r"vercel[\w\-]{0,64}?(?:token|key|secret)[\w\-]{0,64}"
            + SEP
            + r"(?P<s>[A-Za-z0-9]{24})(?![A-Za-z0-9])",
            anchors=("vercel",),
            at_anchor=True,
            priority=CONTEXTUAL,
        ),
    ),
)
