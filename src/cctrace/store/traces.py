"""Writing turns: the `sessions`, `traces` and `observations` tables.

`insert_traces` takes traces that passed the redaction stage (it refuses any other), upserts
the session row (project, cwd, branch, version and models from the trace metadata), upserts
the trace (a complete turn replaces its running form, never the reverse; a turn two
transcripts hold, a fork's or resumed session's copy of it, belongs to the session whose
copy began first, whichever is stored first: `trace_owners`) and inserts the
observations `INSERT OR IGNORE` by id, returning those that were new: what gets exported.
Content columns are encrypted at rest; the row digests of what changed are noted for the
audit log. `resweep_rows` rewrites stored observation and trace content through a sweep of
secret values learned after it was stored. Reading these tables back is
`cctrace.store.sessions`.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterable, Sequence
from typing import Any

from cctrace.model.types import Observation, Trace
from cctrace.redact.stage import is_redacted
from cctrace.store import digest
from cctrace.store.connection import Connection, chunks, dumps, loads

# Keys of `Trace.metadata` the session row is filled from (first match wins).
CWD_KEYS = ("cwd",)
BRANCH_KEYS = ("git_branch", "gitBranch")
VERSION_KEYS = ("claude_code_version", "cc_version", "version")

# Positions and names of the observation columns encrypted at rest.
_OBS_ENCRYPTED = [(digest.COLUMNS["observations"].index(c), f"observations.{c}")
                  for c in sorted(digest.ENCRYPTED["observations"])]


def _first(meta: dict[str, Any], keys: Sequence[str]) -> str | None:
    for key in keys:
        value = meta.get(key)
        if isinstance(value, str) and value:
            return value
    return None


def _project(cwd: str | None) -> str | None:
    if not cwd:
        return None
    return os.path.basename(cwd.rstrip("/\\")) or cwd


class _Sweep:
    """A `fn(str) -> str` in the shape `redact.stage.redact_value` walks with."""

    def __init__(self, fn: Any) -> None:
        self.redact_text = fn


class Traces(Connection):
    """Writes of `sessions`, `traces` and `observations`."""

    def insert_traces(self, traces: list[Trace]) -> list[tuple[Trace, list[Observation]]]:
        """Store traces; returns, per trace, the observations that were not stored before.

        Raises ValueError (and stores nothing) if any trace skipped the redaction stage.
        """
        for trace in traces:
            if not is_redacted(trace):
                raise ValueError(f"trace {trace.id} did not pass the redaction stage")
        result: list[tuple[Trace, list[Observation]]] = []
        self.row_digests["observations"] = {}
        self.row_digests["traces"] = {}
        with self._write() as conn:
            for trace in traces:
                self._upsert_session(conn, trace)
                self._upsert_trace(conn, trace)
                new = [obs for obs in trace.observations if self._insert_obs(conn, obs)]
                result.append((trace, new))
        return result

    def trace_owners(self, trace_ids: Iterable[str]) -> dict[str, tuple[str, int]]:
        """(session, start time) of each stored trace among `trace_ids`: who a turn that
        another transcript also holds belongs to (`_write_trace` keeps the earliest)."""
        ids = sorted(set(trace_ids))
        out: dict[str, tuple[str, int]] = {}
        for part in chunks(ids):
            for row in self._read("SELECT id, session_id, start_ns FROM traces WHERE id IN"
                                  f" ({','.join('?' * len(part))})", list(part)):
                out[row["id"]] = (row["session_id"], row["start_ns"])
        return out

    def _upsert_session(self, conn: sqlite3.Connection, trace: Trace) -> None:
        meta = trace.metadata or {}
        cwd = _first(meta, CWD_KEYS)
        branch = _first(meta, BRANCH_KEYS)
        version = _first(meta, VERSION_KEYS)
        first = min([trace.start_ns] + [o.start_ns for o in trace.observations])
        last = max([trace.end_ns] + [o.end_ns for o in trace.observations])
        models = {o.model for o in trace.observations if o.type == "generation" and o.model}
        row = conn.execute("SELECT * FROM sessions WHERE id = ?", (trace.session_id,)).fetchone()
        if row is None:
            conn.execute(
                "INSERT INTO sessions (id, project, cwd, git_branch, first_ns, last_ns, models,"
                " cc_version, user_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (trace.session_id, _project(cwd), cwd, branch, first, last,
                 dumps(sorted(models)), version, trace.user_id),
            )
            return
        known = set(loads(row["models"], []))
        newer = last >= row["last_ns"]
        # The cwd names the project, so the first one seen sticks; branch and version
        # follow the latest turn.
        conn.execute(
            "UPDATE sessions SET project = ?, cwd = ?, git_branch = ?, first_ns = ?, last_ns = ?,"
            " models = ?, cc_version = ?, user_id = ? WHERE id = ?",
            (row["project"] or _project(cwd), row["cwd"] or cwd,
             (branch if newer and branch else None) or row["git_branch"] or branch,
             min(first, row["first_ns"]), max(last, row["last_ns"]),
             dumps(sorted(known | models)),
             (version if newer and version else None) or row["cc_version"] or version,
             row["user_id"] or trace.user_id, trace.session_id),
        )

    def _upsert_trace(self, conn: sqlite3.Connection, trace: Trace) -> None:
        # A running turn is stored first (complete=0) and replaced by its complete form;
        # a complete row is never downgraded by a late incomplete copy. The row digest is
        # noted only when the row changed (a re-read turn usually changes nothing).
        before = self._row_digest(conn, "traces", "id", trace.id)
        plain = self._write_trace(conn, trace)
        # A new row holds exactly what was written: digested from the plaintext at hand
        # (as `_insert_obs` does) instead of read back and decrypted.
        after = (self._digest_written(conn, "traces", "id", trace.id, plain) if before is None
                 else self._row_digest(conn, "traces", "id", trace.id))
        if after and after != before:
            self.row_digests["traces"][trace.id] = after

    def _write_trace(self, conn: sqlite3.Connection, trace: Trace) -> list[Any]:
        """Insert or update the trace row; returns the values written, plaintext, in
        `digest.COLUMNS["traces"]` order (what a new row holds)."""
        plain = [trace.id, trace.session_id, trace.name, trace.start_ns, trace.end_ns,
                 dumps(trace.input), dumps(trace.output), trace.user_id, dumps(trace.tags),
                 trace.environment, trace.release, dumps(trace.metadata) or "{}",
                 int(bool(trace.complete))]
        replace = "excluded.complete OR NOT traces.complete"
        fields = ("name", "input", "output", "user_id", "tags", "environment", "release",
                  "metadata")
        sets = ", ".join(
            f"{f} = CASE WHEN {replace} THEN excluded.{f} ELSE traces.{f} END" for f in fields
        )
        conn.execute(
            "INSERT INTO traces (id, session_id, name, start_ns, end_ns, input, output, user_id,"
            " tags, environment, release, metadata, complete)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
            f" ON CONFLICT(id) DO UPDATE SET {sets},"
            # A turn copied into another session's transcript (1.0.x forks and resumes copy
            # history with the same uuids, the new session's id and the time of the copy)
            # is the session's whose copy began first, even when the copy is stored first.
            " session_id = CASE WHEN excluded.start_ns < traces.start_ns"
            " THEN excluded.session_id ELSE traces.session_id END,"
            " start_ns = MIN(traces.start_ns, excluded.start_ns),"
            " end_ns = MAX(traces.end_ns, excluded.end_ns),"
            " complete = MAX(traces.complete, excluded.complete)",
            (trace.id, trace.session_id, trace.name, trace.start_ns, trace.end_ns,
             self._enc(plain[5], "traces.input"), self._enc(plain[6], "traces.output"),
             trace.user_id, plain[8], trace.environment, trace.release,
             self._enc(plain[11], "traces.metadata"), plain[12]),
        )
        return plain

    def _insert_obs(self, conn: sqlite3.Connection, obs: Observation) -> bool:
        cost_total = (obs.cost or {}).get("total") if obs.cost else None
        plain = [obs.id, obs.trace_id, obs.parent_id, obs.type, obs.name, obs.start_ns,
                 obs.end_ns, dumps(obs.input), dumps(obs.output), obs.level,
                 obs.status_message, obs.model, dumps(obs.model_parameters),
                 dumps(obs.usage), dumps(obs.cost), cost_total, obs.completion_start_ns,
                 dumps(obs.metadata) or "{}"]
        values = list(plain)
        for i, column in _OBS_ENCRYPTED:
            values[i] = self._enc(values[i], column)
        cur = conn.execute(
            "INSERT OR IGNORE INTO observations (id, trace_id, parent_id, type, name, start_ns,"
            " end_ns, input, output, level, status_message, model, model_parameters, usage,"
            " cost, cost_total, completion_start_ns, metadata)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", values)
        if cur.rowcount != 1:
            return False
        self.row_digests["observations"][obs.id] = self._digest_written(
            conn, "observations", "id", obs.id, plain)
        return True

    def resweep_rows(self, observation_ids: Iterable[str], fn: Any) -> list[dict[str, Any]]:
        """Pass the content of the given observations, and of their trace rows, through
        `fn` (a sweep of values learned after they were stored) and rewrite the rows that
        changed. Returns, per rewritten row, what its audit entry needs (`table`, `id`,
        `digest` of the row as now stored, `session_id`, `trace_id`, `type`, `name`,
        `start_ns`), so the audit log can commit to the new row."""
        ids = sorted(set(observation_ids))
        out: list[dict[str, Any]] = []
        if not ids:
            return out
        obs_cols = digest.COLUMNS["observations"]
        trace_cols = digest.COLUMNS["traces"]
        with self._write() as conn:
            traces: set[str] = set()
            for chunk in range(0, len(ids), 500):
                part = ids[chunk:chunk + 500]
                rows = conn.execute(
                    "SELECT o.*, t.session_id AS _sid FROM observations o"
                    " LEFT JOIN traces t ON t.id = o.trace_id"
                    f" WHERE o.id IN ({','.join('?' * len(part))})", part).fetchall()
                for row in rows:
                    traces.add(row["trace_id"])
                    plain = [row[c] for c in obs_cols]
                    if not self._resweep_plain("observations", plain, fn):
                        continue
                    self._rewrite_row(conn, "observations", plain)
                    out.append({"table": "observations", "id": row["id"],
                                "digest": self._digest_written(conn, "observations", "id",
                                                               row["id"], plain),
                                "session_id": row["_sid"], "trace_id": row["trace_id"],
                                "type": row["type"], "name": row["name"],
                                "start_ns": row["start_ns"]})
            for tid in sorted(traces):
                row = conn.execute("SELECT * FROM traces WHERE id = ?", (tid,)).fetchone()
                if row is None:
                    continue
                plain = [row[c] for c in trace_cols]
                if not self._resweep_plain("traces", plain, fn):
                    continue
                self._rewrite_row(conn, "traces", plain)
                out.append({"table": "traces", "id": tid,
                            "digest": self._digest_written(conn, "traces", "id", tid, plain),
                            "session_id": row["session_id"], "trace_id": tid,
                            "start_ns": row["start_ns"]})
        return out

    def _resweep_plain(self, table: str, plain: list[Any], fn: Any) -> bool:
        """Decrypt the content columns of `plain` (a row in `digest.COLUMNS` order) in
        place, sweep every string inside them; True if any changed."""
        from cctrace.redact.stage import redact_value

        cols = digest.COLUMNS[table]
        changed = False
        for name in sorted(digest.ENCRYPTED[table]):
            i = cols.index(name)
            text = self._dec(plain[i], f"{table}.{name}")
            plain[i] = text
            if not text:
                continue
            if name == "status_message":
                new = fn(text)
            else:
                value = loads(text, _Sweep)  # the class itself: "not JSON", left alone
                if value is _Sweep:
                    continue
                swept = redact_value(value, _Sweep(fn))
                new = text if swept == value else dumps(swept)
            if new != text:
                plain[i] = new
                changed = True
        return changed

    def _rewrite_row(self, conn: sqlite3.Connection, table: str, plain: list[Any]) -> None:
        cols = digest.COLUMNS[table]
        enc = sorted(digest.ENCRYPTED[table])
        sets = ", ".join(f"{c} = ?" for c in enc)
        conn.execute(f"UPDATE {table} SET {sets} WHERE id = ?",
                     [self._enc(plain[cols.index(c)], f"{table}.{c}") for c in enc]
                     + [plain[0]])
