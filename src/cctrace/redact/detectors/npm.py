"""Detector: npm access tokens (`npm_`, CRC32-checked like GitHub's).

One `Pattern` per token format; anchors are the lowercase literals the prefilter looks for.
"""

from __future__ import annotations

from cctrace.redact.detectors.base import (
    CHECKSUM,
    END_ALNUM,
    SPECIFIC,
    Detector,
    Pattern,
    crc_ok,
    shannon_entropy,
)

DETECTOR = Detector(
    name="npm",
    description=("npm access tokens (`npm_`, CRC32-checked like GitHub's)."),
    patterns=(
        Pattern(
            "npm_token",
            r"npm_[A-Za-z0-9]{36}" + END_ALNUM,
            anchors=("npm_",),
            validate=crc_ok,
            priority=CHECKSUM,
        ),
        # A well-formed token with a bad CRC: still redacted (see github.py), lower type.
        Pattern(
            "npm_token_unverified",
            r"npm_[A-Za-z0-9]{36}" + END_ALNUM,
            anchors=("npm_",),
            boundary=True,
            validate=lambda v: shannon_entropy(v[4:]) >= 3.5,
            priority=SPECIFIC,
        ),
    ),
)
