"""Detector: Langfuse project keys (`pk-lf-` public, `sk-lf-` secret).

One `Pattern` per token format; anchors are the lowercase literals the prefilter looks for.
"""

from __future__ import annotations

from cctrace.redact.detectors.base import (
    END_ALNUM,
    Detector,
    Pattern,
)

DETECTOR = Detector(
    name="langfuse",
    description=("Langfuse project keys (`pk-lf-` public, `sk-lf-` secret)."),
    patterns=(
        Pattern(
            "langfuse_secret_key",
            r"sk-lf-[A-Za-z0-9\-]{8,}" + END_ALNUM,
            anchors=("sk-lf-",),
        ),
        Pattern(
            "langfuse_public_key",
            r"pk-lf-[A-Za-z0-9\-]{8,}" + END_ALNUM,
            anchors=("pk-lf-",),
        ),
    ),
)
