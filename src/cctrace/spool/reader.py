"""Reading the spool for the worker: pending events in seq order, and acknowledging them.

There is exactly one reader at a time (the worker holds `worker.lock`), and writers only ever
create final names by rename, so listing final names gives complete files, and a file is
read again only if it was not acked. Events whose file cannot be parsed are still returned,
with `payload` None and the reason in `error`, so the caller can record and ack them
instead of getting stuck on them. Error reasons never quote payload content.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from cctrace.spool import diag, layout

TEMP_GRACE_SECONDS = 600.0
_MAX_HEADER = 4096


@dataclass
class SpoolEntry:
    """One spooled hook event. `payload` is None when it could not be used (see `error`)."""

    seq: int
    received_ns: int
    event: str | None
    payload: dict[str, Any] | None
    path: str
    size: int  # bytes of the payload as the hook received it
    error: str | None = None
    oversize: bool = False
    pid: int | None = None
    # Watched environment variables the event arrived with: name -> CRC-32 of the value
    # (`cctrace.hook.envnote`); never used for capture, only compared and reported.
    env: dict[str, int] | None = None


def _parse_header(raw: bytes) -> dict[str, Any] | None:
    try:
        head = json.loads(raw)
    except ValueError:
        return None
    if not isinstance(head, dict) or head.get("v") != 1:
        return None
    for key in ("received_ns", "size", "stored"):
        if not isinstance(head.get(key), int) or isinstance(head.get(key), bool):
            return None
    return head


def _parse_payload(body: bytes) -> tuple[dict[str, Any] | None, str | None]:
    if not body.strip():
        return None, "empty payload"
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as exc:
        return None, f"payload is not UTF-8 (byte {exc.start})"
    try:
        value = json.loads(text)
    except json.JSONDecodeError as exc:
        return None, f"payload is not valid JSON: {exc.msg} at char {exc.pos}"
    except RecursionError:
        return None, "payload is not valid JSON: nested too deeply"
    if not isinstance(value, dict):
        return None, f"payload is a JSON {type(value).__name__}, not an object"
    return value, None


def read_entry(path: str, seq: int) -> SpoolEntry:
    """Parse one spool file (see `cctrace.spool.writer` for the layout)."""
    with open(path, "rb") as fh:
        data = fh.read()
    newline = data.find(b"\n", 0, _MAX_HEADER)
    head = _parse_header(data[:newline]) if newline >= 0 else None
    if head is None:
        return SpoolEntry(seq, 0, None, None, path, len(data), error="corrupt spool header")
    body = data[newline + 1 :]
    event = head.get("event") if isinstance(head.get("event"), str) else None
    pid = head.get("pid") if isinstance(head.get("pid"), int) else None
    note = head.get("env")
    # Only a mapping of names to ints: anything else (a list, a string) would reach the
    # worker's environment findings, fail there, and send a good event to the quarantine.
    note = ({k: v for k, v in note.items() if isinstance(k, str) and isinstance(v, int)}
            if isinstance(note, dict) else None)
    entry = SpoolEntry(
        seq, head["received_ns"], event, None, path, head["size"],
        oversize=head.get("oversize") is True, pid=pid,
        env=note or None,
    )
    if len(body) != head["stored"]:
        entry.error = f"torn spool file: {len(body)} of {head['stored']} bytes"
    elif entry.oversize:
        entry.error = f"payload too large: {head['size']} bytes, not stored"
    else:
        entry.payload, entry.error = _parse_payload(body)
        if entry.payload is not None and entry.event is None:
            name = entry.payload.get("hook_event_name")
            entry.event = name if isinstance(name, str) else None
    return entry


def clean_temp_files(
    state_dir: str, grace_seconds: float = TEMP_GRACE_SECONDS, now: float | None = None
) -> int:
    """Delete temp files that crashed hooks left behind; returns how many were removed.

    The grace period is far above any live hook's lifetime (Claude Code kills hooks after
    their timeout), so a writer still at work is never robbed of its file.
    """
    now = time.time() if now is None else now
    removed = 0
    try:
        with os.scandir(layout.spool_dir(state_dir)) as it:
            for entry in it:
                if not entry.name.startswith(layout.TEMP_PREFIX):
                    continue
                try:
                    if now - entry.stat(follow_symlinks=False).st_mtime > grace_seconds:
                        os.unlink(entry.path)
                        removed += 1
                except FileNotFoundError:
                    continue
    except (FileNotFoundError, NotADirectoryError):
        return 0
    return removed


def read_pending(state_dir: str, limit: int | None = None) -> list[SpoolEntry]:
    """Pending events, lowest seq first (at most `limit`); also sweeps stale temp files
    and reserves the hook's anomaly counters (see `diag.reserve_counters`)."""
    clean_temp_files(state_dir)
    diag.reserve_counters(state_dir)
    seqs = layout.list_seqs(state_dir)
    if limit is not None:
        seqs = seqs[: max(limit, 0)]
    folder = layout.spool_dir(state_dir)
    entries = []
    for seq in seqs:
        path = os.path.join(folder, layout.event_name(seq))
        try:
            entries.append(read_entry(path, seq))
        except FileNotFoundError:
            continue  # acked by an earlier reader between listing and reading
        except OSError as exc:
            entries.append(SpoolEntry(seq, 0, None, None, path, 0,
                                      error=f"unreadable spool file: {exc.strerror}"))
    return entries


def ack(entries: Iterable[SpoolEntry]) -> int:
    """Delete processed events' files; returns how many were deleted (missing ones are fine)."""
    done = 0
    for entry in entries:
        try:
            os.unlink(entry.path)
            done += 1
        except FileNotFoundError:
            continue
    return done

