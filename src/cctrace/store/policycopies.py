"""Policy copies: the `policy_copies` table, what the capture policy remembers between runs.

A call that reached a denied file and wrote another (`cp .env notes.txt`), or a denied
background command whose output Claude Code keeps in a file and under an id, makes a copy;
`cctrace.policy.copies.Copies` denies a later call that reads it. Within one worker batch
that needs no store; across batches (the next turn, a later session) each copy is a row
here: its subject (`copy:<path>` or `copy-task:<id>`) encrypted like content, keyed by a
keyed hash of it (HMAC-SHA256 under the store key, as tombstones are, so the same copy is
kept once), and the rule that withheld the copying call. Every row is read back per batch
(a glob like `cat note*` must be matched against the paths), so rows are bounded
(`MAX_ROWS`, oldest dropped first); they expire with retention.
"""

from __future__ import annotations

import time
from collections.abc import Mapping

from cctrace.store.connection import Connection

# Rows kept at most: only calls that reached a denied file make copies, and all of them
# are decrypted for every batch.
MAX_ROWS = 5_000
_COLUMN = "policy_copies.subject"


class PolicyCopies(Connection):
    """Writes and reads of `policy_copies`."""

    def policy_copies(self) -> dict[str, str]:
        """Every kept copy, newest first: subject -> the rule of the call that made it."""
        rows = self._read("SELECT subject, rule FROM policy_copies"
                          " ORDER BY created_ns DESC, rowid DESC LIMIT ?", (MAX_ROWS,))
        subjects = ((self._dec(r["subject"], _COLUMN), r["rule"]) for r in rows)
        return {subject: rule for subject, rule in subjects if subject}

    def note_policy_copies(self, made: Mapping[str, str], now_ns: int | None = None) -> int:
        """Keep what a run noted (`Copies.made`: subject -> rule); a subject kept before
        keeps its first rule and time. Returns the rows added."""
        if not made:
            return 0
        from cctrace.store.tombstones import keyed_hash

        now = time.time_ns() if now_ns is None else now_ns
        rows = [(keyed_hash(self, subject), self._enc(subject, _COLUMN), rule[:500], now)
                for subject, rule in sorted(made.items())]
        with self._write() as conn:
            added = sum(conn.execute(
                "INSERT OR IGNORE INTO policy_copies (mac, subject, rule, created_ns)"
                " VALUES (?, ?, ?, ?)", row).rowcount for row in rows)
            conn.execute(
                "DELETE FROM policy_copies WHERE mac NOT IN"
                " (SELECT mac FROM policy_copies ORDER BY created_ns DESC, rowid DESC LIMIT ?)",
                (MAX_ROWS,))
        return added
