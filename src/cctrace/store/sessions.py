"""Reading turns back: sessions with their totals, traces as observation trees, the tail feed.

Read-only queries over `sessions`, `traces` and `observations` (written by
`cctrace.store.traces`) for `cctrace sessions`, `show`, `findings`, `purge` and `tail`: a
session id from a unique prefix (`find_session`), summaries with turn, generation, tool,
error, token and cost totals, a session's turns with their observations nested by parent
(`session_tree`, `build_tree`), and observations in insertion order for `tail`.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from cctrace.model.types import Observation, Trace
from cctrace.store.connection import Connection, chunks, loads


class AmbiguousSession(LookupError):
    """A session id prefix that matches more than one session."""

    def __init__(self, prefix: str, matches: list[str]) -> None:
        super().__init__(f"{prefix!r} matches {len(matches)} sessions: {', '.join(matches)}")
        self.prefix = prefix
        self.matches = matches


@dataclass
class SessionSummary:
    """A session with the totals `cctrace sessions` shows."""

    id: str
    project: str | None
    cwd: str | None
    git_branch: str | None
    first_ns: int
    last_ns: int
    cc_version: str | None = None
    user_id: str | None = None
    models: list[str] = field(default_factory=list)
    turns: int = 0
    generations: int = 0
    tool_calls: int = 0
    errors: int = 0
    tokens: dict[str, int] = field(default_factory=dict)
    cost: float | None = None
    # Whose count `cost` is (cctrace.store.cost.SOURCES; the weakest when mixed) and the
    # tokens of calls nothing could price (never silently left out of `cost`).
    cost_source: str | None = None
    unpriced_tokens: int = 0
    unpriced_models: list[str] = field(default_factory=list)
    # Claude Code's own count of the session when its transcript holds one (2.1.x):
    # {"cost_usd": ..., "tokens": {model: {usage key: n}}}, a fork's without its parent's.
    claude_code: dict[str, Any] | None = None

    def to_dict(self) -> dict[str, Any]:
        return {k: getattr(self, k) for k in self.__dataclass_fields__}


@dataclass
class ObservationNode:
    """An observation with its children, both sorted by start time."""

    observation: Observation
    children: list[ObservationNode] = field(default_factory=list)


@dataclass
class TraceView:
    """A stored trace (without its observations list) plus its observations as a tree.

    `observations` is flat, sorted by start time; `roots` are the observations whose parent
    is absent (the turn's root, or orphans while the root is not stored yet).
    """

    trace: Trace
    complete: bool
    observations: list[Observation]
    roots: list[ObservationNode]


def build_tree(observations: Iterable[Observation]) -> list[ObservationNode]:
    """Nest observations under their parents; parents missing from the set make roots."""
    ordered = sorted(observations, key=lambda o: (o.start_ns, o.end_ns, o.id))
    nodes = {o.id: ObservationNode(o) for o in ordered}
    roots: list[ObservationNode] = []
    for obs in ordered:
        parent = nodes.get(obs.parent_id) if obs.parent_id else None
        if parent is None or parent.observation.id == obs.id:
            roots.append(nodes[obs.id])
        else:
            parent.children.append(nodes[obs.id])
    return roots


class Sessions(Connection):
    """Reads of `sessions`, `traces` and `observations`."""

    def find_session(self, prefix: str) -> str | None:
        """The full id of the session `prefix` names (exact id or unique prefix), or None.

        Raises AmbiguousSession when the prefix matches several sessions.
        """
        prefix = prefix.strip()
        if not prefix:
            return None
        if self._read("SELECT 1 FROM sessions WHERE id = ?", (prefix,)):
            return prefix
        escaped = prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        rows = self._read(
            "SELECT id FROM sessions WHERE id LIKE ? ESCAPE '\\' ORDER BY id LIMIT 11",
            (escaped + "%",),
        )
        if len(rows) > 1:
            raise AmbiguousSession(prefix, [r["id"] for r in rows])
        return rows[0]["id"] if rows else None

    def sessions(
        self, limit: int | None = None, project: str | None = None, since_ns: int | None = None
    ) -> list[SessionSummary]:
        """Sessions with their totals, most recently active first."""
        where, params = [], []
        if project:
            where.append("(project = ? OR cwd = ?)")
            params += [project, project]
        if since_ns is not None:
            where.append("last_ns >= ?")
            params.append(since_ns)
        sql = "SELECT * FROM sessions"
        if where:
            sql += " WHERE " + " AND ".join(where)
        sql += " ORDER BY last_ns DESC, id"
        if limit is not None:
            sql += " LIMIT ?"
            params.append(int(limit))
        rows = self._read(sql, params)
        summaries = [
            SessionSummary(
                id=r["id"], project=r["project"], cwd=r["cwd"], git_branch=r["git_branch"],
                first_ns=r["first_ns"], last_ns=r["last_ns"], cc_version=r["cc_version"],
                user_id=r["user_id"], models=loads(r["models"], []),
            )
            for r in rows
        ]
        self._add_totals(summaries)
        return summaries

    def recent_session_ids(self, limit: int) -> list[str]:
        """The ids of the `limit` most recently active sessions, most recent first."""
        rows = self._read("SELECT id FROM sessions ORDER BY last_ns DESC, id LIMIT ?",
                          (int(limit),))
        return [r["id"] for r in rows]

    def session(self, session_id: str) -> SessionSummary | None:
        rows = self._read("SELECT * FROM sessions WHERE id = ?", (session_id,))
        if not rows:
            return None
        r = rows[0]
        summary = SessionSummary(
            id=r["id"], project=r["project"], cwd=r["cwd"], git_branch=r["git_branch"],
            first_ns=r["first_ns"], last_ns=r["last_ns"], cc_version=r["cc_version"],
            user_id=r["user_id"], models=loads(r["models"], []),
        )
        self._add_totals([summary])
        return summary

    def _add_totals(self, summaries: list[SessionSummary]) -> None:
        by_id = {s.id: s for s in summaries}
        for chunk in chunks(list(by_id)):
            marks = ",".join("?" * len(chunk))
            for r in self._read(
                f"SELECT session_id, COUNT(*) AS n FROM traces WHERE session_id IN ({marks})"
                " GROUP BY session_id", chunk,
            ):
                by_id[r["session_id"]].turns = r["n"]
            for r in self._read(
                "SELECT t.session_id AS sid,"
                " SUM(o.type = 'generation') AS gens, SUM(o.type = 'tool') AS tools,"
                " SUM(o.level = 'ERROR') AS errors"
                " FROM observations o JOIN traces t ON t.id = o.trace_id"
                f" WHERE t.session_id IN ({marks}) GROUP BY t.session_id", chunk,
            ):
                s = by_id[r["sid"]]
                s.generations, s.tool_calls, s.errors = r["gens"], r["tools"], r["errors"]
        # Tokens per usage key and cost, in one pass over the generations.
        self._add_costs(summaries)  # type: ignore[attr-defined]  # store.costs.Costs

    def _obs(self, row: sqlite3.Row, outputs: bool = True) -> Observation:
        return Observation(
            id=row["id"], trace_id=row["trace_id"], parent_id=row["parent_id"],
            type=row["type"], name=row["name"], start_ns=row["start_ns"],
            end_ns=row["end_ns"], input=loads(self._dec(row["input"], "observations.input")),
            output=(loads(self._dec(row["output"], "observations.output")) if outputs
                    else None),
            level=row["level"],
            status_message=self._dec(row["status_message"], "observations.status_message"),
            model=row["model"],
            model_parameters=loads(row["model_parameters"]), usage=loads(row["usage"]),
            cost=loads(row["cost"]), completion_start_ns=row["completion_start_ns"],
            metadata=loads(self._dec(row["metadata"], "observations.metadata"), {}),
        )

    def trace_header(self, trace_id: str) -> tuple[Trace, str | None] | None:
        """A stored trace's listing fields (no content) and its root observation's id."""
        rows = self._read("SELECT * FROM traces WHERE id = ?", (trace_id,))
        if not rows:
            return None
        t = rows[0]
        trace = Trace(id=t["id"], session_id=t["session_id"], name=t["name"],
                      start_ns=t["start_ns"], end_ns=t["end_ns"], user_id=t["user_id"],
                      tags=loads(t["tags"], []), environment=t["environment"],
                      release=t["release"], complete=bool(t["complete"]))
        root = self._read("SELECT id FROM observations WHERE trace_id = ? AND parent_id IS NULL"
                          " ORDER BY start_ns LIMIT 1", (trace_id,))
        return trace, (root[0]["id"] if root else None)

    def session_tree(self, session_id: str, last: int | None = None, *,
                     outputs: bool = True) -> list[TraceView]:
        """The session's traces in time order (only the `last` N if given), each with its
        observations as a tree. `outputs` False leaves the observations' outputs and the
        traces' input and output unread (None): the bulk of the content, which coverage
        judging never looks at, is then neither decrypted nor parsed."""
        trows = self._read(
            "SELECT * FROM traces WHERE session_id = ? ORDER BY start_ns, id", (session_id,)
        ) if last is None else list(reversed(self._read(
            "SELECT * FROM traces WHERE session_id = ? ORDER BY start_ns DESC, id DESC"
            " LIMIT ?", (session_id, int(last)))))
        if last is None:
            orows = self._read(
                "SELECT o.* FROM observations o JOIN traces t ON t.id = o.trace_id"
                " WHERE t.session_id = ? ORDER BY o.start_ns, o.end_ns, o.id", (session_id,)
            )
        else:
            orows = []
            for chunk in chunks([t["id"] for t in trows]):
                marks = ",".join("?" * len(chunk))
                orows += self._read(
                    f"SELECT * FROM observations WHERE trace_id IN ({marks})", list(chunk))
            orows.sort(key=lambda r: (r["start_ns"], r["end_ns"], r["id"]))
        per_trace: dict[str, list[Observation]] = {}
        for row in orows:
            per_trace.setdefault(row["trace_id"], []).append(self._obs(row, outputs))
        views = []
        for t in trows:
            trace = Trace(
                id=t["id"], session_id=t["session_id"], name=t["name"], start_ns=t["start_ns"],
                end_ns=t["end_ns"],
                input=loads(self._dec(t["input"], "traces.input")) if outputs else None,
                output=loads(self._dec(t["output"], "traces.output")) if outputs else None,
                user_id=t["user_id"], tags=loads(t["tags"], []), environment=t["environment"],
                release=t["release"],
                metadata=loads(self._dec(t["metadata"], "traces.metadata"), {}),
                complete=bool(t["complete"]),
            )
            observations = per_trace.get(t["id"], [])
            views.append(TraceView(trace, trace.complete, observations, build_tree(observations)))
        return views

    def observations_after(
        self, after_rowid: int, limit: int = 500
    ) -> list[tuple[int, str, str | None, Observation]]:
        """Observations stored after `after_rowid` in insertion order, for `cctrace tail`:
        (rowid, session_id, project, observation). `latest_observation_rowid` starts it."""
        rows = self._read(
            "SELECT o.rowid AS rid, t.session_id AS sid, s.project AS project, o.*"
            " FROM observations o JOIN traces t ON t.id = o.trace_id"
            " JOIN sessions s ON s.id = t.session_id"
            " WHERE o.rowid > ? ORDER BY o.rowid LIMIT ?",
            (after_rowid, int(limit)),
        )
        return [(r["rid"], r["sid"], r["project"], self._obs(r)) for r in rows]

    def latest_observation_rowid(self) -> int:
        return int(self._read("SELECT COALESCE(MAX(rowid), 0) FROM observations")[0][0])
