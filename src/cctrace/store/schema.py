"""The store's SQLite schema as an ordered list of migrations.

Each migration is applied once, in order, inside one transaction that also records the new
version in `schema_version`; a later release appends to `MIGRATIONS` and never edits an
applied one. Content (prompts, tool input/output, metadata) is JSON text; times are integer
nanoseconds since the epoch.
"""

from __future__ import annotations

import sqlite3

V1 = """
CREATE TABLE sessions (
    id TEXT PRIMARY KEY,
    project TEXT,
    cwd TEXT,
    git_branch TEXT,
    first_ns INTEGER NOT NULL,
    last_ns INTEGER NOT NULL,
    models TEXT NOT NULL DEFAULT '[]',
    cc_version TEXT,
    user_id TEXT
);
CREATE INDEX sessions_last ON sessions(last_ns);

CREATE TABLE traces (
    id TEXT PRIMARY KEY,
    session_id TEXT NOT NULL REFERENCES sessions(id),
    name TEXT NOT NULL,
    start_ns INTEGER NOT NULL,
    end_ns INTEGER NOT NULL,
    input TEXT,
    output TEXT,
    user_id TEXT,
    tags TEXT NOT NULL DEFAULT '[]',
    environment TEXT NOT NULL DEFAULT 'default',
    release TEXT,
    metadata TEXT NOT NULL DEFAULT '{}',
    complete INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX traces_session ON traces(session_id, start_ns);

CREATE TABLE observations (
    id TEXT PRIMARY KEY,
    trace_id TEXT NOT NULL REFERENCES traces(id),
    parent_id TEXT,
    type TEXT NOT NULL,
    name TEXT NOT NULL,
    start_ns INTEGER NOT NULL,
    end_ns INTEGER NOT NULL,
    input TEXT,
    output TEXT,
    level TEXT NOT NULL DEFAULT 'DEFAULT',
    status_message TEXT,
    model TEXT,
    model_parameters TEXT,
    usage TEXT,
    cost TEXT,
    cost_total REAL,
    completion_start_ns INTEGER,
    metadata TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX observations_trace ON observations(trace_id, start_ns);

CREATE TABLE hook_events (
    seq INTEGER PRIMARY KEY,
    received_ns INTEGER NOT NULL,
    session_id TEXT,
    event TEXT NOT NULL,
    tool_use_id TEXT,
    transcript_path TEXT,
    payload TEXT NOT NULL
);
CREATE INDEX hook_events_session ON hook_events(session_id, seq);
CREATE INDEX hook_events_tool ON hook_events(tool_use_id) WHERE tool_use_id IS NOT NULL;

CREATE TABLE cursors (
    path TEXT PRIMARY KEY,
    data TEXT NOT NULL,
    updated_ns INTEGER NOT NULL
);

-- state: pending (due at next_attempt_ns), delivered, dead (never re-sent automatically).
CREATE TABLE outbox (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    destination TEXT NOT NULL,
    payload BLOB NOT NULL,
    span_ids TEXT NOT NULL,
    content_type TEXT NOT NULL,
    state TEXT NOT NULL DEFAULT 'pending',
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_ns INTEGER NOT NULL,
    created_ns INTEGER NOT NULL,
    last_error TEXT,
    status_code INTEGER,
    done_ns INTEGER,
    -- A sender claims a batch before sending it, so the worker and `cctrace flush`
    -- never send the same batch at once (Langfuse would store it twice).
    lease_owner TEXT,
    lease_until_ns INTEGER
);
CREATE INDEX outbox_due ON outbox(state, destination, next_attempt_ns);

CREATE TABLE dead_letters (
    batch_id INTEGER PRIMARY KEY REFERENCES outbox(id),
    destination TEXT NOT NULL,
    status_code INTEGER,
    reason TEXT NOT NULL,
    dead_ns INTEGER NOT NULL
);

-- Conclusions about sessions (see cctrace.findings); detail is redacted JSON.
CREATE TABLE findings (
    id TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    rule_id TEXT NOT NULL,
    severity TEXT NOT NULL,
    severity_rank INTEGER NOT NULL,
    title TEXT NOT NULL,
    time_ns INTEGER NOT NULL,
    session_id TEXT,
    trace_id TEXT,
    observation_id TEXT,
    tags TEXT NOT NULL DEFAULT '[]',
    detail TEXT NOT NULL DEFAULT '{}',
    scores TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX findings_session ON findings(session_id, time_ns);

CREATE TABLE counters (
    name TEXT PRIMARY KEY,
    value INTEGER NOT NULL DEFAULT 0
);
"""

# The coverage judge asks for a session's recent events plus its SessionStarts on every
# batch; with only (session_id, seq) SQLite read the session's whole history each time (a
# 10,000-turn session took 2.7x longer per turn at its end). Each side of that query's OR
# now has an index of its own.
V2 = """
DROP INDEX IF EXISTS hook_events_session;
CREATE INDEX hook_events_recent ON hook_events(session_id, received_ns);
CREATE INDEX hook_events_kind ON hook_events(session_id, event);
"""

# Erasure is final: `cctrace purge` leaves a tombstone per erased trace (and session), which
# the worker, `import` and the outbox respect (cctrace.store.tombstones). `mac` is a keyed
# hash of the subject under the store key, so a row planted behind cctrace's back is void.
# `store_meta` keeps the highest rowid of each audited table at the upgrade: rows written
# before the audit log committed to row digests, which `cctrace verify` cannot judge.
V3 = """
CREATE TABLE tombstones (
    subject TEXT PRIMARY KEY,
    mac TEXT NOT NULL,
    created_ns INTEGER NOT NULL,
    reason TEXT NOT NULL DEFAULT ''
);
CREATE TABLE store_meta (
    key TEXT PRIMARY KEY,
    value INTEGER NOT NULL
);
INSERT INTO store_meta SELECT 'legacy_rowid.observations', COALESCE(MAX(rowid), 0)
    FROM observations;
INSERT INTO store_meta SELECT 'legacy_rowid.traces', COALESCE(MAX(rowid), 0) FROM traces;
INSERT INTO store_meta SELECT 'legacy_rowid.findings', COALESCE(MAX(rowid), 0) FROM findings;
INSERT INTO store_meta SELECT 'legacy_rowid.hook_events', COALESCE(MAX(rowid), 0)
    FROM hook_events;
"""

# Claude Code's own cost count (2.1.x `cost-state` records): the latest of each session
# is that session's total, and all of them teach the unit prices of models the price table
# lacks (cctrace.store.cost.learn_prices). One row per session and record time; a forked
# session's rows name its parent and when it forked: the parent's count then is in Claude
# Code's cumulative figure of the fork and is taken off when read.
V4 = """
CREATE TABLE cost_states (
    session_id TEXT NOT NULL,
    time_ns INTEGER NOT NULL,
    total_usd REAL NOT NULL,
    model_usage TEXT NOT NULL,
    unknown_model_cost INTEGER NOT NULL DEFAULT 0,
    parent_session_id TEXT,
    fork_ns INTEGER,
    PRIMARY KEY (session_id, time_ns)
);
CREATE TABLE session_forks (
    session_id TEXT PRIMARY KEY,
    parent_session_id TEXT NOT NULL,
    fork_ns INTEGER
);
"""

# Claude Code's counts and the fork relations enter the audit log like the other stored
# rows; those stored before that have no entry, and their highest rowid is kept as the
# other tables' was at v3 (the log's next `baseline` entry commits to it).
V5 = """
INSERT OR REPLACE INTO store_meta SELECT 'legacy_rowid.cost_states', COALESCE(MAX(rowid), 0)
    FROM cost_states;
INSERT OR REPLACE INTO store_meta SELECT 'legacy_rowid.session_forks', COALESCE(MAX(rowid), 0)
    FROM session_forks;
"""

# Copies of denied files the capture policy saw made (`cp .env notes.txt`), kept so a later
# batch's read of the copy is withheld too (`cctrace.store.policycopies`): the copy's path
# (encrypted like content), keyed by a keyed hash of it.
V6 = """
CREATE TABLE policy_copies (
    mac TEXT PRIMARY KEY,
    subject TEXT NOT NULL,
    rule TEXT NOT NULL,
    created_ns INTEGER NOT NULL
);
"""

MIGRATIONS: list[str] = [V1, V2, V3, V4, V5, V6]


def current_version(conn: sqlite3.Connection) -> int:
    conn.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)")
    row = conn.execute("SELECT MAX(version) FROM schema_version").fetchone()
    return int(row[0] or 0)


def migrate(conn: sqlite3.Connection) -> int:
    """Bring the database up to the latest version; returns that version.

    Runs under BEGIN IMMEDIATE so two processes opening a fresh store at once do not both
    apply the same migration: the second waits, then finds nothing left to do.
    """
    conn.execute("BEGIN IMMEDIATE")
    try:
        version = current_version(conn)
        if version > len(MIGRATIONS):
            raise RuntimeError(
                f"store schema version {version} is newer than this cctrace "
                f"({len(MIGRATIONS)}); upgrade cctrace"
            )
        for number, script in enumerate(MIGRATIONS[version:], start=version + 1):
            for statement in _statements(script):
                conn.execute(statement)
            conn.execute("INSERT INTO schema_version (version) VALUES (?)", (number,))
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    return len(MIGRATIONS)


def _statements(script: str) -> list[str]:
    # executescript() would commit our transaction, so split on complete statements instead.
    out, buf = [], ""
    for line in script.splitlines(keepends=True):
        if line.strip().startswith("--"):
            continue
        buf += line
        if sqlite3.complete_statement(buf):
            out.append(buf.strip())
            buf = ""
    if buf.strip():
        out.append(buf.strip())
    return out
