"""Detector: `Password=`/`Pwd=` fields of `;`-separated connection strings (ADO.NET, ODBC,
JDBC properties).

In that context any non-placeholder value is a password, so no entropy gate applies.
"""

from __future__ import annotations

from cctrace.redact.detectors.base import STRUCTURAL, Detector, Pattern
from cctrace.redact.stoplist import is_placeholder


def _value_ok(value: str) -> bool:
    return not is_placeholder(value)


DETECTOR = Detector(
    name="connection_string",
    description="Password fields of ;-separated connection strings.",
    patterns=(
        Pattern(
            "connection_string_password",
            r"(?:(?<=;)|(?<=;\s))(?:password|pwd)\s*=\s*(?P<s>[^;\"'\r\n\\]{1,256}?)\s*"
            r"(?=;|$|[\"'\\\r\n])",
            anchors=("password=", "pwd=", "password =", "pwd ="),
            at_anchor=True,
            validate=_value_ok,
            priority=STRUCTURAL,
        ),
    ),
)
