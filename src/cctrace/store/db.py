"""`Store`: the local SQLite store, composed of one class per concern.

One file, `<state dir>/cctrace.db` (0600), in WAL mode so the background worker and CLI
commands can use it at the same time; every write is one short `BEGIN IMMEDIATE`
transaction and readers never block writers. Trace inserts are idempotent (observations
are `INSERT OR IGNORE` by id) and report which observations were new, which is what gets
exported; the outbox holds serialized export batches until a destination confirms them, so
a confirmed batch is never sent twice. Only traces that passed the redaction stage are
accepted.

`Store` only composes; each table is written and read in the module named for it:
- `connection`: opening, `transaction()`, `_read()`, cipher hooks, JSON codec, checkpoint;
- `schema`: every table and its migrations (the one place the schema is defined);
- `hooks`: `hook_events`; `cursors`: `cursors`;
- `traces`: writes of `sessions`, `traces`, `observations`; `sessions`: reading them back;
- `facts`: content-free report rows; `outbox`: `outbox` and `dead_letters`;
- `findings`: `findings`; `counters`: `counters`; `erasure`: purge and retention deletes;
- `costs`: `cost_states`, `session_forks` and pricing when read (cost, source, unpriced);
- `policycopies`: `policy_copies` (what the capture policy keeps between batches);
- `tombstones`: `tombstones` (functions over a `Store`); `digest`: row digests for audit.
A new method goes in its concern's class; the names below stay importable from here.
"""

from __future__ import annotations

from cctrace.store.connection import DB_NAME, Connection, dumps
from cctrace.store.costs import Costs
from cctrace.store.counters import Counters
from cctrace.store.cursors import Cursors
from cctrace.store.erasure import Erasure
from cctrace.store.facts import Facts
from cctrace.store.findings import Findings
from cctrace.store.hooks import HookEvent, HookEvents
from cctrace.store.outbox import DEAD, DELIVERED, PENDING, Outbox, OutboxBatch
from cctrace.store.policycopies import PolicyCopies
from cctrace.store.sessions import (
    AmbiguousSession,
    ObservationNode,
    Sessions,
    SessionSummary,
    TraceView,
    build_tree,
)
from cctrace.store.traces import Traces

# Older name of the content-column JSON codec.
_dumps = dumps


class Store(HookEvents, Cursors, Traces, Sessions, Facts, Costs, Outbox, Erasure, Findings,
            Counters, PolicyCopies, Connection):
    """A connection to the store with every concern's reads and writes; safe to share
    between threads of one process."""


__all__ = [
    "DB_NAME", "DEAD", "DELIVERED", "PENDING", "AmbiguousSession", "HookEvent",
    "ObservationNode", "OutboxBatch", "SessionSummary", "Store", "TraceView", "build_tree",
]
