"""Detector: passwords embedded in URLs (`scheme://user:password@host`).

Covers database and broker connection URLs too (`postgres://`, `mongodb+srv://`,
`redis://:pw@`, `amqp://`). Only the password is redacted, so the URL stays readable;
placeholders (`$PASSWORD`, `<password>`, `***`) are left alone.
"""

from __future__ import annotations

from cctrace.redact.detectors.base import STRUCTURAL, Detector, Pattern
from cctrace.redact.stoplist import is_placeholder


def _password_ok(value: str) -> bool:
    return not is_placeholder(value) and value.lower() not in ("pass", "pw", "pwd")




DETECTOR = Detector(
    name="url_credentials",
    description="Passwords in URLs and connection URLs (scheme://user:password@host).",
    patterns=(
        Pattern(
            "url_password",
            r"://(?P<u>[^\s:@/?#\"'<>\\\[\]]{0,128}):(?P<s>[^\s:@/?#\"'<>\\\[\]]{1,256})"
            r"@(?=[A-Za-z0-9_.\-\[])",
            anchors=("://",),
            at_anchor=True,
            validate=_password_ok,
            priority=STRUCTURAL,
        ),
    ),
)
