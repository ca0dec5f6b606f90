"""Erasure and retention: deleting traces, sessions and what refers to them.

`purge_traces` removes traces with their observations, the findings about them, the
undelivered outbox batches (and dead letters) carrying their spans or findings, and the
sessions (with their hook events) left without a trace, with `secure_delete` on and the WAL
truncated after; `purge_sessions` removes whatever else names a session erased as a whole
(also one with no trace: its hook events, cost counts, fork relation, cursors), and
`known_session` finds such a session by id or prefix. `select_traces` picks what
`cctrace purge` names, `purge_older_than` is the retention sweep and
`oldest_settled_traces` what a size cap may evict. Callers: `cctrace.security.purge` /
`retention` and `cctrace.worker.limits`.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from typing import Any

from cctrace.store.connection import Connection, chunks
from cctrace.store.cursors import RULES_WINDOW
from cctrace.store.outbox import DELIVERED

# Tables that name a session without needing a trace of it.
_SESSION_TABLES = ("hook_events", "findings", "cost_states", "session_forks")


class Erasure(Connection):
    """Deletes across tables, and the queries choosing what to delete."""

    def select_traces(
        self,
        session_ids: Sequence[str] | None = None,
        before_ns: int | None = None,
        project: str | None = None,
    ) -> list[tuple[str, str]]:
        """(trace id, session id) of the traces matching every given filter: in one of
        `session_ids`, ended before `before_ns`, of a session whose cwd is `project` (or
        below it) or whose project name is `project`."""
        sql = "SELECT t.id, t.session_id FROM traces t JOIN sessions s ON s.id = t.session_id"
        where: list[str] = []
        params: list[Any] = []
        if session_ids is not None:
            if not session_ids:
                return []
            where.append(f"t.session_id IN ({','.join('?' * len(session_ids))})")
            params += list(session_ids)
        if before_ns is not None:
            where.append("t.end_ns < ?")
            params.append(before_ns)
        if project:
            folder = project.rstrip("/\\")
            root = folder or project
            # Below the root folder `/` is every path starting with `/`, not `//`.
            escaped = folder.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
            where.append("(s.cwd = ? OR s.cwd LIKE ? ESCAPE '\\' OR s.project = ?)")
            params += [root, escaped + "/%", root]
        if where:
            sql += " WHERE " + " AND ".join(where)
        sql += " ORDER BY t.start_ns, t.id"
        return [(r[0], r[1]) for r in self._read(sql, params)]

    def trace_sessions(self, trace_ids: Sequence[str]) -> dict[str, str]:
        """trace id -> session id of the given stored traces."""
        out: dict[str, str] = {}
        for chunk in chunks(sorted(set(trace_ids))):
            marks = ",".join("?" * len(chunk))
            out.update((r[0], r[1]) for r in self._read(
                f"SELECT id, session_id FROM traces WHERE id IN ({marks})", chunk))
        return out

    def purge_traces(self, trace_ids: Sequence[str]) -> dict[str, int]:
        """Delete traces with their observations, the findings about them, undelivered
        outbox batches holding their spans, and sessions (with their hook events) left
        without a trace. Freed pages are zeroed (secure_delete) and the WAL truncated, so
        the content does not linger in the file. Returns row counts per table."""
        counts = {"traces": 0, "observations": 0, "outbox": 0, "findings": 0,
                  "sessions": 0, "hook_events": 0}
        ids = sorted(set(trace_ids))
        if not ids:
            return counts
        with self._lock:
            self._conn.execute("PRAGMA secure_delete = ON")
        with self._write() as conn:
            sessions: set[str] = set()
            for chunk in chunks(ids):
                marks = ",".join("?" * len(chunk))
                sessions |= {r[0] for r in conn.execute(
                    f"SELECT DISTINCT session_id FROM traces WHERE id IN ({marks})", chunk)}
                obs_ids = [r[0] for r in conn.execute(
                    f"SELECT id FROM observations WHERE trace_id IN ({marks})", chunk)]
                for ochunk in chunks(obs_ids):
                    omarks = ",".join("?" * len(ochunk))
                    batch_ids = [r[0] for r in conn.execute(
                        "SELECT id FROM outbox WHERE state != ? AND EXISTS (SELECT 1 FROM"
                        f" json_each(outbox.span_ids) j WHERE j.value IN ({omarks}))",
                        [DELIVERED, *ochunk])]
                    for bchunk in chunks(batch_ids):
                        bmarks = ",".join("?" * len(bchunk))
                        conn.execute(f"DELETE FROM dead_letters WHERE batch_id IN ({bmarks})",
                                     bchunk)
                        counts["outbox"] += conn.execute(
                            f"DELETE FROM outbox WHERE id IN ({bmarks})", bchunk).rowcount
                counts["findings"] += self._delete_findings(conn, "trace_id", chunk)
                counts["observations"] += conn.execute(
                    f"DELETE FROM observations WHERE trace_id IN ({marks})", chunk).rowcount
                counts["traces"] += conn.execute(
                    f"DELETE FROM traces WHERE id IN ({marks})", chunk).rowcount
            empty = [sid for sid in sorted(sessions) if conn.execute(
                "SELECT 1 FROM traces WHERE session_id = ? LIMIT 1", (sid,)).fetchone() is None]
            for chunk in chunks(empty):
                marks = ",".join("?" * len(chunk))
                counts["hook_events"] += conn.execute(
                    f"DELETE FROM hook_events WHERE session_id IN ({marks})", chunk).rowcount
                counts["findings"] += self._delete_findings(conn, "session_id", chunk)
                conn.execute(f"DELETE FROM cost_states WHERE session_id IN ({marks})", chunk)
                conn.execute(f"DELETE FROM session_forks WHERE session_id IN ({marks})", chunk)
                counts["sessions"] += conn.execute(
                    f"DELETE FROM sessions WHERE id IN ({marks})", chunk).rowcount
        self.checkpoint()
        return counts

    def known_session(self, prefix: str) -> str | None:
        """The full id `prefix` names (exact or unique prefix) among every session the
        store holds anything of: a session with traces, or one known only by its hook
        events, findings, Claude Code's cost counts or a fork relation (a fork opened and
        left without a prompt of its own has no trace). AmbiguousSession as `find_session`."""
        from cctrace.store.sessions import AmbiguousSession

        found = self.find_session(prefix)
        prefix = prefix.strip()
        if found is not None or not prefix:
            return found
        escaped = prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        ids: set[str] = set()
        for table in _SESSION_TABLES:
            ids |= {r[0] for r in self._read(
                f"SELECT DISTINCT session_id FROM {table} WHERE session_id = ? OR"
                " session_id LIKE ? ESCAPE '\\' LIMIT 11", (prefix, escaped + "%"))}
        if prefix in ids:
            return prefix
        if len(ids) > 1:
            raise AmbiguousSession(prefix, sorted(ids)[:11])
        return next(iter(ids), None)

    def purge_sessions(self, session_ids: Sequence[str]) -> dict[str, int]:
        """Everything the store keeps by session id, whether or not the session has traces
        (`purge_traces` goes first for those): hook events, findings (with their unsent
        batches), Claude Code's cost counts, fork relations, the session row, and the
        cursors of its transcripts and of the rule engine's window over it. Freed pages
        are zeroed."""
        counts = {"hook_events": 0, "findings": 0, "sessions": 0, "cost_states": 0,
                  "session_forks": 0, "cursors": 0}
        ids = sorted(set(session_ids))
        if not ids:
            return counts
        with self._lock:
            self._conn.execute("PRAGMA secure_delete = ON")
        with self._write() as conn:
            for chunk in chunks(ids):
                marks = ",".join("?" * len(chunk))
                paths = {r[0] for r in conn.execute(
                    f"SELECT DISTINCT transcript_path FROM hook_events WHERE session_id IN"
                    f" ({marks}) AND transcript_path IS NOT NULL", chunk)}
                for sid in chunk:
                    # The transcript is `<sid>.jsonl`, its subagents' files below `<sid>/`
                    # (also when no hook event named the path).
                    escaped = sid.replace("\\", "\\\\").replace("%", "\\%").replace(
                        "_", "\\_")
                    paths |= {r[0] for r in conn.execute(
                        "SELECT path FROM cursors WHERE path LIKE ? ESCAPE '\\' OR path LIKE ?"
                        " ESCAPE '\\'", (f"%/{escaped}.jsonl", f"%/{escaped}/%"))}
                    paths.add(RULES_WINDOW + sid)
                for pchunk in chunks(sorted(paths)):
                    pmarks = ",".join("?" * len(pchunk))
                    counts["cursors"] += conn.execute(
                        f"DELETE FROM cursors WHERE path IN ({pmarks})", pchunk).rowcount
                counts["hook_events"] += conn.execute(
                    f"DELETE FROM hook_events WHERE session_id IN ({marks})", chunk).rowcount
                counts["findings"] += self._delete_findings(conn, "session_id", chunk)
                for table in ("cost_states", "session_forks"):
                    counts[table] += conn.execute(
                        f"DELETE FROM {table} WHERE session_id IN ({marks})", chunk).rowcount
                counts["sessions"] += conn.execute(
                    f"DELETE FROM sessions WHERE id IN ({marks})", chunk).rowcount
        self.checkpoint()
        return counts

    @staticmethod
    def _delete_findings(conn: sqlite3.Connection, column: str, values: Sequence[str]) -> int:
        if conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'findings'").fetchone() is None:
            return 0
        marks = ",".join("?" * len(values))
        ids = [r[0] for r in conn.execute(
            f"SELECT id FROM findings WHERE {column} IN ({marks})", list(values))]
        Erasure._delete_finding_batches(conn, ids)
        return conn.execute(f"DELETE FROM findings WHERE {column} IN ({marks})",
                            list(values)).rowcount

    @staticmethod
    def _delete_finding_batches(conn: sqlite3.Connection, finding_ids: Sequence[str]) -> None:
        """Undelivered batches exporting these findings (their scores `<id>-<name>` and
        event spans) go with them: an erased finding is never sent."""
        from cctrace.model.ids import span_id

        for chunk in chunks(list(finding_ids)):
            spans = [span_id("finding", f) for f in chunk]
            marks = ",".join("?" * len(chunk))
            batch_ids = [r[0] for r in conn.execute(
                "SELECT id FROM outbox WHERE state != ? AND EXISTS (SELECT 1 FROM"
                f" json_each(outbox.span_ids) j WHERE j.value IN ({marks}) OR"
                f" substr(j.value, 1, instr(j.value, '-') - 1) IN ({marks}))",
                [DELIVERED, *spans, *chunk])]
            for bchunk in chunks(batch_ids):
                bmarks = ",".join("?" * len(bchunk))
                conn.execute(f"DELETE FROM dead_letters WHERE batch_id IN ({bmarks})", bchunk)
                conn.execute(f"DELETE FROM outbox WHERE id IN ({bmarks})", bchunk)

    def purge_older_than(self, cutoff_ns: int) -> dict[str, int]:
        """Retention: every trace that ended before `cutoff_ns` (see `purge_traces`), plus
        hook events received, outbox batches and policy copies created before it, whatever
        their state."""
        counts = self.purge_traces([t for t, _ in self.select_traces(before_ns=cutoff_ns)])
        with self._lock:
            self._conn.execute("PRAGMA secure_delete = ON")
        with self._write() as conn:
            counts["hook_events"] += conn.execute(
                "DELETE FROM hook_events WHERE received_ns < ?", (cutoff_ns,)).rowcount
            conn.execute("DELETE FROM dead_letters WHERE batch_id IN"
                         " (SELECT id FROM outbox WHERE created_ns < ?)", (cutoff_ns,))
            counts["outbox"] += conn.execute(
                "DELETE FROM outbox WHERE created_ns < ?", (cutoff_ns,)).rowcount
            conn.execute("DELETE FROM policy_copies WHERE created_ns < ?", (cutoff_ns,))
        self.checkpoint()
        return counts

    def oldest_settled_traces(self, limit: int) -> list[str]:
        """Up to `limit` trace ids, oldest end first, none of whose spans waits in an
        undelivered outbox batch: what a size cap may evict without losing an export."""
        rows = self._read(
            "SELECT t.id FROM traces t WHERE NOT EXISTS (SELECT 1 FROM outbox o,"
            " json_each(o.span_ids) j JOIN observations ob ON ob.id = j.value"
            " WHERE o.state != ? AND ob.trace_id = t.id) ORDER BY t.end_ns, t.id LIMIT ?",
            (DELIVERED, int(limit)))
        return [r[0] for r in rows]
