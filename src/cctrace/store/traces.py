"""Writing turns: the `sessions`, `traces` and `observations` tables.

`insert_traces` takes traces that passed the redaction stage (it refuses any other), upserts
the session row (project, cwd, branch, version and models from the trace metadata), upserts
the trace (a complete turn replaces its running form, never the reverse) and inserts the
observations `INSERT OR IGNORE` by id, returning those that were new: what gets exported.
Content columns are encrypted at rest; the row digests of what changed are noted for the
audit log. Reading these tables back is `cctrace.store.sessions`.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Sequence
from typing import Any

from cctrace.model.types import Observation, Trace
from cctrace.redact.stage import is_redacted
from cctrace.store import digest
from cctrace.store.connection import Connection, dumps, loads

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
        self._write_trace(conn, trace)
        after = self._row_digest(conn, "traces", "id", trace.id)
        if after and after != before:
            self.row_digests["traces"][trace.id] = after

    def _write_trace(self, conn: sqlite3.Connection, trace: Trace) -> None:
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
            " start_ns = MIN(traces.start_ns, excluded.start_ns),"
            " end_ns = MAX(traces.end_ns, excluded.end_ns),"
            " complete = MAX(traces.complete, excluded.complete)",
            (trace.id, trace.session_id, trace.name, trace.start_ns, trace.end_ns,
             self._enc(dumps(trace.input), "traces.input"),
             self._enc(dumps(trace.output), "traces.output"), trace.user_id, dumps(trace.tags),
             trace.environment, trace.release,
             self._enc(dumps(trace.metadata) or "{}", "traces.metadata"),
             int(bool(trace.complete))),
        )

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
