"""Detector: PyPI and TestPyPI upload tokens (base64url macaroons, structure checked).

One `Pattern` per token format; anchors are the lowercase literals the prefilter looks for.
"""

from __future__ import annotations

from cctrace.redact.detectors.base import (
    CHECKSUM,
    END_ALNUM,
    Detector,
    Pattern,
    macaroon_ok,
)

DETECTOR = Detector(
    name="pypi",
    description=("PyPI and TestPyPI upload tokens (base64url macaroons, structure checked)."),
    patterns=(
        Pattern(
            "pypi_token",
            r"pypi-AgEIcHlwaS5vcmc[A-Za-z0-9_\-]{50,}" + END_ALNUM,
            anchors=("pypi-ageichlwas5vcmc",),
            validate=macaroon_ok,
            priority=CHECKSUM,
        ),
        Pattern(
            "testpypi_token",
            r"pypi-AgENdGVzdC5weXBpLm9yZw[A-Za-z0-9_\-]{50,}" + END_ALNUM,
            anchors=("pypi-agendgvzdc5wexbplm9yzw",),
            validate=macaroon_ok,
            priority=CHECKSUM,
        ),
    ),
)
