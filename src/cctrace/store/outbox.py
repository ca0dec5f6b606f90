"""The export outbox: the `outbox` and `dead_letters` tables, and delivery leases.

An outbox row is one serialized export request (OTLP protobuf, or Langfuse score JSON;
encrypted at rest) for one destination, with the span ids it carries. It is written before
any send (`enqueue_batch`), re-redacted while still waiting (`replace_payload`), leased to
one sender at a time (`claim`, `break_lease`), and ends delivered (payload dropped, never
sent again), retried later, or dead (`dead_letter`, kept for inspection until
`requeue_dead`). The delivery itself is `cctrace.export.outbox`, the HTTP request
`cctrace.export.send`.
"""

from __future__ import annotations

import sqlite3
import time
from dataclasses import dataclass
from typing import Any

from cctrace.store.connection import Connection, dumps, loads

PENDING, DELIVERED, DEAD = "pending", "delivered", "dead"


@dataclass
class OutboxBatch:
    """One serialized export request waiting for (or done with) delivery."""

    id: int
    destination: str
    payload: bytes
    span_ids: list[str]
    content_type: str
    attempts: int
    next_attempt_ns: int
    created_ns: int
    last_error: str | None
    state: str = PENDING
    status_code: int | None = None


class Outbox(Connection):
    """Writes and reads of `outbox` and `dead_letters`."""

    def enqueue_batch(
        self,
        destination: str,
        payload: bytes,
        span_ids: list[str],
        content_type: str = "application/x-protobuf",
    ) -> int:
        """Queue a serialized batch; it is due at once. Returns the batch id."""
        now = time.time_ns()
        with self._write() as conn:
            cur = conn.execute(
                "INSERT INTO outbox (destination, payload, span_ids, content_type, state,"
                " next_attempt_ns, created_ns) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (destination,
                 sqlite3.Binary(self.cipher.encrypt_bytes(payload, "outbox.payload")
                                if self.cipher is not None else payload),
                 dumps(list(span_ids)), content_type,
                 PENDING, now, now),
            )
            return int(cur.lastrowid or 0)

    def _batch(self, row: sqlite3.Row) -> OutboxBatch:
        payload = bytes(row["payload"])
        if self.cipher is not None:
            payload = self.cipher.decrypt_bytes(payload, "outbox.payload")
        return OutboxBatch(
            id=row["id"], destination=row["destination"], payload=payload,
            span_ids=loads(row["span_ids"], []), content_type=row["content_type"],
            attempts=row["attempts"], next_attempt_ns=row["next_attempt_ns"],
            created_ns=row["created_ns"], last_error=row["last_error"], state=row["state"],
            status_code=row["status_code"],
        )

    def due_batches(
        self, destination: str | None, now_ns: int, limit: int = 50
    ) -> list[OutboxBatch]:
        """Pending batches due at `now_ns` (oldest first), for one or every destination."""
        sql = "SELECT * FROM outbox WHERE state = ? AND next_attempt_ns <= ?"
        params: list[Any] = [PENDING, now_ns]
        if destination is not None:
            sql += " AND destination = ?"
            params.append(destination)
        sql += " ORDER BY next_attempt_ns, id LIMIT ?"
        params.append(int(limit))
        return [self._batch(r) for r in self._read(sql, params)]

    def batch(self, batch_id: int) -> OutboxBatch | None:
        rows = self._read("SELECT * FROM outbox WHERE id = ?", (batch_id,))
        return self._batch(rows[0]) if rows else None

    def claim(self, batch_id: int, owner: str, until_ns: int) -> bool:
        """Lease a pending batch to `owner` until `until_ns`; False if someone else holds it.

        An expired lease (a sender that crashed mid-request) can be taken over.
        """
        now = time.time_ns()
        with self._write() as conn:
            cur = conn.execute(
                "UPDATE outbox SET lease_owner = ?, lease_until_ns = ? WHERE id = ?"
                " AND state = ? AND (lease_owner IS NULL OR lease_owner = ?"
                " OR lease_until_ns < ?)",
                (owner, until_ns, batch_id, PENDING, owner, now),
            )
            return cur.rowcount == 1

    def lease_owner(self, batch_id: int) -> str | None:
        """Who holds the lease of a pending batch (None: nobody, or not pending)."""
        rows = self._read(
            "SELECT lease_owner FROM outbox WHERE id = ? AND state = ?", (batch_id, PENDING)
        )
        return rows[0][0] if rows else None

    def break_lease(self, batch_id: int, owner: str) -> bool:
        """Drop `owner`'s lease on a pending batch whose holder is known to be dead.

        Conditional on the owner, so a lease taken over meanwhile is left alone.
        """
        with self._write() as conn:
            cur = conn.execute(
                "UPDATE outbox SET lease_owner = NULL, lease_until_ns = NULL"
                " WHERE id = ? AND state = ? AND lease_owner = ?",
                (batch_id, PENDING, owner),
            )
            return cur.rowcount == 1

    def replace_payload(self, batch_id: int, payload: bytes) -> bool:
        """Swap the payload of a batch that is still pending and not in flight (no live
        lease): a re-redacted copy of it. False when it was sent or is being sent."""
        now = time.time_ns()
        with self._write() as conn:
            cur = conn.execute(
                "UPDATE outbox SET payload = ? WHERE id = ? AND state = ?"
                " AND (lease_owner IS NULL OR lease_until_ns IS NULL OR lease_until_ns < ?)",
                (sqlite3.Binary(self.cipher.encrypt_bytes(payload, "outbox.payload")
                                if self.cipher is not None else payload),
                 batch_id, PENDING, now),
            )
            return cur.rowcount == 1

    def mark_delivered(self, batch_id: int, status_code: int) -> None:
        """Record a confirmed delivery. The payload is dropped: it is never needed again
        and the store should not keep a second copy of content it no longer must."""
        with self._write() as conn:
            conn.execute(
                "UPDATE outbox SET state = ?, status_code = ?, attempts = attempts + 1,"
                " done_ns = ?, last_error = NULL, payload = X'', lease_owner = NULL"
                " WHERE id = ?",
                (DELIVERED, status_code, time.time_ns(), batch_id),
            )

    def mark_retry(self, batch_id: int, error: str, next_attempt_ns: int) -> None:
        """Record a failed attempt; the batch is due again at `next_attempt_ns`."""
        with self._write() as conn:
            conn.execute(
                "UPDATE outbox SET attempts = attempts + 1, last_error = ?,"
                " next_attempt_ns = ?, lease_owner = NULL WHERE id = ? AND state = ?",
                (error, next_attempt_ns, batch_id, PENDING),
            )

    def dead_letter(self, batch_id: int, status_code: int | None, reason: str) -> None:
        """Give up on a batch: it stays (with its payload) for inspection, never re-sent."""
        now = time.time_ns()
        with self._write() as conn:
            row = conn.execute(
                "SELECT destination, state FROM outbox WHERE id = ?", (batch_id,)
            ).fetchone()
            if row is None or row["state"] == DELIVERED:
                return
            conn.execute(
                "UPDATE outbox SET state = ?, status_code = ?, attempts = attempts + 1,"
                " last_error = ?, done_ns = ? WHERE id = ?",
                (DEAD, status_code, reason, now, batch_id),
            )
            conn.execute(
                "INSERT OR REPLACE INTO dead_letters (batch_id, destination, status_code,"
                " reason, dead_ns) VALUES (?, ?, ?, ?, ?)",
                (batch_id, row["destination"], status_code, reason, now),
            )

    def dead_letters(self, destination: str | None = None) -> list[dict[str, Any]]:
        """Dead batches (newest first) with why they were given up; no payloads."""
        sql = (
            "SELECT d.batch_id, d.destination, d.status_code, d.reason, d.dead_ns,"
            " o.attempts, o.created_ns, o.span_ids FROM dead_letters d"
            " JOIN outbox o ON o.id = d.batch_id"
        )
        params: list[Any] = []
        if destination is not None:
            sql += " WHERE d.destination = ?"
            params.append(destination)
        sql += " ORDER BY d.dead_ns DESC, d.batch_id DESC"
        out = []
        for r in self._read(sql, params):
            item = dict(r)
            item["span_ids"] = loads(item["span_ids"], [])
            out.append(item)
        return out

    def requeue_dead(self, batch_id: int, now_ns: int | None = None) -> bool:
        """Put a dead batch back in the queue (an explicit user action). True if it was dead."""
        with self._write() as conn:
            cur = conn.execute(
                "UPDATE outbox SET state = ?, next_attempt_ns = ?, done_ns = NULL"
                " WHERE id = ? AND state = ?",
                (PENDING, now_ns if now_ns is not None else time.time_ns(), batch_id, DEAD),
            )
            conn.execute("DELETE FROM dead_letters WHERE batch_id = ?", (batch_id,))
            return cur.rowcount == 1

    def outbox_counts(self) -> dict[str, Any]:
        """{"pending": n, "delivered": n, "dead": n, "by_destination": {dest: {...}}}."""
        out: dict[str, Any] = {PENDING: 0, DELIVERED: 0, DEAD: 0, "by_destination": {}}
        for r in self._read(
            "SELECT destination, state, COUNT(*) AS n FROM outbox GROUP BY destination, state"
        ):
            out[r["state"]] = out.get(r["state"], 0) + r["n"]
            dest = out["by_destination"].setdefault(
                r["destination"], {PENDING: 0, DELIVERED: 0, DEAD: 0}
            )
            dest[r["state"]] = r["n"]
        return out

    def pending_count(self, destination: str | None = None) -> int:
        if destination is None:
            rows = self._read("SELECT COUNT(*) FROM outbox WHERE state = ?", (PENDING,))
        else:
            rows = self._read(
                "SELECT COUNT(*) FROM outbox WHERE state = ? AND destination = ?",
                (PENDING, destination),
            )
        return int(rows[0][0])

    def failing(self) -> list[dict[str, Any]]:
        """Per destination, pending batches that were tried and failed, with the latest
        error (for `doctor` / `status`)."""
        rows = self._read(
            "SELECT destination, COUNT(*) AS n, MAX(attempts) AS attempts,"
            " (SELECT last_error FROM outbox o2 WHERE o2.destination = o.destination"
            "  AND o2.state = ? AND o2.attempts > 0 ORDER BY o2.id DESC LIMIT 1) AS error"
            " FROM outbox o WHERE state = ? AND attempts > 0 GROUP BY destination",
            (PENDING, PENDING),
        )
        return [dict(r) for r in rows]

    def drop_pending(self, destination: str) -> int:
        """Delete the batches still waiting for `destination`; returns how many."""
        with self.transaction() as conn:
            cur = conn.execute("DELETE FROM outbox WHERE state = ? AND destination = ?",
                               (PENDING, destination))
            return cur.rowcount

    def last_delivered_ns(self) -> dict[str, int]:
        """Per destination, when a batch was last confirmed delivered (epoch ns)."""
        rows = self._read(
            "SELECT destination, MAX(done_ns) AS ns FROM outbox WHERE state = ?"
            " GROUP BY destination", (DELIVERED,),
        )
        return {r["destination"]: r["ns"] for r in rows if r["ns"] is not None}
