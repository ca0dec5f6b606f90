"""The local store (SQLite, WAL) and local cost; see `db.Store` and `cost.price`."""

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
