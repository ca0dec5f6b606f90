"""Detector: PostgreSQL password files (`~/.pgpass`, `PGPASSFILE`).

Each line is `host:port:database:user:password`, `*` for any field, `\\:` and `\\\\` escaping
the separator and the backslash inside a field. The password is the fifth field, to the end
of the line. Lines are recognised by their port field (the standard ports or `*`), which is
also the anchor: a `host:port:...` line with another port is not a pgpass line we can tell
from a log's `a:b:c:d:e`.
"""

from __future__ import annotations

import re

from cctrace.redact.detectors.base import STRUCTURAL, Detector, Pattern
from cctrace.redact.stoplist import is_placeholder

_FIELD = r"(?:\\.|[^\s:\\])+"


def _ok(match: re.Match[str]) -> bool:
    value = match.group("s").replace("\\:", ":").replace("\\\\", "\\")
    return not is_placeholder(value)


DETECTOR = Detector(
    name="pgpass",
    description="Passwords in PostgreSQL password files (host:port:db:user:password lines).",
    patterns=(
        Pattern(
            "pgpass_password",
            r"(?m)^[ \t]*" + _FIELD + r":(?:5432|5433|6432|26257|\*):" + _FIELD + ":" + _FIELD
            + r":(?P<s>(?:\\.|[^\n\\:])(?:\\.|[^\n\\])*?)[ \t]*$",
            anchors=(":5432:", ":5433:", ":6432:", ":26257:", ":*:"),
            check=_ok,
            priority=STRUCTURAL,
        ),
    ),
)
