"""Detector: Asana personal access tokens.

The current format is `<version>/<user id>/<token id>:<32 hex>` (version 0-2, ids of 15-19
digits); the legacy one `0/<32 hex>`. Both are distinctive enough to redact without a name
beside them; the anchors are the version prefix, and the regex is tried only there.
"""

from __future__ import annotations

from cctrace.redact.detectors.base import END_ALNUM, Detector, Pattern, random_hex_prefix


def _random_hex(value: str) -> bool:
    """The 32 hex digits look random, whatever their case (the regex is case-blind)."""
    return random_hex_prefix(value.lower())

DETECTOR = Detector(
    name="asana",
    description="Asana personal access tokens (`2/<id>/<id>:<hex>`, legacy `0/<hex>`).",
    patterns=(
        Pattern(
            "asana_pat",
            r"[0-2]/\d{15,19}/\d{15,19}:[0-9a-f]{32}" + END_ALNUM,
            anchors=("0/", "1/", "2/"),
            at_anchor=True,
            boundary=True,
            validate=_random_hex,
        ),
        Pattern(
            "asana_pat",
            r"0/[0-9a-f]{32}" + END_ALNUM,
            anchors=("0/",),
            at_anchor=True,
            boundary=True,
            validate=_random_hex,
        ),
    ),
)
