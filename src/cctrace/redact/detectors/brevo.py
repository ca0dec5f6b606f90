"""Detector: Brevo (Sendinblue) API and SMTP keys.

One `Pattern` per token format; anchors are the lowercase literals the prefilter looks for.
"""

from __future__ import annotations

from cctrace.redact.detectors.base import (
    END_ALNUM,
    Detector,
    Pattern,
)

DETECTOR = Detector(
    name="brevo",
    description=("Brevo (Sendinblue) API and SMTP keys."),
    patterns=(
        Pattern(
            "brevo_api_key",
            r"xkeysib-[a-f0-9]{64}-[A-Za-z0-9]{16}" + END_ALNUM,
            anchors=("xkeysib-",),
        ),
        Pattern(
            "brevo_smtp_key",
            r"xsmtpsib-[a-f0-9]{64}-[A-Za-z0-9]{16}" + END_ALNUM,
            anchors=("xsmtpsib-",),
        ),
    ),
)
