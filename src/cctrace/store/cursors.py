"""Transcript cursors: the `cursors` table, how far each transcript has been read.

One row per transcript path: the reader's state as JSON (byte offset, partial line, file
identity; see `cctrace.transcript.reader`) and when it last moved; the rule engine keeps
its per-session windows here too (`RULES_WINDOW`). The worker advances it in
the same transaction that stores what it read, so a crash rereads rather than skips.
"""

from __future__ import annotations

import time
from typing import Any

from cctrace.store.connection import Connection, dumps, loads

# The rule engine keeps each session's window as the cursor `rules-window:<session>`
# (`cctrace.rules.engine.WINDOW_KEY`, the same text): erasing a session takes it too.
RULES_WINDOW = "rules-window:"


class Cursors(Connection):
    """Writes and reads of `cursors`."""

    def cursor_paths(self, since_ns: int | None = None) -> list[str]:
        """Transcripts with a cursor (updated since `since_ns`), most recent first."""
        sql, params = "SELECT path FROM cursors", []
        if since_ns is not None:
            sql += " WHERE updated_ns >= ?"
            params.append(since_ns)
        return [r["path"] for r in self._read(sql + " ORDER BY updated_ns DESC", params)]

    def get_cursor(self, path: str) -> dict[str, Any] | None:
        rows = self._read("SELECT data FROM cursors WHERE path = ?", (path,))
        return loads(rows[0]["data"]) if rows else None

    def set_cursor(self, path: str, data: dict[str, Any]) -> None:
        with self._write() as conn:
            conn.execute(
                "INSERT INTO cursors (path, data, updated_ns) VALUES (?, ?, ?)"
                " ON CONFLICT(path) DO UPDATE SET data = excluded.data,"
                " updated_ns = excluded.updated_ns",
                (path, dumps(data), time.time_ns()),
            )
