"""Detector: Salesforce session / OAuth access tokens.

Salesforce documents access tokens as the 15-character id of the org (`00D...`), a `!`,
then an opaque body of letters, digits, `.` and `_` (around 96 characters). The `!` is
part of the format, which is why the service-name rule (`detectors.service_context`, that
refuses tokens cut at a `!`) cannot take them.
"""

from __future__ import annotations

from cctrace.redact.detectors.base import SPECIFIC, Detector, Pattern

DETECTOR = Detector(
    name="salesforce",
    description="Salesforce access tokens (`00D<org id>!<body>`).",
    patterns=(
        Pattern(
            "salesforce_access_token",
            # No anchor (a `!` is in every other line of code): the leading literal `00`
            # lets the regex engine skip ahead on its own.
            r"00[A-Za-z0-9]{13}![A-Za-z0-9._]{40,200}(?![A-Za-z0-9._])",
            boundary=True,
            priority=SPECIFIC,
        ),
    ),
)
