"""Policy copies: the `policy_copies` table, what the capture policy remembers between runs.

A call that reached a denied file and wrote another (`cp .env notes.txt`) makes a copy;
`cctrace.policy.copies.Copies` denies a later call that reads it. Within one worker batch
that needs no store; across batches (the next turn, a later session) the copy's path and
every folder above it are kept here as keyed hashes (HMAC-SHA256 under the store key, as
tombstones are; no path is stored), with the rule that withheld the copying call. Rows are
bounded (`MAX_ROWS`, oldest dropped first) and expire with retention.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping

from cctrace.store.connection import Connection

# Rows kept at most: a copy with its folders is a handful of rows, and only calls that
# reached a denied file make copies.
MAX_ROWS = 20_000


class PolicyCopies(Connection):
    """Writes and reads of `policy_copies`."""

    def copy_hasher(self) -> Callable[[str], str]:
        """The keyed hash rows are keyed by (a plain SHA-256 without encryption)."""
        from cctrace.store.tombstones import keyed_hash

        return lambda subject: keyed_hash(self, subject)

    def policy_copies(self) -> dict[str, str]:
        """Every kept copy: keyed hash -> the rule of the call that made it."""
        return {r["mac"]: r["rule"] for r in self._read(
            "SELECT mac, rule FROM policy_copies ORDER BY created_ns DESC, rowid DESC LIMIT ?",
            (MAX_ROWS,))}

    def note_policy_copies(self, made: Mapping[str, str], now_ns: int | None = None) -> int:
        """Keep what a run saw made (`Copies.made`: subject -> rule); a subject kept
        before keeps its first rule and time. Returns the rows added."""
        if not made:
            return 0
        now = time.time_ns() if now_ns is None else now_ns
        hasher = self.copy_hasher()
        rows = [(hasher(subject), rule[:500], now) for subject, rule in sorted(made.items())]
        with self._write() as conn:
            added = sum(conn.execute(
                "INSERT OR IGNORE INTO policy_copies (mac, rule, created_ns) VALUES (?, ?, ?)",
                row).rowcount for row in rows)
            conn.execute(
                "DELETE FROM policy_copies WHERE mac NOT IN"
                " (SELECT mac FROM policy_copies ORDER BY created_ns DESC, rowid DESC LIMIT ?)",
                (MAX_ROWS,))
        return added
