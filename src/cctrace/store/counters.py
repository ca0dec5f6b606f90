"""Counters: the `counters` table of named running totals (e.g. `store.rebuilt`).
"""

from __future__ import annotations

from cctrace.store.connection import Connection


class Counters(Connection):
    """Writes and reads of `counters`."""

    def bump(self, name: str, n: int = 1) -> None:
        with self._write() as conn:
            conn.execute(
                "INSERT INTO counters (name, value) VALUES (?, ?)"
                " ON CONFLICT(name) DO UPDATE SET value = value + excluded.value",
                (name, n),
            )

    def counters(self) -> dict[str, int]:
        return {r["name"]: r["value"] for r in self._read("SELECT * FROM counters ORDER BY name")}
