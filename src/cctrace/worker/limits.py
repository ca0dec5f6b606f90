"""The worker's side of the size caps: read them from the config, hand the hook its share,
keep the store under its cap.

Caps (`[limits]` in the config, 0 = no cap): `spool_mb` (events waiting for the worker;
above it the hook refuses new events and counts them, see `cctrace.spool.limits`),
`store_mb` (the SQLite store's live pages) and `log_kb` (each log file; one rotated copy
is kept). Over the store cap the worker evicts whole traces, oldest first, but only traces
whose spans were delivered or have no destination: an eviction never costs an export. Each
evicted trace is counted (`store.evicted_cap`). When nothing more can be evicted (batches
wait for a destination that is down), ingestion pauses: the events wait in the spool,
`store.full_cap` counts the pauses, and the spool cap takes over from there.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from cctrace.spool import limits as spool_limits

MB = 1024 * 1024
DEFAULT_STORE_MB = 4096
# Evicting stops once the store is below this share of its cap, so that it does not run
# again on the very next batch.
LOW_WATER = 0.9
EVICT_CHUNK = 50


@dataclass(frozen=True)
class Caps:
    """The caps in bytes; 0 means no cap."""

    spool_bytes: int = spool_limits.DEFAULT_SPOOL_BYTES
    store_bytes: int = DEFAULT_STORE_MB * MB
    log_bytes: int = spool_limits.DEFAULT_LOG_BYTES


def _size(table: dict[str, Any], key: str, default: int, unit: int) -> int:
    value = table.get(key)
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        return default
    return value * unit


def caps(cfg: Any) -> Caps:
    """The `[limits]` caps of a config; a missing or invalid value keeps its default."""
    table = cfg.section("limits") if hasattr(cfg, "section") else {}
    return Caps(
        spool_bytes=_size(table, "spool_mb", spool_limits.DEFAULT_SPOOL_BYTES, MB),
        store_bytes=_size(table, "store_mb", DEFAULT_STORE_MB * MB, MB),
        log_bytes=_size(table, "log_kb", spool_limits.DEFAULT_LOG_BYTES, 1024),
    )


def publish(state_dir: str, c: Caps) -> None:
    """Hand the hook its caps (`<state>/limits`); a no-op when unchanged."""
    try:
        spool_limits.write_limits(state_dir, c.spool_bytes, c.log_bytes)
    except OSError:
        pass  # a read-only or full state dir: the hook keeps the caps it has (or defaults)


@dataclass
class StoreCapReport:
    live_bytes: int = 0
    evicted_traces: int = 0
    full: bool = False


def enforce_store_cap(store: Any, cap_bytes: int, state_dir: str | None = None
                      ) -> StoreCapReport:
    """Evict settled traces, oldest first, until the store is below its low-water mark.

    `full` is True when the store stays at or above its cap with nothing left to evict.
    With `state_dir`, each eviction is an `erase` entry of the audit log.
    """
    report = StoreCapReport(live_bytes=store.live_bytes())
    if not cap_bytes or report.live_bytes < cap_bytes:
        return report
    target = int(cap_bytes * LOW_WATER)
    while report.live_bytes >= target:
        victims = store.oldest_settled_traces(EVICT_CHUNK)
        if not victims:
            break
        sessions = store.trace_sessions(victims) if state_dir else {}
        store.purge_traces(victims)
        if state_dir:
            from cctrace.security.retention import record_deletion

            record_deletion(state_dir, None, sessions, "store cap (limits.store_mb)")
        report.evicted_traces += len(victims)
        report.live_bytes = store.live_bytes()
    if report.evicted_traces:
        store.bump("store.evicted_cap", report.evicted_traces)
    report.full = report.live_bytes >= cap_bytes
    return report


@dataclass
class StoreRoom:
    full: bool
    message: str | None = None  # what to log, when something changed


_paused = False  # this process's last verdict: a pause is counted once, not every step


def store_room(store: Any, cap_bytes: int, state_dir: str | None = None) -> StoreRoom:
    """Enforce the store cap before a slice is ingested; `full` pauses ingestion."""
    global _paused
    cap = enforce_store_cap(store, cap_bytes, state_dir)
    message = None
    if cap.evicted_traces:
        message = (f"store cap: evicted {cap.evicted_traces} delivered trace(s), "
                   f"{cap.live_bytes} bytes live")
    if cap.full and not _paused:
        store.bump("store.full_cap")
        message = (f"store cap reached ({cap.live_bytes} bytes live, nothing delivered to "
                   "evict): events wait in the spool")
    _paused = cap.full
    return StoreRoom(cap.full, message)

