"""Hook events: the `hook_events` table, written as the worker drains the spool.

Each row is one hook invocation (seq from the spool, receive time, session, event name,
tool_use_id, transcript path, and the payload as redacted JSON, encrypted at rest). Written
by `insert_hook_events` (idempotent by seq); read back per session for the turn builder
(`session_events`) and per tool_use_id for the tool timings and outcomes the transcript
does not carry (`hook_tools`).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from cctrace.store.connection import Connection, chunks, dumps, loads


@dataclass
class HookEvent:
    """One hook invocation as the worker took it from the spool (payload already redacted)."""

    seq: int
    received_ns: int
    session_id: str | None
    event: str
    tool_use_id: str | None = None
    transcript_path: str | None = None
    payload: dict[str, Any] = field(default_factory=dict)


class HookEvents(Connection):
    """Writes and reads of `hook_events`."""

    def add_hook_events(self, events: list[HookEvent]) -> int:
        """Store hook events; ones whose seq is already stored are ignored. Returns #new."""
        return len(self.insert_hook_events(events))

    def insert_hook_events(self, events: list[HookEvent]) -> list[HookEvent]:
        """Store hook events; returns those that were new (by seq)."""
        added: list[HookEvent] = []
        digests = self.row_digests["hook_events"] = {}
        with self._write() as conn:
            for ev in events:
                plain = [ev.seq, ev.received_ns, ev.session_id, ev.event, ev.tool_use_id,
                         ev.transcript_path, dumps(ev.payload) or "{}"]
                values = plain[:6] + [self._enc(plain[6], "hook_events.payload")]
                cur = conn.execute(
                    "INSERT OR IGNORE INTO hook_events (seq, received_ns, session_id, event,"
                    " tool_use_id, transcript_path, payload) VALUES (?, ?, ?, ?, ?, ?, ?)",
                    values)
                if cur.rowcount:
                    added.append(ev)
                    digests[str(ev.seq)] = self._digest_written(
                        conn, "hook_events", "seq", ev.seq, plain)
        return added

    def _event(self, row: sqlite3.Row) -> HookEvent:
        return HookEvent(
            seq=row["seq"], received_ns=row["received_ns"], session_id=row["session_id"],
            event=row["event"], tool_use_id=row["tool_use_id"],
            transcript_path=row["transcript_path"],
            payload=loads(self._dec(row["payload"], "hook_events.payload"), {}),
        )

    def session_events(self, session_id: str, since_ns: int | None = None,
                       kinds: Sequence[str] = ()) -> list[HookEvent]:
        """The session's hook events in seq order: those received since `since_ns`, plus
        every event of the given `kinds` (e.g. SessionStart) whenever it came."""
        sql, params = "SELECT * FROM hook_events WHERE session_id = ?", [session_id]
        if since_ns is not None:
            # Two indexed searches, not one OR: SQLite factors `session_id = ?` out of an
            # OR and then reads the session's whole history on every batch (a 10,000-turn
            # session grew 2.7x slower per turn). UNION also drops an event both sides find.
            sql = "SELECT * FROM hook_events WHERE session_id = ? AND received_ns >= ?"
            params = [session_id, since_ns]
            if kinds:
                sql += (" UNION SELECT * FROM hook_events WHERE session_id = ? AND event IN"
                        f" ({','.join('?' * len(kinds))})")
                params += [session_id, *kinds]
        rows = self._read(sql + " ORDER BY seq", params)
        return [self._event(r) for r in rows]

    def recent_transcript_paths(self, limit: int = 1000) -> list[str]:
        """The transcript paths of the last `limit` hook events, newest first, distinct."""
        rows = self._read(
            "SELECT transcript_path FROM hook_events WHERE seq > (SELECT COALESCE(MAX(seq), 0)"
            " FROM hook_events) - ? AND transcript_path IS NOT NULL ORDER BY seq DESC", (limit,))
        return list(dict.fromkeys(r["transcript_path"] for r in rows))

    def has_session_events(self, session_id: str) -> bool:
        return bool(self._read(
            "SELECT 1 FROM hook_events WHERE session_id = ? LIMIT 1", (session_id,)))

    def hook_tools(self, tool_use_ids: Iterable[str]) -> dict[str, dict[str, Any]]:
        """What the tool hooks saw, per tool_use_id (only ids with at least one event).

        Keys: tool_name, session_id, agent_id, pre_ns / post_ns (receive times of
        PreToolUse and of PostToolUse or PostToolUseFailure), outcome (that event's name
        or None), failed (PostToolUseFailure fired), duration_ms, error, is_interrupt; the
        last six are exactly the fields of `cctrace.model.context.ToolHookInfo`.
        """
        ids = sorted(set(tool_use_ids))
        out: dict[str, dict[str, Any]] = {}
        for chunk in chunks(ids):
            marks = ",".join("?" * len(chunk))
            rows = self._read(
                f"SELECT * FROM hook_events WHERE tool_use_id IN ({marks}) ORDER BY seq",
                list(chunk),
            )
            for row in rows:
                ev = self._event(row)
                info = out.setdefault(ev.tool_use_id or "", {
                    "tool_name": None, "session_id": ev.session_id, "agent_id": None,
                    "pre_ns": None, "post_ns": None, "outcome": None, "duration_ms": None,
                    "error": None, "is_interrupt": False, "failed": False,
                })
                p = ev.payload
                info["tool_name"] = info["tool_name"] or p.get("tool_name")
                info["agent_id"] = info["agent_id"] or p.get("agent_id")
                if ev.event == "PreToolUse":
                    if info["pre_ns"] is None:
                        info["pre_ns"] = ev.received_ns
                elif ev.event in ("PostToolUse", "PostToolUseFailure"):
                    info["post_ns"] = ev.received_ns
                    info["outcome"] = ev.event
                    if isinstance(p.get("duration_ms"), (int, float)):
                        info["duration_ms"] = p["duration_ms"]
                    info["failed"] = ev.event == "PostToolUseFailure"
                    if info["failed"]:
                        # Stored hook events keep an error's size, not its text (the
                        # transcript's, policy-applied and redacted, is what is used).
                        error = p.get("error")
                        info["error"] = error if isinstance(error, str) else None
                        info["is_interrupt"] = bool(p.get("is_interrupt"))
        return out
