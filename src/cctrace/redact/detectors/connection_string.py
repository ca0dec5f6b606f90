"""Detector: database passwords written where the database reads them: `Password=`/`Pwd=`
fields of `;`-separated connection strings (ADO.NET, ODBC, JDBC properties), and the
quoted password of SQL statements that set one (`CREATE USER ... IDENTIFIED BY '...'`,
`CREATE ROLE ... WITH LOGIN PASSWORD '...'`, `ALTER USER ... PASSWORD '...'`, `SET
PASSWORD = PASSWORD('...')`).

In these contexts any non-placeholder value is a password, so no entropy gate applies.
"""

from __future__ import annotations

from cctrace.redact.detectors.base import STRUCTURAL, Detector, Pattern
from cctrace.redact.stoplist import is_placeholder


def _value_ok(value: str) -> bool:
    return not is_placeholder(value)


DETECTOR = Detector(
    name="connection_string",
    description="Password fields of ;-separated connection strings and SQL statements.",
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
        # SQL: the keyword, then a single-quoted literal ('' is a quote inside it). `BY`
        # and `PASSWORD` as SQL words only: a blank before the quote, nothing else.
        Pattern(
            "sql_password",
            # Not a method or a class (`read.password('Password:')`, `new Password('x')`).
            r"(?<![\w.-])(?<!\bnew )(?:identified[ \t]+(?:with[ \t]+\w+[ \t]+)?by|password)"
            r"(?:[ \t]*=[ \t]*password[ \t]*\(|[ \t]*\(|[ \t]+)"
            r"'(?P<s>(?:[^'\r\n\\]|''){1,256})'",
            anchors=("identified", "password"),
            at_anchor=True,
            validate=_value_ok,
            priority=STRUCTURAL,
        ),
    ),
)
