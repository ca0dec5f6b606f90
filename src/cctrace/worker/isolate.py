"""A bad transcript record is isolated, never the session: stand-ins and counters.

`isolate_records` finds each record that makes a build or store probe raise (binary search
over the slice), repairs it when only a lone surrogate is wrong, else replaces it with an
unreadable-record stand-in (its error type and size, no content) so the rest of the
session flows. `ENVIRONMENT_ERRORS` are failures that say nothing about the records (disk,
database, a capture policy that must fail closed): they raise. `count_read_problems` keeps
bad lines, resets and skipped record types counted for `cctrace doctor`.
"""

from __future__ import annotations

import copy
import json
import sqlite3
from typing import Any

from cctrace import config as config_mod
from cctrace.store.db import Store
from cctrace.transcript.reader import UNREADABLE, fix_surrogates
from cctrace.transcript.records import Record

# Failures that say nothing about the entries themselves: the slice stays in the spool and
# the step fails (disk, database, a bad capture policy that must fail closed).
ENVIRONMENT_ERRORS: tuple[type[BaseException], ...] = (
    OSError, MemoryError, sqlite3.Error, config_mod.ConfigError)


# Poisoned records one slice may hold before the slice itself is given up (it then fails
# as a whole: the spool entry that named it is quarantined, counted and logged).
MAX_POISONED = 64


def isolate_records(records: list[Record], probe: Any) -> list[Record]:
    """`records` with each record that makes `probe` raise replaced by an unreadable-record
    stand-in (an error event in its turn: error type and size, no content).

    The first record at fault is the last one of the shortest failing prefix (binary
    search); it is replaced and the search goes on from there, so the rest of the session
    flows. Environment failures (disk, database) are not the records' fault: they raise.
    """
    recs = list(records)
    # One pass per poisoned record, and one more to see the slice pass after the last.
    for _ in range(MAX_POISONED + 1):
        error = _fails(probe, recs)
        if error is None:
            return recs
        lo, hi = 0, len(recs) - 1
        while lo < hi:
            mid = (lo + hi) // 2
            if _fails(probe, recs[:mid + 1]) is None:
                lo = mid + 1
            else:
                hi = mid
        # A lone surrogate (valid JSON no UTF-8 encoder takes) is repaired, not dropped.
        try:
            repaired: Record | None = Record(fix_surrogates(copy.deepcopy(recs[lo].data)),
                                             recs[lo].offset)
            if _fails(probe, recs[:lo] + [repaired]) is not None:  # type: ignore[list-item]
                repaired = None
        except ENVIRONMENT_ERRORS:
            raise
        except Exception:  # noqa: BLE001 - not repairable: a stand-in below
            repaired = None
        if repaired is not None:
            recs[lo] = repaired
        else:
            recs[lo] = _stand_in(recs[lo], _fails(probe, recs[:lo + 1]) or error)
    raise RuntimeError(f"more than {MAX_POISONED} records of one slice fail")


def _fails(probe: Any, records: list[Record]) -> BaseException | None:
    try:
        probe(records)
    except ENVIRONMENT_ERRORS:
        raise
    except Exception as exc:  # noqa: BLE001 - the verdict on these records
        return exc
    return None


def _stand_in(rec: Record, exc: BaseException) -> Record:
    data = rec.data if isinstance(rec.data, dict) else {}
    try:
        size = len(json.dumps(data, default=str))
    except Exception:  # noqa: BLE001 - as unencodable as the record itself
        size = 0
    uuid = data.get("uuid") if isinstance(data.get("uuid"), str) else f"offset-{rec.offset}"
    out: dict[str, Any] = {"uuid": uuid, "error": type(exc).__name__, "size": size,
                           "stage": "build"}
    stamp = data.get("timestamp")
    if isinstance(stamp, str) and len(stamp) <= 40:
        out["timestamp"] = stamp
    if data.get("isSidechain") is True:
        out["isSidechain"] = True
    for key in ("sessionId", "cwd", "version"):
        if isinstance(data.get(key), str) and len(data[key]) <= 4096:
            out[key] = data[key]
    if data.get("type") == "user" and not out.get("isSidechain"):
        # A prompt stays a prompt, so its turn keeps its place (its text is not kept).
        blocks = rec.content if _safe_content(rec) else []
        if not any(isinstance(b, dict) and b.get("type") == "tool_result" for b in blocks):
            out.update(type="user", message={"role": "user", "content": (
                f"[WITHHELD:unreadable-record {type(exc).__name__}]")})
            return Record(out, rec.offset)
    out["type"] = UNREADABLE
    return Record(out, rec.offset)


def _safe_content(rec: Record) -> bool:
    try:
        return isinstance(rec.content, list)
    except Exception:  # noqa: BLE001
        return False


def count_read_problems(store: Store, read: dict[str, Any], built: dict[str, Any]) -> None:
    """Never silent: bad lines, resets and record types the builder skipped are counted
    (`cctrace doctor` shows them)."""
    if read.get("bad_lines"):
        store.bump("transcript_bad_lines", int(read["bad_lines"]))
    if read.get("reset"):
        store.bump(f"transcript_reset_{read['reset']}")
    if built.get("unreadable_records"):
        store.bump("transcript_unreadable_records", int(built["unreadable_records"]))
    skipped = built.get("skipped_types")
    if isinstance(skipped, dict) and skipped:
        store.bump("transcript_skipped_records", sum(int(n) for n in skipped.values()))
        for kind, n in skipped.items():
            store.bump(f"transcript_skipped.{_safe_type(kind)}", int(n))


def _safe_type(kind: object) -> str:
    """A record type fit for a counter name (it comes from the transcript: untrusted)."""
    text = str(kind)
    ok = 0 < len(text) <= 40 and all(c.isascii() and (c.isalnum() or c in "_-") for c in text)
    return text if ok else "other"
