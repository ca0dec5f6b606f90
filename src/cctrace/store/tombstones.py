"""Tombstones: what `cctrace purge` erased stays erased.

A tombstone is a row of the `tombstones` table: the subject (`trace:<id>` or
`session:<id>`), a keyed hash of it (HMAC-SHA256 under the store key, see
`Cipher.mac`; a plain SHA-256 when encryption is turned off), when and why. No content.
The worker, `cctrace import`/`flush` (`process_transcript`), the hook-event ingest and the
outbox (spans and findings) drop anything whose trace or session is tombstoned, so a
re-import of a purged transcript restores nothing; `cctrace import --include-purged` is
the user's explicit way back (it lifts the tombstones of what it restores). A row whose
hash does not match was not written by cctrace: it is ignored here and `cctrace verify`
names it. Every tombstone added or lifted is an entry of the audit log.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

TRACE, SESSION = "trace:", "session:"
_CHUNK = 400


@dataclass(frozen=True)
class Tombstone:
    subject: str
    mac: str
    created_ns: int
    reason: str = ""


def row_digest(stone: Tombstone) -> str:
    """What the audit log commits to for a tombstone row."""
    raw = json.dumps([stone.subject, stone.mac, stone.created_ns, stone.reason],
                     separators=(",", ":"), ensure_ascii=True)
    return hashlib.sha256(raw.encode()).hexdigest()


def keyed_hash(store: Any, subject: str) -> str:
    cipher = getattr(store, "cipher", None)
    if cipher is not None:
        return cipher.mac(subject)
    return "sha256:" + hashlib.sha256(subject.encode("utf-8", "surrogatepass")).hexdigest()


def add(store: Any, subjects: Iterable[str], reason: str = "",
        now_ns: int | None = None) -> list[Tombstone]:
    """Tombstone `subjects` (already tombstoned ones are kept as they were); returns the
    new tombstones."""
    now = time.time_ns() if now_ns is None else now_ns
    new: list[Tombstone] = []
    with store.transaction() as conn:
        for subject in sorted(set(subjects)):
            stone = Tombstone(subject, keyed_hash(store, subject), now, reason[:200])
            cur = conn.execute(
                "INSERT OR IGNORE INTO tombstones (subject, mac, created_ns, reason)"
                " VALUES (?, ?, ?, ?)", (stone.subject, stone.mac, stone.created_ns,
                                         stone.reason))
            if cur.rowcount:
                new.append(stone)
    return new


def lift(store: Any, subjects: Iterable[str]) -> list[str]:
    """Remove tombstones (the user's `--include-purged`); returns the subjects lifted."""
    lifted: list[str] = []
    with store.transaction() as conn:
        for subject in sorted(set(subjects)):
            if conn.execute("DELETE FROM tombstones WHERE subject = ?", (subject,)).rowcount:
                lifted.append(subject)
    return lifted


def all_rows(store: Any) -> list[Tombstone]:
    """Every tombstone row as stored (valid or not)."""
    return [Tombstone(r["subject"], r["mac"], r["created_ns"], r["reason"])
            for r in store._read("SELECT * FROM tombstones ORDER BY subject")]


def erased(store: Any, subjects: Sequence[str]) -> set[str]:
    """The subjects among `subjects` that carry a valid tombstone."""
    found: set[str] = set()
    wanted = sorted(set(subjects))
    for i in range(0, len(wanted), _CHUNK):
        chunk = wanted[i:i + _CHUNK]
        rows = store._read(
            f"SELECT subject, mac FROM tombstones WHERE subject IN ({','.join('?' * len(chunk))})",
            chunk)
        found |= {r["subject"] for r in rows if r["mac"] == keyed_hash(store, r["subject"])}
    return found


def any_stones(store: Any) -> bool:
    return bool(store._read("SELECT 1 FROM tombstones LIMIT 1"))


def split(store: Any, items: Sequence[Any], trace_of: Any, session_of: Any
          ) -> tuple[list[Any], list[Any]]:
    """(kept, dropped): items whose trace or session is tombstoned are dropped."""
    if not items or not any_stones(store):
        return list(items), []
    subjects = [s for it in items for s in (TRACE + (trace_of(it) or ""),
                                            SESSION + (session_of(it) or ""))]
    dead = erased(store, subjects)
    kept, dropped = [], []
    for it in items:
        gone = (TRACE + (trace_of(it) or "") in dead) or (SESSION + (session_of(it) or "")
                                                           in dead)
        (dropped if gone else kept).append(it)
    return kept, dropped


def drop_traces(store: Any, traces: list[Any]) -> tuple[list[Any], list[Any]]:
    return split(store, traces, lambda t: t.id, lambda t: t.session_id)


def drop_findings(store: Any, findings: list[Any]) -> list[Any]:
    return split(store, findings, lambda f: f.trace_id, lambda f: f.session_id)[0]


def drop_events(store: Any, events: list[Any]) -> tuple[list[Any], list[Any]]:
    return split(store, events, lambda e: None, lambda e: e.session_id)
