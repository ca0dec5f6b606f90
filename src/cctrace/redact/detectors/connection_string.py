"""Detector: database passwords written where the database reads them: `Password=`/`Pwd=`
fields of `;`-separated connection strings (ADO.NET, ODBC, JDBC properties), and the
quoted password of SQL statements that set one (`CREATE USER ... IDENTIFIED BY '...'`,
`CREATE ROLE ... WITH LOGIN PASSWORD '...'`, `ALTER USER ... PASSWORD '...'`, `SET
PASSWORD = PASSWORD('...')`, `SET PASSWORD FOR 'u'@'h' = '...'`, SQL Server's and
Snowflake's `PASSWORD = N'...'`), and Oracle's `IDENTIFIED BY` password written as an
identifier (`IDENTIFIED BY Etl4Load99`, `IDENTIFIED BY "p$w"`).

In these contexts any non-placeholder value is a password, so no entropy gate applies.
"""

from __future__ import annotations

import re

from cctrace.redact.detectors.base import STRUCTURAL, Detector, Pattern
from cctrace.redact.stoplist import is_placeholder


def _value_ok(value: str) -> bool:
    return not is_placeholder(value)


# A word that follows `IDENTIFIED BY` as SQL, not as a password: MySQL's `IDENTIFIED BY
# RANDOM PASSWORD` (`BY PASSWORD '*...'`, `BY VALUES '...'` are placeholder words already).
_CLAUSES = frozenset(("random",))


# Right before `IDENTIFIED`: the user it is said of (`CREATE USER etl`, `ALTER USER "App"`,
# `CONNECT TO rpt` of a database link); in a sentence ("identified by its name") no such.
_USER_BEFORE = re.compile(
    r"(?i)(?:\buser|\bto)[ \t]+(?:\"[^\"\r\n]{1,64}\"|'[^'\r\n]{0,64}'(?:@'[^'\r\n]{0,255}')?"
    r"|[\w$#.]{1,64})[ \t]+\Z")


def _identifier_ok(match: re.Match[str]) -> bool:
    """Oracle's `IDENTIFIED BY <password>` said of a user: the quoted or bare identifier,
    not a clause word nor a placeholder."""
    value, start = match.group("s"), match.start()
    if _USER_BEFORE.search(match.string, max(0, start - 400), start) is None:
        return False
    return value.lower() not in _CLAUSES and _value_ok(value)


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
            # `FOR <user> =` of MySQL's `SET PASSWORD FOR 'root'@'localhost' = '...'`;
            # `PASSWORD = '...'` upper case only (SQL Server, Snowflake; `N'...'` is a
            # Unicode literal): in code a lower-case `password = '...'` is an assignment,
            # generic_assignment's.
            r"(?:[ \t]+for[ \t]+(?:'[^'\r\n]{0,64}'|`[^`\r\n]{0,64}`|[\w.]{1,64})"
            r"(?:@(?:'[^'\r\n]{0,255}'|`[^`\r\n]{0,255}`|[\w.%\-]{1,255}))?"
            r"[ \t]*=[ \t]*(?:password[ \t]*\()?"
            r"|[ \t]*=[ \t]*password[ \t]*\(|[ \t]*\(|(?-i:(?<=PASSWORD))[ \t]*=[ \t]*N?"
            r"|[ \t]+)"
            r"'(?P<s>(?:[^'\r\n\\]|''){1,256})'",
            anchors=("identified", "password"),
            at_anchor=True,
            validate=_value_ok,
            priority=STRUCTURAL,
        ),
        # Oracle takes the password as an identifier: unquoted (letters, digits, `_$#`) or
        # double-quoted (any character). `BY PASSWORD '*...'` (MySQL's hash) and `BY VALUES`
        # are other clauses; a bind variable or placeholder is no password.
        Pattern(
            "sql_password",
            r"(?<![\w.-])identified[ \t]+by[ \t]+(?P<d>\\{0,3}\")?"
            r"(?P<s>(?(d)[^\"\r\n\\]{1,128}|[A-Za-z][\w$#]{0,127}))(?(d)\\{0,3}\")"
            r"(?=[ \t;,)]|\r?\n|\\{1,3}[n\"]|$)",
            anchors=("identified",),
            at_anchor=True,
            check=_identifier_ok,
            priority=STRUCTURAL,
        ),
    ),
)
