"""What the worker refreshes beside ingestion: the statusline summary and the idle sweeps.

The statusline's summary file is rewritten after a step that stored something, at most
once per `SUMMARY_INTERVAL_S` while events keep coming, and at once when the spool is
drained; the sweep for sessions no hook ran in (`audit.unhooked`) runs when the spool is
drained. Both are display and coverage aids: a failure is logged, never fatal.
"""

from __future__ import annotations

import time

from cctrace.config import Config
from cctrace.store.db import Store
from cctrace.worker import conclude, lifecycle

# The statusline summary is rewritten after a step that stored something, at most once per
# SUMMARY_INTERVAL_S while events keep coming, and at once when the spool is drained (the
# next step finds no entries), so a burst ends with fresh figures without rebuilding them
# after every slice (a rebuild reads 48 hours of model calls: bench/statusline.py --turns).
SUMMARY_INTERVAL_S = 5.0
_due: dict[str, float] = {}   # state dir -> monotonic time a rebuild may run
_last: dict[str, float] = {}


def note_unhooked(state_dir: str, store: Store, cfg: Config) -> None:
    """Sessions no hook ran in (`audit.unhooked`), once the spool is drained; a failure is
    logged, never fatal (the next sweep looks again)."""
    try:
        conclude.note_unhooked(store, cfg)
    except Exception as exc:  # noqa: BLE001 - a coverage aid must not stop ingestion
        lifecycle.log_exception(state_dir, "unhooked sessions", exc)


def refresh_summary(state_dir: str, store: Store) -> None:
    """Rewrite the statusline's summary file; a failure is logged, never fatal (the
    statusline then shows the previous figures)."""
    from cctrace.report import summary

    try:
        summary.refresh(state_dir, store)
    except Exception as exc:  # noqa: BLE001 - a display aid must not stop ingestion
        lifecycle.log_exception(state_dir, "statusline summary", exc)


def stored(state_dir: str) -> None:
    """A step stored events: the summary is due, no sooner than an interval after the last."""
    _due.setdefault(state_dir, _last.get(state_dir, -SUMMARY_INTERVAL_S) + SUMMARY_INTERVAL_S)


def summary_if_due(state_dir: str, store: Store, *, drained: bool) -> None:
    """Rewrite the summary if it is due and the spool is drained or its time has come."""
    if state_dir in _due and (drained or time.monotonic() >= _due[state_dir]):
        refresh_summary(state_dir, store)
        _due.pop(state_dir)
        _last[state_dir] = time.monotonic()
