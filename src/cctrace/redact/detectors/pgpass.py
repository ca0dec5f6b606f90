"""Detector: PostgreSQL password files (`~/.pgpass`, `PGPASSFILE`).

Each line is `host:port:database:user:password`, `*` for any field, `\\:` and `\\\\`
escaping the separator and the backslash inside a field. The password is the fifth field,
to the end of the line (or of a JSON string's line: a `\\n` escape). Lines are recognised
by their port field (the standard ports or `*`), which is also the anchor: a
`host:port:...` line with another port is not one we can tell from a log's `a:b:c:d:e`.
"""

from __future__ import annotations

import re

from cctrace.redact.detectors.base import STRUCTURAL, Detector, Pattern
from cctrace.redact.stoplist import is_placeholder

_ESCAPE = re.compile(r"\\(.)")
_FIELD = r"(?:\\[:\\]|[^\s:\\])+"


# What an `/etc/shadow` line of a locked account (`daemon:*:19500:0:99999:7:::`) leaves
# after the fields a pgpass line would read in it: the password ageing numbers.
_SHADOW_REST = re.compile(r"\d*(?::\d*){4}")


def _ok(match: re.Match[str]) -> bool:
    value = _ESCAPE.sub(r"\1", match.group("s"))  # the field as libpq reads it
    return not is_placeholder(value) and _SHADOW_REST.fullmatch(value) is None


DETECTOR = Detector(
    name="pgpass",
    description="Passwords in PostgreSQL password files (host:port:db:user:password lines).",
    patterns=(
        Pattern(
            "pgpass_password",
            # A line of its own; in a JSON string (maybe nested) the line ends at a `\n` escape.
            r"(?m)(?:^|(?<=\\n))[ \t]*" + _FIELD + r":(?:5432|5433|6432|26257|\*):" + _FIELD
            + ":" + _FIELD + r":(?P<s>(?:\\[:\\]|[^\n\\:])(?:\\[:\\]|[^\n\\])*?)"
            r"[ \t]*(?:$|(?=\\+[nr]))",
            anchors=(":5432:", ":5433:", ":6432:", ":26257:", ":*:"),
            check=_ok,
            priority=STRUCTURAL,
        ),
    ),
)
