"""Recovering from a corrupt store: quarantine the file, rebuild from transcripts, never resend.

The store is a cache of what the transcripts say plus the record of what was delivered.
When SQLite reports corruption (SQLITE_CORRUPT or SQLITE_NOTADB), `quarantine` moves the
database and its WAL/SHM files aside as `cctrace.db.corrupt-<ns>` (kept for inspection,
never deleted), salvages from the damaged copy whatever span ids it can still read as
delivered into `<state>/delivered-before-rebuild.txt`, counts `store.rebuilt` and logs it.
The next `Store.open` creates an empty store; transcripts are then re-read from their
start (cursors lived in the old store) by the next event of each session or by
`cctrace import`, which re-derive the same deterministic ids. `outbox.enqueue` skips the
salvaged ids (`delivered_before_rebuild`), so a rebuild resends only what the old store
had not confirmed, or could no longer tell. Hook events that were only in the old store
are gone (their content is in the transcripts); that loss is what `store.rebuilt` counts.
"""

from __future__ import annotations

import os
import sqlite3
import time

from cctrace.spool import diag

DB_NAME = "cctrace.db"
LEDGER_NAME = "delivered-before-rebuild.txt"
# SQLite primary result codes meaning "this file is damaged", not "busy" or "full".
SQLITE_CORRUPT = 11
SQLITE_NOTADB = 26
_CORRUPT_TEXT = ("file is not a database", "database disk image is malformed")

_ledger_cache: dict[str, tuple[float, frozenset[str]]] = {}


def is_corruption(exc: BaseException) -> bool:
    """True when `exc` says the database file itself is damaged."""
    if not isinstance(exc, sqlite3.DatabaseError) or isinstance(exc, sqlite3.OperationalError):
        return False
    code = getattr(exc, "sqlite_errorcode", None)
    if isinstance(code, int):
        return code & 0xFF in (SQLITE_CORRUPT, SQLITE_NOTADB)
    return any(text in str(exc) for text in _CORRUPT_TEXT)  # Python 3.10: no error code


def salvage_delivered(db_path: str) -> set[str]:
    """Span ids the (damaged) database still shows as delivered; empty if unreadable."""
    out: set[str] = set()
    try:
        conn = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    except sqlite3.Error:
        return out
    try:
        import json

        for (raw,) in conn.execute("SELECT span_ids FROM outbox WHERE state = 'delivered'"):
            try:
                ids = json.loads(raw) if raw else []
            except ValueError:
                continue
            out.update(i for i in ids if isinstance(i, str) and i.isalnum() and len(i) <= 64)
    except sqlite3.Error:
        pass  # partial salvage is fine: what is left unread may be resent, never lost
    finally:
        conn.close()
    return out


def _append_ledger(state_dir: str, ids: set[str]) -> None:
    if not ids:
        return
    path = os.path.join(state_dir, LEDGER_NAME)
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        os.write(fd, "".join(f"{i}\n" for i in sorted(ids)).encode("ascii"))
        os.fsync(fd)
    finally:
        os.close(fd)


def quarantine(state_dir: str, reason: str = "corrupt") -> str:
    """Move the store aside (salvaging delivered ids first); returns the quarantined path."""
    db = os.path.join(state_dir, DB_NAME)
    dest = f"{db}.corrupt-{time.time_ns()}"
    # Salvage before moving: the WAL may hold the newest delivery records.
    _append_ledger(state_dir, salvage_delivered(db))
    for suffix in ("", "-wal", "-shm"):
        try:
            os.replace(db + suffix, dest + suffix)
        except FileNotFoundError:
            continue
    try:
        diag.bump_counter(state_dir, "store.rebuilt")
        diag.append_log(state_dir, "worker", f"store quarantined ({reason}) as "
                        f"{os.path.basename(dest)}; rebuilding from transcripts")
    except OSError:
        pass
    return dest


def delivered_before_rebuild(state_dir: str) -> frozenset[str]:
    """Span ids confirmed delivered by a store that was since quarantined (cached by mtime)."""
    path = os.path.join(state_dir, LEDGER_NAME)
    try:
        mtime = os.stat(path).st_mtime
    except OSError:
        return frozenset()
    cached = _ledger_cache.get(path)
    if cached and cached[0] == mtime:
        return cached[1]
    try:
        with open(path, encoding="ascii", errors="replace") as fh:
            ids = frozenset(line.strip() for line in fh if line.strip())
    except OSError:
        return frozenset()
    _ledger_cache[path] = (mtime, ids)
    return ids


def check_store(state_dir: str) -> str | None:
    """Open the store once; if it is corrupt, quarantine it. Returns the quarantined path."""
    from cctrace.store.db import Store

    try:
        with Store.open(state_dir) as store:
            store._read("SELECT COUNT(*) FROM outbox WHERE state = 'pending'")
    except sqlite3.DatabaseError as exc:
        if is_corruption(exc):
            return quarantine(state_dir, type(exc).__name__)
        raise
    return None
