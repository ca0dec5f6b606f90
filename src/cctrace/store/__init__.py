"""The local store (SQLite, WAL) and local cost; `db.Store` composes one module per table
concern (see `db` for which module owns which table), `cost.price` prices generations."""

from cctrace.store.db import (
    AmbiguousSession,
    HookEvent,
    ObservationNode,
    OutboxBatch,
    SessionSummary,
    Store,
    TraceView,
)

__all__ = [
    "AmbiguousSession",
    "HookEvent",
    "ObservationNode",
    "OutboxBatch",
    "SessionSummary",
    "Store",
    "TraceView",
]
