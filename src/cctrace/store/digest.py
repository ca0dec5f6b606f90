"""Row digests: what the audit log commits to for each stored row, and how `verify`
recomputes it from the store.

A row digest is SHA-256 over the row's column values as stored, content columns in their
plaintext (decrypted) form, each value tagged with its type and length so no two rows
share an encoding. The store computes it while it writes (it holds the plaintext then, so
nothing is serialized twice); `cctrace verify` reads every row back, decrypts it and
computes it again (`cctrace.audit.store_check`). Covered tables and columns: `COLUMNS`.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from typing import Any

# Version tag carried by audit entries whose digest is a row digest (older entries hashed
# the in-memory object: `verify` only checks that their row exists).
SCHEME = 1

COLUMNS: dict[str, tuple[str, ...]] = {
    "observations": ("id", "trace_id", "parent_id", "type", "name", "start_ns", "end_ns",
                     "input", "output", "level", "status_message", "model",
                     "model_parameters", "usage", "cost", "cost_total",
                     "completion_start_ns", "metadata"),
    "traces": ("id", "session_id", "name", "start_ns", "end_ns", "input", "output",
               "user_id", "tags", "environment", "release", "metadata", "complete"),
    "findings": ("id", "kind", "rule_id", "severity", "severity_rank", "title", "time_ns",
                 "session_id", "trace_id", "observation_id", "tags", "detail", "scores"),
    "hook_events": ("seq", "received_ns", "session_id", "event", "tool_use_id",
                    "transcript_path", "payload"),
    "cost_states": ("session_id", "time_ns", "total_usd", "model_usage",
                    "unknown_model_cost", "parent_session_id", "fork_ns"),
    "session_forks": ("session_id", "parent_session_id", "fork_ns"),
}
# Content columns, encrypted at rest: digested in their plaintext form.
ENCRYPTED: dict[str, frozenset[str]] = {
    "observations": frozenset({"input", "output", "status_message", "metadata"}),
    "traces": frozenset({"input", "output", "metadata"}),
    "findings": frozenset({"title", "detail"}),
    "hook_events": frozenset({"payload"}),
    "cost_states": frozenset(),
    "session_forks": frozenset(),
}


def row_digest(values: Sequence[Any]) -> str:
    """SHA-256 hex of one row's values (str, int, float, bytes or None), in column order."""
    h = hashlib.sha256()
    for value in values:
        if value is None:
            h.update(b"n;")
        elif isinstance(value, str):
            raw = value.encode("utf-8", "surrogatepass")
            h.update(b"s%d:" % len(raw))
            h.update(raw)
        elif isinstance(value, bool) or isinstance(value, int):
            h.update(b"i%d;" % int(value))
        elif isinstance(value, float):
            # SQLite stores an integral float in an INTEGER column as an integer and an
            # integer in a REAL column as a float: both sides must hash them alike.
            if value.is_integer() and abs(value) < 2**63:
                h.update(b"i%d;" % int(value))
            else:
                h.update(b"f" + repr(value).encode() + b";")
        elif isinstance(value, bytes):
            h.update(b"b%d:" % len(value))
            h.update(value)
        else:
            raise TypeError(f"cannot digest a {type(value).__name__} column value")
    return h.hexdigest()


# Columns of numeric affinity; every other column is TEXT (or BLOB) and turns a number
# into text when it stores it.
NUMERIC = frozenset({"start_ns", "end_ns", "cost_total", "completion_start_ns", "complete",
                     "severity_rank", "time_ns", "seq", "received_ns", "total_usd",
                     "unknown_model_cost", "fork_ns"})


def as_stored(table: str, values: Sequence[Any]) -> bool:
    """Whether `values` (about to be written) read back as they are: no number in a TEXT
    column. When False, the writer digests the row it reads back instead."""
    for column, value in zip(COLUMNS[table], values, strict=True):
        if value is None:
            continue
        numeric = isinstance(value, (int, float))
        if numeric != (column in NUMERIC) or (not numeric and not isinstance(value, str)):
            return False
    return True


def stored_row_digest(table: str, row: Any, decrypt: Any) -> str:
    """The digest of a row read from the store (`decrypt(text, "<table>.<column>")`)."""
    secret = ENCRYPTED[table]
    return row_digest([decrypt(row[c], f"{table}.{c}") if c in secret else row[c]
                       for c in COLUMNS[table]])
