"""The spool quarantine: what is kept of an event the worker could not process.

Nothing raw at rest. A spool file holds the hook payload as Claude Code sent it (prompt,
tool input and output, a denied file's content); when ingesting it raises for a reason of
its own, the worker deletes that file and keeps a record of ids, names and sizes only
(seq, receive time, event, session, tool name and tool-use id, payload size, exception
type), encrypted with the store's cipher (AES-GCM, associated data `quarantine`) as
`<spool>/quarantine/<seq>.q` (0600). The transcript still holds the content; `cctrace
import` re-reads it. Raw copies an older release left there (`*.evt`) are converted by
`sweep` on the worker's next step.

`cctrace purge` (by session, date or `--quarantine`), retention and the store cap
(`MAX_RECORDS`, oldest first) delete records; `cctrace doctor` reports any as a problem.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterable
from typing import Any

from cctrace import statedir
from cctrace.spool import layout

DIRNAME = "quarantine"
SUFFIX = ".q"
COLUMN = "quarantine"
# The store cap covers the quarantine too: at most this many records, oldest dropped.
MAX_RECORDS = 1000
_ID = re.compile(r"[A-Za-z0-9_.:@-]{1,128}")


def folder(state_dir: str) -> str:
    return os.path.join(layout.spool_dir(state_dir), DIRNAME)


def _cipher(state_dir: str) -> Any:
    from cctrace.security.crypto import cipher_for_state_dir

    return cipher_for_state_dir(state_dir)


def _id(value: Any) -> str | None:
    """An id or a name as it may be kept (anything else could be content)."""
    return value if isinstance(value, str) and _ID.fullmatch(value) else None


def record_of(entry: Any, exc: BaseException | None = None) -> dict[str, Any]:
    """What is kept of a spool entry: ids, names and sizes."""
    payload = entry.payload if isinstance(entry.payload, dict) else {}
    return {
        "seq": entry.seq, "received_ns": entry.received_ns, "size": entry.size,
        "event": _id(entry.event) or _id(payload.get("hook_event_name")),
        "session_id": _id(payload.get("session_id")), "tool_name": _id(payload.get("tool_name")),
        "tool_use_id": _id(payload.get("tool_use_id")),
        "error": type(exc).__name__ if exc is not None else None,
    }


def _write(state_dir: str, record: dict[str, Any]) -> str:
    root = statedir.ensure_dir(folder(state_dir))
    data = json.dumps(record, sort_keys=True).encode()
    cipher = _cipher(state_dir)
    if cipher is not None:
        data = cipher.encrypt_bytes(data, COLUMN)
    path = os.path.join(root, layout.event_name(int(record["seq"]))[:-4] + SUFFIX)
    tmp = path + ".tmp"
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, statedir.FILE_MODE)
    try:
        os.write(fd, data)
    finally:
        os.close(fd)
    os.replace(tmp, path)
    return path


def keep(state_dir: str, entry: Any, exc: BaseException | None = None) -> str:
    """Record `entry` (ids and sizes, encrypted) and delete its raw spool file."""
    path = _write(state_dir, record_of(entry, exc))
    try:
        os.unlink(entry.path)
    except FileNotFoundError:
        pass
    enforce_cap(state_dir)
    return path


def _names(state_dir: str) -> list[str]:
    try:
        return sorted(os.listdir(folder(state_dir)))
    except (FileNotFoundError, NotADirectoryError):
        return []


def sweep(state_dir: str) -> int:
    """Convert raw copies an older release quarantined (`*.evt`); returns how many."""
    from cctrace.spool.reader import read_entry

    done = 0
    for name in _names(state_dir):
        seq = layout.parse_seq(name)
        if seq is None:
            continue
        path = os.path.join(folder(state_dir), name)
        try:
            entry = read_entry(path, seq)
        except OSError:
            continue
        keep(state_dir, entry)
        done += 1
    return done


def records(state_dir: str) -> list[tuple[str, dict[str, Any] | None]]:
    """(path, record) of every record, oldest seq first; None when it cannot be read."""
    cipher = _cipher(state_dir)
    out: list[tuple[str, dict[str, Any] | None]] = []
    for name in _names(state_dir):
        if not name.endswith(SUFFIX):
            continue
        path = os.path.join(folder(state_dir), name)
        try:
            with open(path, "rb") as fh:
                data = fh.read()
            if cipher is not None:
                data = cipher.decrypt_bytes(data, COLUMN)
            record = json.loads(data)
            out.append((path, record if isinstance(record, dict) else None))
        except (OSError, ValueError):
            out.append((path, None))
    return out


def count(state_dir: str) -> int:
    """Records and raw copies present (what `doctor` reports)."""
    return sum(1 for n in _names(state_dir)
               if n.endswith(SUFFIX) or layout.parse_seq(n) is not None)


def remove(state_dir: str, *, session_ids: Iterable[str] | None = None,
           before_ns: int | None = None, everything: bool = False) -> int:
    """Delete the records of the given sessions, received before `before_ns`, or all of
    them; unreadable records go with `before_ns` and `everything`. Returns how many."""
    sessions = set(session_ids or ())
    removed = 0
    for path, rec in records(state_dir):
        drop = everything
        if rec is None:
            drop = drop or before_ns is not None
        else:
            drop = drop or rec.get("session_id") in sessions or (
                before_ns is not None and int(rec.get("received_ns") or 0) < before_ns)
        if drop:
            try:
                os.unlink(path)
                removed += 1
            except FileNotFoundError:
                continue
    return removed


def enforce_cap(state_dir: str, max_records: int = MAX_RECORDS) -> int:
    """Drop the oldest records beyond `max_records`; returns how many."""
    names = [n for n in _names(state_dir) if n.endswith(SUFFIX)]
    extra = names[:max(0, len(names) - max_records)]
    for name in extra:
        try:
            os.unlink(os.path.join(folder(state_dir), name))
        except FileNotFoundError:
            continue
    return len(extra)
