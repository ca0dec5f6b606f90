"""Retention: local content older than `retention.days` (default 30) is deleted.

The decision is to delete whole rows, not to blank content and keep husks: a trace that
ended before the cutoff goes with its observations, findings and undelivered batches, a
session without traces left goes with its hook events, and hook events and outbox batches
older than the cutoff go whatever their state, and so do quarantine records (ids and
sizes of events the worker could not process, `cctrace.spool.quarantine`). Transcript
cursors stay, so an aged-out turn is never re-imported from a transcript that still
exists. `retention.days = 0` turns it off.
The worker calls `maybe_enforce` every step; it runs at most once an hour (a stamp file in
the state dir), so the cost is one `stat` per step.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, field
from typing import Any

from cctrace import statedir

DEFAULT_DAYS = 30
INTERVAL_S = 3600.0
STAMP = os.path.join("security", "retention.last")
DAY_NS = 86_400 * 1_000_000_000


@dataclass
class RetentionReport:
    ran: bool = False
    cutoff_ns: int | None = None
    deleted: dict[str, int] = field(default_factory=dict)


def retention_days(cfg: Any) -> int:
    """`[retention] days` of the config (a non-negative int), else 30."""
    table = cfg.section("retention") if hasattr(cfg, "section") else {}
    value = table.get("days", DEFAULT_DAYS)
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        return DEFAULT_DAYS
    return value


def cutoff(now_ns: int, days: int) -> int:
    return now_ns - days * DAY_NS


def enforce(store: Any, days: int, now_ns: int | None = None,
            state_dir: str | None = None, cfg: Any = None) -> RetentionReport:
    """Delete everything older than `days` days now (0: nothing). With `state_dir`, the
    deletion is recorded in the audit log (`erase` entries: each trace, and "every hook
    event before the cutoff"), so `cctrace verify` tells it from a deletion behind
    cctrace's back."""
    if days <= 0:
        return RetentionReport()
    now = time.time_ns() if now_ns is None else now_ns
    limit = cutoff(now, days)
    doomed = dict(store.select_traces(before_ns=limit)) if state_dir else {}
    report = RetentionReport(True, limit, store.purge_older_than(limit))
    if state_dir:
        record_deletion(state_dir, cfg, doomed, f"retention: {days} days", before_ns=limit)
    return report


def record_deletion(state_dir: str, cfg: Any, trace_sessions: dict[str, str], reason: str,
                    before_ns: int | None = None) -> None:
    """Audit a deletion cctrace made on its own; a log that cannot be written does not undo
    it (`verify` will then name the rows as deleted)."""
    from cctrace import audit

    entries = audit.erasure_entries_for(trace_sessions, reason, before_ns=before_ns,
                                        authorized_by="cctrace")
    try:
        audit.record(state_dir, entries, cfg)
    except (OSError, ValueError):
        pass


def _stamp_path(state_dir: str) -> str:
    return os.path.join(state_dir, STAMP)


def due(state_dir: str, now_s: float | None = None, interval_s: float = INTERVAL_S) -> bool:
    now = time.time() if now_s is None else now_s
    return statedir.stamp_due(_stamp_path(state_dir), now, interval_s)


def maybe_enforce(
    state_dir: str, store: Any, cfg: Any, now_ns: int | None = None,
    interval_s: float = INTERVAL_S,
) -> RetentionReport:
    """Enforce retention if the last run is more than `interval_s` ago (the worker's hook)."""
    now_ns = time.time_ns() if now_ns is None else now_ns
    if not due(state_dir, now_ns / 1e9, interval_s):
        return RetentionReport()
    report = enforce(store, retention_days(cfg), now_ns, state_dir, cfg)
    if report.ran and report.cutoff_ns is not None:
        from cctrace.spool import quarantine

        report.deleted["quarantine"] = quarantine.remove(state_dir, before_ns=report.cutoff_ns)
    statedir.touch_stamp(_stamp_path(state_dir), now_ns / 1e9)
    return report
