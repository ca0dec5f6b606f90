"""The local SQLite store: sessions, traces, observations, hook events, cursors, outbox.

One file, `<state dir>/cctrace.db` (0600), in WAL mode so the background worker and CLI
commands can use it at the same time; every write is one short `BEGIN IMMEDIATE`
transaction and readers never block writers. This module owns the only SQL in cctrace.
Trace inserts are idempotent (observations are `INSERT OR IGNORE` by id) and report which
observations were new, which is what gets exported; the outbox holds serialized export
batches until a destination confirms them, so a confirmed batch is never sent twice.
Only traces that passed the redaction stage are accepted.
"""

from __future__ import annotations

import json
import os
import sqlite3
import threading
import time
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from cctrace import statedir
from cctrace.findings import SEVERITIES, Finding, normalize_tags
from cctrace.model.jsontext import json_string
from cctrace.model.types import Observation, Trace
from cctrace.redact.stage import is_redacted
from cctrace.store import digest, schema

DB_NAME = "cctrace.db"
BUSY_TIMEOUT_MS = 10_000
# SQLite's default limit on bound parameters is 999 on old builds; stay well below it.
_CHUNK = 500

# Keys of `Trace.metadata` the session row is filled from (first match wins).
CWD_KEYS = ("cwd",)
BRANCH_KEYS = ("git_branch", "gitBranch")
VERSION_KEYS = ("claude_code_version", "cc_version", "version")

PENDING, DELIVERED, DEAD = "pending", "delivered", "dead"


class AmbiguousSession(LookupError):
    """A session id prefix that matches more than one session."""

    def __init__(self, prefix: str, matches: list[str]) -> None:
        super().__init__(f"{prefix!r} matches {len(matches)} sessions: {', '.join(matches)}")
        self.prefix = prefix
        self.matches = matches


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


# Positions and names of the observation columns encrypted at rest.
_OBS_ENCRYPTED = [(digest.COLUMNS["observations"].index(c), f"observations.{c}")
                  for c in sorted(digest.ENCRYPTED["observations"])]


class _Sweep:
    """A `fn(str) -> str` in the shape `redact.stage.redact_value` walks with."""

    def __init__(self, fn: Any) -> None:
        self.redact_text = fn


def _dumps(value: Any) -> str | None:
    if value is None:
        return None
    if type(value) is str:
        # Tool outputs are large strings: the fast escaper writes the identical literal.
        return json_string(value)
    return _ENCODER.encode(value)


# `json.dumps(value, ensure_ascii=False, default=str, separators=(",", ":"))` builds this
# encoder on every call; one instance writes the same text.
_ENCODER = json.JSONEncoder(ensure_ascii=False, default=str, separators=(",", ":"))


def _loads(text: str | None, default: Any = None) -> Any:
    if text is None:
        return default
    try:
        return json.loads(text)
    except ValueError:
        return default


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


def _chunks(items: Sequence[Any]) -> Iterator[Sequence[Any]]:
    for i in range(0, len(items), _CHUNK):
        yield items[i : i + _CHUNK]


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


class Store:
    """A connection to the store; safe to share between threads of one process."""

    def __init__(self, path: str, cipher: Any | None = None) -> None:
        self.path = path
        # Optional at-rest encryption of content columns (cctrace.security.crypto.Cipher):
        # applied in the write helpers, undone in the readers.
        self.cipher = cipher
        # Row digests (cctrace.store.digest) of what the last write of each table stored
        # or changed, by id: the audit entries of that write are made from them.
        self.row_digests: dict[str, dict[str, str]] = {t: {} for t in digest.COLUMNS}
        _create_private(path)
        self._lock = threading.RLock()
        self._depth = 0
        self._undo: list[Any] = []
        self._conn = sqlite3.connect(
            path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None, check_same_thread=False
        )
        self._conn.row_factory = sqlite3.Row
        self._conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        _enable_wal(self._conn)
        self._conn.execute("PRAGMA synchronous = NORMAL")
        self._conn.execute("PRAGMA foreign_keys = ON")
        self.schema_version = schema.migrate(self._conn)

    @classmethod
    def open(cls, state_dir: str | None = None, cipher: Any = "auto") -> Store:
        """The state dir's store; `cipher="auto"` encrypts content unless the config's
        `[store] encrypt = false` (the key is created on first use)."""
        root = statedir.ensure_dir(state_dir or statedir.state_dir())
        if cipher == "auto":
            from cctrace.security.crypto import cipher_for_state_dir

            cipher = cipher_for_state_dir(root)
        return cls(os.path.join(root, DB_NAME), cipher)

    def _enc(self, text: str | None, column: str) -> str | None:
        return self.cipher.encrypt_text(text, column) if self.cipher and text else text

    def _dec(self, text: str | None, column: str) -> str | None:
        return self.cipher.decrypt_text(text, column) if self.cipher and text else text

    def close(self) -> None:
        with self._lock:
            self._conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One write transaction; writes made inside it (by any method) join it.

        The worker stores new observations, enqueues their export batches and advances
        the transcript cursor in one transaction, so a crash can neither lose the export
        of stored observations nor send them twice.
        """
        with self._lock:
            if self._depth:
                self._depth += 1
                try:
                    yield self._conn
                finally:
                    self._depth -= 1
                return
            # IMMEDIATE takes the write lock up front: a deferred transaction that later
            # tries to upgrade can fail with SQLITE_BUSY without waiting for busy_timeout.
            self._conn.execute("BEGIN IMMEDIATE")
            self._depth = 1
            self._undo: list[Any] = []
            try:
                yield self._conn
            except BaseException:
                self._conn.execute("ROLLBACK")
                self._run_undo()
                raise
            finally:
                self._depth = 0
            self._conn.execute("COMMIT")
            self._undo = []

    def on_rollback(self, fn: Any) -> None:
        """Run `fn()` if the transaction in progress rolls back (the audit log voids the
        entries it appended for rows that were then never stored)."""
        if self._depth:
            self._undo.append(fn)

    def _run_undo(self) -> None:
        undo, self._undo = self._undo, []
        for fn in undo:
            try:
                fn()
            except Exception:  # noqa: BLE001 - the rollback's own error is what matters
                pass

    _write = transaction

    def _read(self, sql: str, params: Sequence[Any] = ()) -> list[sqlite3.Row]:
        with self._lock:
            return self._conn.execute(sql, params).fetchall()

    # -- hook events -------------------------------------------------------------------

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
                         ev.transcript_path, _dumps(ev.payload) or "{}"]
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

    def _digest_written(self, conn: sqlite3.Connection, table: str, key: str, ident: Any,
                        plain: Sequence[Any]) -> str:
        """The row digest of a row just written from `plain` (read back when SQLite's
        column affinity may have changed a value)."""
        if digest.as_stored(table, plain):
            return digest.row_digest(plain)
        return self._row_digest(conn, table, key, ident) or ""

    def _row_digest(self, conn: sqlite3.Connection, table: str, key: str,
                    ident: Any) -> str | None:
        row = conn.execute(f"SELECT * FROM {table} WHERE {key} = ?", (ident,)).fetchone()
        return None if row is None else digest.stored_row_digest(table, row, self._dec)

    def _event(self, row: sqlite3.Row) -> HookEvent:
        return HookEvent(
            seq=row["seq"], received_ns=row["received_ns"], session_id=row["session_id"],
            event=row["event"], tool_use_id=row["tool_use_id"],
            transcript_path=row["transcript_path"],
            payload=_loads(self._dec(row["payload"], "hook_events.payload"), {}),
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

    def has_session_events(self, session_id: str) -> bool:
        return bool(self._read(
            "SELECT 1 FROM hook_events WHERE session_id = ? LIMIT 1", (session_id,)))

    def hook_tools(self, tool_use_ids: Iterable[str]) -> dict[str, dict[str, Any]]:
        """What the tool hooks saw, per tool_use_id (only ids with at least one event).

        Keys: tool_name, session_id, agent_id, pre_ns / post_ns (receive times of
        PreToolUse and of PostToolUse or PostToolUseFailure), outcome (that event's name
        or None), failed (PostToolUseFailure fired), duration_ms, error, is_interrupt; the
        last six are exactly the fields of `cctrace.model.build.ToolHookInfo`.
        """
        ids = sorted(set(tool_use_ids))
        out: dict[str, dict[str, Any]] = {}
        for chunk in _chunks(ids):
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

    # -- transcript cursors ------------------------------------------------------------

    def cursor_paths(self, since_ns: int | None = None) -> list[str]:
        """Transcripts with a cursor (updated since `since_ns`), most recent first."""
        sql, params = "SELECT path FROM cursors", []
        if since_ns is not None:
            sql += " WHERE updated_ns >= ?"
            params.append(since_ns)
        return [r["path"] for r in self._read(sql + " ORDER BY updated_ns DESC", params)]

    def get_cursor(self, path: str) -> dict[str, Any] | None:
        rows = self._read("SELECT data FROM cursors WHERE path = ?", (path,))
        return _loads(rows[0]["data"]) if rows else None

    def set_cursor(self, path: str, data: dict[str, Any]) -> None:
        with self._write() as conn:
            conn.execute(
                "INSERT INTO cursors (path, data, updated_ns) VALUES (?, ?, ?)"
                " ON CONFLICT(path) DO UPDATE SET data = excluded.data,"
                " updated_ns = excluded.updated_ns",
                (path, _dumps(data), time.time_ns()),
            )

    # -- traces ------------------------------------------------------------------------

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
                 _dumps(sorted(models)), version, trace.user_id),
            )
            return
        known = set(_loads(row["models"], []))
        newer = last >= row["last_ns"]
        # The cwd names the project, so the first one seen sticks; branch and version
        # follow the latest turn.
        conn.execute(
            "UPDATE sessions SET project = ?, cwd = ?, git_branch = ?, first_ns = ?, last_ns = ?,"
            " models = ?, cc_version = ?, user_id = ? WHERE id = ?",
            (row["project"] or _project(cwd), row["cwd"] or cwd,
             (branch if newer and branch else None) or row["git_branch"] or branch,
             min(first, row["first_ns"]), max(last, row["last_ns"]),
             _dumps(sorted(known | models)),
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
             self._enc(_dumps(trace.input), "traces.input"),
             self._enc(_dumps(trace.output), "traces.output"), trace.user_id, _dumps(trace.tags),
             trace.environment, trace.release,
             self._enc(_dumps(trace.metadata) or "{}", "traces.metadata"),
             int(bool(trace.complete))),
        )

    def _insert_obs(self, conn: sqlite3.Connection, obs: Observation) -> bool:
        cost_total = (obs.cost or {}).get("total") if obs.cost else None
        plain = [obs.id, obs.trace_id, obs.parent_id, obs.type, obs.name, obs.start_ns,
                 obs.end_ns, _dumps(obs.input), _dumps(obs.output), obs.level,
                 obs.status_message, obs.model, _dumps(obs.model_parameters),
                 _dumps(obs.usage), _dumps(obs.cost), cost_total, obs.completion_start_ns,
                 _dumps(obs.metadata) or "{}"]
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

    # -- reading -----------------------------------------------------------------------

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
                user_id=r["user_id"], models=_loads(r["models"], []),
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
            user_id=r["user_id"], models=_loads(r["models"], []),
        )
        self._add_totals([summary])
        return summary

    def _add_totals(self, summaries: list[SessionSummary]) -> None:
        by_id = {s.id: s for s in summaries}
        for chunk in _chunks(list(by_id)):
            marks = ",".join("?" * len(chunk))
            for r in self._read(
                f"SELECT session_id, COUNT(*) AS n FROM traces WHERE session_id IN ({marks})"
                " GROUP BY session_id", chunk,
            ):
                by_id[r["session_id"]].turns = r["n"]
            for r in self._read(
                "SELECT t.session_id AS sid,"
                " SUM(o.type = 'generation') AS gens, SUM(o.type = 'tool') AS tools,"
                " SUM(o.level = 'ERROR') AS errors, SUM(o.cost_total) AS cost"
                " FROM observations o JOIN traces t ON t.id = o.trace_id"
                f" WHERE t.session_id IN ({marks}) GROUP BY t.session_id", chunk,
            ):
                s = by_id[r["sid"]]
                s.generations, s.tool_calls, s.errors = r["gens"], r["tools"], r["errors"]
                s.cost = r["cost"]
            for r in self._read(
                "SELECT t.session_id AS sid, u.key AS kind, SUM(u.value) AS n"
                " FROM observations o JOIN traces t ON t.id = o.trace_id,"
                " json_each(o.usage) u"
                f" WHERE t.session_id IN ({marks}) AND o.type = 'generation'"
                " AND o.usage IS NOT NULL AND u.type = 'integer'"
                " GROUP BY t.session_id, u.key ORDER BY u.key", chunk,
            ):
                by_id[r["sid"]].tokens[r["kind"]] = r["n"]

    def _obs(self, row: sqlite3.Row) -> Observation:
        return Observation(
            id=row["id"], trace_id=row["trace_id"], parent_id=row["parent_id"],
            type=row["type"], name=row["name"], start_ns=row["start_ns"],
            end_ns=row["end_ns"], input=_loads(self._dec(row["input"], "observations.input")),
            output=_loads(self._dec(row["output"], "observations.output")),
            level=row["level"],
            status_message=self._dec(row["status_message"], "observations.status_message"),
            model=row["model"],
            model_parameters=_loads(row["model_parameters"]), usage=_loads(row["usage"]),
            cost=_loads(row["cost"]), completion_start_ns=row["completion_start_ns"],
            metadata=_loads(self._dec(row["metadata"], "observations.metadata"), {}),
        )

    def trace_header(self, trace_id: str) -> tuple[Trace, str | None] | None:
        """A stored trace's listing fields (no content) and its root observation's id."""
        rows = self._read("SELECT * FROM traces WHERE id = ?", (trace_id,))
        if not rows:
            return None
        t = rows[0]
        trace = Trace(id=t["id"], session_id=t["session_id"], name=t["name"],
                      start_ns=t["start_ns"], end_ns=t["end_ns"], user_id=t["user_id"],
                      tags=_loads(t["tags"], []), environment=t["environment"],
                      release=t["release"], complete=bool(t["complete"]))
        root = self._read("SELECT id FROM observations WHERE trace_id = ? AND parent_id IS NULL"
                          " ORDER BY start_ns LIMIT 1", (trace_id,))
        return trace, (root[0]["id"] if root else None)

    def session_tree(self, session_id: str, last: int | None = None) -> list[TraceView]:
        """The session's traces in time order (only the `last` N if given), each with its
        observations as a tree."""
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
            for chunk in _chunks([t["id"] for t in trows]):
                marks = ",".join("?" * len(chunk))
                orows += self._read(
                    f"SELECT * FROM observations WHERE trace_id IN ({marks})", list(chunk))
            orows.sort(key=lambda r: (r["start_ns"], r["end_ns"], r["id"]))
        per_trace: dict[str, list[Observation]] = {}
        for row in orows:
            per_trace.setdefault(row["trace_id"], []).append(self._obs(row))
        views = []
        for t in trows:
            trace = Trace(
                id=t["id"], session_id=t["session_id"], name=t["name"], start_ns=t["start_ns"],
                end_ns=t["end_ns"], input=_loads(self._dec(t["input"], "traces.input")),
                output=_loads(self._dec(t["output"], "traces.output")),
                user_id=t["user_id"], tags=_loads(t["tags"], []), environment=t["environment"],
                release=t["release"],
                metadata=_loads(self._dec(t["metadata"], "traces.metadata"), {}),
                complete=bool(t["complete"]),
            )
            observations = per_trace.get(t["id"], [])
            views.append(TraceView(trace, trace.complete, observations, build_tree(observations)))
        return views

    # -- reports and live views (read-only, no content) -------------------------------

    def report_facts(
        self, since_ns: int | None = None, until_ns: int | None = None,
        session_ids: Sequence[str] | None = None, tools: bool = True,
    ) -> dict[str, list[dict[str, Any]]]:
        """Content-free facts for reports: {"observations": [...], "traces": [...]}.

        Observations are the generations and tools starting in [since_ns, until_ns), with
        type, name, model, times, level, usage, cost (per usage key), cost_total,
        trace_id, session_id and project; traces (turns) likewise with trace_id, session_id,
        project, start_ns, end_ns, complete. With `session_ids`, only those sessions' (a few
        hundred at most: they go into one SQL list); with `tools=False`, generations only.
        """
        where, params = "", []
        if session_ids is not None:
            where += f" AND t.session_id IN ({', '.join('?' * len(session_ids)) or 'NULL'})"
            params.extend(session_ids)
        if since_ns is not None:
            where += " AND o.start_ns >= ?"
            params.append(since_ns)
        if until_ns is not None:
            where += " AND o.start_ns < ?"
            params.append(until_ns)
        rows = self._read(
            "SELECT o.type, o.name, o.model, o.start_ns, o.end_ns, o.level, o.usage, o.cost,"
            " o.cost_total, o.trace_id, t.session_id, s.project FROM observations o"
            " JOIN traces t ON t.id = o.trace_id JOIN sessions s ON s.id = t.session_id"
            " WHERE o.type IN ('generation'" + (", 'tool')" if tools else ")")
            + f"{where} ORDER BY o.start_ns, o.id",
            params,
        )
        observations = []
        for r in rows:
            item = dict(r)
            item["usage"] = _loads(item["usage"], None)
            item["cost"] = _loads(item["cost"], None)
            observations.append(item)
        trows = self._read(
            "SELECT t.id AS trace_id, t.session_id, s.project, t.start_ns, t.end_ns,"
            " t.complete FROM traces t"
            " JOIN sessions s ON s.id = t.session_id WHERE 1 = 1"
            + where.replace("o.start_ns", "t.start_ns") + " ORDER BY t.start_ns, t.id",
            params,
        )
        return {"observations": observations, "traces": [dict(r) for r in trows]}

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

    def last_delivered_ns(self) -> dict[str, int]:
        """Per destination, when a batch was last confirmed delivered (epoch ns)."""
        rows = self._read(
            "SELECT destination, MAX(done_ns) AS ns FROM outbox WHERE state = ?"
            " GROUP BY destination", (DELIVERED,),
        )
        return {r["destination"]: r["ns"] for r in rows if r["ns"] is not None}

    # -- outbox ------------------------------------------------------------------------

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
                 _dumps(list(span_ids)), content_type,
                 PENDING, now, now),
            )
            return int(cur.lastrowid or 0)

    def _batch(self, row: sqlite3.Row) -> OutboxBatch:
        payload = bytes(row["payload"])
        if self.cipher is not None:
            payload = self.cipher.decrypt_bytes(payload, "outbox.payload")
        return OutboxBatch(
            id=row["id"], destination=row["destination"], payload=payload,
            span_ids=_loads(row["span_ids"], []), content_type=row["content_type"],
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
                value = _loads(text, _Sweep)  # the class itself: "not JSON", left alone
                if value is _Sweep:
                    continue
                swept = redact_value(value, _Sweep(fn))
                new = text if swept == value else _dumps(swept)
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
            item["span_ids"] = _loads(item["span_ids"], [])
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

    # -- erasure and retention (cctrace.security.purge / retention) ---------------------

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
            root = project.rstrip("/\\") or project
            escaped = root.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
            where.append("(s.cwd = ? OR s.cwd LIKE ? ESCAPE '\\' OR s.project = ?)")
            params += [root, escaped + "/%", root]
        if where:
            sql += " WHERE " + " AND ".join(where)
        sql += " ORDER BY t.start_ns, t.id"
        return [(r[0], r[1]) for r in self._read(sql, params)]

    def trace_sessions(self, trace_ids: Sequence[str]) -> dict[str, str]:
        """trace id -> session id of the given stored traces."""
        out: dict[str, str] = {}
        for chunk in _chunks(sorted(set(trace_ids))):
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
            for chunk in _chunks(ids):
                marks = ",".join("?" * len(chunk))
                sessions |= {r[0] for r in conn.execute(
                    f"SELECT DISTINCT session_id FROM traces WHERE id IN ({marks})", chunk)}
                obs_ids = [r[0] for r in conn.execute(
                    f"SELECT id FROM observations WHERE trace_id IN ({marks})", chunk)]
                for ochunk in _chunks(obs_ids):
                    omarks = ",".join("?" * len(ochunk))
                    batch_ids = [r[0] for r in conn.execute(
                        "SELECT id FROM outbox WHERE state != ? AND EXISTS (SELECT 1 FROM"
                        f" json_each(outbox.span_ids) j WHERE j.value IN ({omarks}))",
                        [DELIVERED, *ochunk])]
                    for bchunk in _chunks(batch_ids):
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
            for chunk in _chunks(empty):
                marks = ",".join("?" * len(chunk))
                counts["hook_events"] += conn.execute(
                    f"DELETE FROM hook_events WHERE session_id IN ({marks})", chunk).rowcount
                counts["findings"] += self._delete_findings(conn, "session_id", chunk)
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
        Store._delete_finding_batches(conn, ids)
        return conn.execute(f"DELETE FROM findings WHERE {column} IN ({marks})",
                            list(values)).rowcount

    @staticmethod
    def _delete_finding_batches(conn: sqlite3.Connection, finding_ids: Sequence[str]) -> None:
        """Undelivered batches exporting these findings (their scores `<id>-<name>` and
        event spans) go with them: an erased finding is never sent."""
        from cctrace.model.ids import span_id

        for chunk in _chunks(list(finding_ids)):
            spans = [span_id("finding", f) for f in chunk]
            marks = ",".join("?" * len(chunk))
            batch_ids = [r[0] for r in conn.execute(
                "SELECT id FROM outbox WHERE state != ? AND EXISTS (SELECT 1 FROM"
                f" json_each(outbox.span_ids) j WHERE j.value IN ({marks}) OR"
                f" substr(j.value, 1, instr(j.value, '-') - 1) IN ({marks}))",
                [DELIVERED, *spans, *chunk])]
            for bchunk in _chunks(batch_ids):
                bmarks = ",".join("?" * len(bchunk))
                conn.execute(f"DELETE FROM dead_letters WHERE batch_id IN ({bmarks})", bchunk)
                conn.execute(f"DELETE FROM outbox WHERE id IN ({bmarks})", bchunk)

    def purge_older_than(self, cutoff_ns: int) -> dict[str, int]:
        """Retention: every trace that ended before `cutoff_ns` (see `purge_traces`), plus
        hook events received and outbox batches created before it, whatever their state."""
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
        self.checkpoint()
        return counts

    def live_bytes(self) -> int:
        """Bytes the database's live pages take (free pages excluded: deleting rows frees
        pages for reuse without shrinking the file, so the file size would never drop)."""
        with self._lock:
            pages = self._conn.execute("PRAGMA page_count").fetchone()[0]
            free = self._conn.execute("PRAGMA freelist_count").fetchone()[0]
            size = self._conn.execute("PRAGMA page_size").fetchone()[0]
        return max(0, int(pages) - int(free)) * int(size)

    def oldest_settled_traces(self, limit: int) -> list[str]:
        """Up to `limit` trace ids, oldest end first, none of whose spans waits in an
        undelivered outbox batch: what a size cap may evict without losing an export."""
        rows = self._read(
            "SELECT t.id FROM traces t WHERE NOT EXISTS (SELECT 1 FROM outbox o,"
            " json_each(o.span_ids) j JOIN observations ob ON ob.id = j.value"
            " WHERE o.state != ? AND ob.trace_id = t.id) ORDER BY t.end_ns, t.id LIMIT ?",
            (DELIVERED, int(limit)))
        return [r[0] for r in rows]

    def checkpoint(self) -> None:
        """Fold the WAL into the database and truncate it (old page images go with it)."""
        with self._lock:
            try:
                self._conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            except sqlite3.OperationalError:
                pass  # a reader holds the WAL; the next checkpoint will do it

    # -- counters ----------------------------------------------------------------------

    # -- findings ----------------------------------------------------------------------

    def add_findings(self, findings: Sequence[Finding]) -> list[Finding]:
        """Store findings; ones whose id is already stored are ignored. Returns the new."""
        new: list[Finding] = []
        digests = self.row_digests["findings"] = {}
        with self._write() as conn:
            for f in findings:
                if f.severity not in SEVERITIES:
                    raise ValueError(f"finding {f.id}: unknown severity {f.severity!r}")
                plain = [f.id, f.kind, f.rule_id, f.severity, SEVERITIES.index(f.severity),
                         f.title, f.time_ns, f.session_id, f.trace_id, f.observation_id,
                         _dumps(f.tags), _dumps(f.detail), _dumps(f.scores)]
                values = list(plain)
                values[5] = self._enc(f.title, "findings.title")
                values[11] = self._enc(plain[11], "findings.detail")
                cur = conn.execute(
                    "INSERT OR IGNORE INTO findings (id, kind, rule_id, severity, severity_rank,"
                    " title, time_ns, session_id, trace_id, observation_id, tags, detail, scores)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", values)
                if cur.rowcount:
                    new.append(f)
                    digests[f.id] = self._digest_written(conn, "findings", "id", f.id, plain)
        return new

    def findings(
        self,
        session_id: str | None = None,
        severity: str | None = None,
        kind: str | None = None,
        limit: int | None = None,
    ) -> list[Finding]:
        """Findings, newest first; `severity` means that severity or worse."""
        sql = "SELECT * FROM findings WHERE 1 = 1"
        params: list[Any] = []
        if session_id is not None:
            sql += " AND session_id = ?"
            params.append(session_id)
        if severity is not None:
            if severity not in SEVERITIES:
                raise ValueError(f"unknown severity {severity!r} (one of {', '.join(SEVERITIES)})")
            sql += " AND severity_rank >= ?"
            params.append(SEVERITIES.index(severity))
        if kind is not None:
            sql += " AND kind = ?"
            params.append(kind)
        sql += " ORDER BY time_ns DESC, id"
        if limit is not None:
            sql += " LIMIT ?"
            params.append(int(limit))
        return [
            self.finding_from_row(r) for r in self._read(sql, params)
        ]

    def finding_from_row(self, r: sqlite3.Row) -> Finding:
        """A stored finding, its title and detail decrypted."""
        return Finding(
            id=r["id"], kind=r["kind"], rule_id=r["rule_id"], severity=r["severity"],
            title=self._dec(r["title"], "findings.title") or "", time_ns=r["time_ns"],
            session_id=r["session_id"], trace_id=r["trace_id"],
            # Stored before one tag style: shown in it (`normalize_tags`).
            observation_id=r["observation_id"], tags=normalize_tags(_loads(r["tags"], [])),
            detail=_loads(self._dec(r["detail"], "findings.detail"), {}),
            scores=_loads(r["scores"], {}))

    def bump(self, name: str, n: int = 1) -> None:
        with self._write() as conn:
            conn.execute(
                "INSERT INTO counters (name, value) VALUES (?, ?)"
                " ON CONFLICT(name) DO UPDATE SET value = value + excluded.value",
                (name, n),
            )

    def counters(self) -> dict[str, int]:
        return {r["name"]: r["value"] for r in self._read("SELECT * FROM counters ORDER BY name")}


def _enable_wal(conn: sqlite3.Connection) -> None:
    """Switch to WAL once; a database already in WAL needs no lock for that.

    Changing the journal mode does not wait on the busy handler: two processes opening a
    fresh store at once (the worker and `cctrace flush`) can get "database is locked"
    straight away, so that case is retried for up to the busy timeout.
    """
    deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
    while True:
        try:
            mode = conn.execute("PRAGMA journal_mode").fetchone()[0]
            if str(mode).lower() != "wal":
                conn.execute("PRAGMA journal_mode = WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() > deadline:
                raise
            time.sleep(0.02)


def _create_private(path: str) -> None:
    """Create the database file 0600 before SQLite does (its WAL and shm files copy the
    main file's mode), and tighten an existing file."""
    parent = os.path.dirname(path)
    if parent:
        statedir.ensure_dir(parent)
    fd = os.open(path, os.O_CREAT | os.O_RDWR, statedir.FILE_MODE)
    os.close(fd)
    try:
        if os.stat(path).st_mode & 0o077:
            os.chmod(path, statedir.FILE_MODE)
    except OSError:
        pass
