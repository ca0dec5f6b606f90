"""Where the store stage's CPU goes: each part of writing the rows, timed alone.

Runs one full pass of a generated transcript (`worker_pipeline.measure_full`) and keeps
what the store was given and wrote: the values `Traces` JSON-encoded, the texts it
encrypted, the rows it digested and the observation rows as inserted. Then times, on
those exact inputs (best of `--runs`, `time.process_time`):

- JSON text (`connection.dumps`) of strings of 2 KB and more, and of everything else;
- `Cipher.encrypt_text` (AES-GCM, base64), and base64 alone on the same sizes;
- row digests (`digest.as_stored` + `digest.row_digest`), and SHA-256 alone;
- the observation INSERTs and their COMMITs into a fresh WAL database with the store's
  pragmas, per page size (`--pages`).

    python bench/store_parts.py [--mb 100] [--pages 4096,16384] [--runs 3]
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import os
import shutil
import sqlite3
import sys
import tempfile
import time
from collections.abc import Callable
from typing import Any

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import worker_pipeline  # noqa: E402
from transcript_gen import generate  # noqa: E402

from cctrace.model import jsontext  # noqa: E402
from cctrace.security.crypto import Cipher  # noqa: E402
from cctrace.store import connection, digest, schema, traces  # noqa: E402

INSERT = ("INSERT OR IGNORE INTO observations (id, trace_id, parent_id, type, name, start_ns,"
          " end_ns, input, output, level, status_message, model, model_parameters, usage,"
          " cost, cost_total, completion_start_ns, metadata)"
          " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")


def capture(path: str) -> dict[str, Any]:
    """One full pass; what the store encoded, encrypted, digested and inserted."""
    got: dict[str, Any] = {"values": [], "texts": [], "rows": [], "inserted": []}
    dumps, enc = traces.dumps, connection.Connection._enc
    written = connection.Connection._digest_written

    def keep_dumps(value: Any) -> Any:
        got["values"].append(value)
        return dumps(value)

    def keep_enc(self: Any, text: Any, column: str) -> Any:
        if text:
            got["texts"].append((text, column))
        return enc(self, text, column)

    def keep_written(self: Any, conn: Any, table: str, key: str, ident: Any,
                     plain: Any) -> str:
        got["rows"].append((table, list(plain)))
        return written(self, conn, table, key, ident, plain)

    traces.dumps = keep_dumps
    connection.Connection._enc = keep_enc  # type: ignore[method-assign]
    connection.Connection._digest_written = keep_written  # type: ignore[method-assign]
    state = tempfile.mkdtemp(prefix="cctrace-parts-")
    try:
        worker_pipeline.measure_full(path, state)
    finally:
        traces.dumps, connection.Connection._enc = dumps, enc  # type: ignore[method-assign]
        connection.Connection._digest_written = written  # type: ignore[method-assign]
        shutil.rmtree(state, ignore_errors=True)
    cipher = Cipher(os.urandom(32))
    secret = [(digest.COLUMNS["observations"].index(c), f"observations.{c}")
              for c in sorted(digest.ENCRYPTED["observations"])]
    for table, plain in got["rows"]:
        if table == "observations":
            row = list(plain)
            for i, column in secret:
                row[i] = cipher.encrypt_text(row[i], column) if row[i] else row[i]
            got["inserted"].append(row)
    return got


def _fresh_json(values: list[Any]) -> list[Any]:
    """`dumps` of each value with `json_string`'s memo of recent literals emptied first
    (it would hand back the literals of the previous run)."""
    jsontext._recent.clear()
    jsontext._recent_chars = 0
    return [connection.dumps(v) for v in values]


def best(fn: Callable[[], object], runs: int) -> float:
    out = float("inf")
    for _ in range(runs):
        t0 = time.process_time()
        fn()
        out = min(out, time.process_time() - t0)
    return out


def insert_and_commit(rows: list[list[Any]], page_size: int, runs: int) -> tuple[float, float]:
    """INSERT and COMMIT CPU seconds of `rows` in transactions of 300 (a read slice's)."""
    results = []
    for _ in range(runs):
        work = tempfile.mkdtemp(prefix="cctrace-parts-")
        conn = sqlite3.connect(os.path.join(work, "db"), isolation_level=None)
        try:
            conn.execute(f"PRAGMA page_size = {page_size}")
            conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("PRAGMA synchronous = NORMAL")
            conn.execute(f"PRAGMA cache_size = -{connection.CACHE_KB}")
            conn.execute("PRAGMA wal_autocheckpoint = "
                         f"{connection.WAL_CHECKPOINT_BYTES // page_size}")
            schema.migrate(conn)  # the store's tables (foreign keys off: no trace rows)
            ins = com = 0.0
            for k in range(0, len(rows), 300):
                t0 = time.process_time()
                conn.execute("BEGIN IMMEDIATE")
                for row in rows[k:k + 300]:
                    conn.execute(INSERT, row)
                t1 = time.process_time()
                conn.execute("COMMIT")
                ins, com = ins + t1 - t0, com + time.process_time() - t1
            results.append((ins, com))
        finally:
            conn.close()
            shutil.rmtree(work, ignore_errors=True)
    return min(r[0] for r in results), min(r[1] for r in results)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--mb", type=float, default=100.0)
    ap.add_argument("--pages", default="4096,16384")
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args(argv)
    work = tempfile.mkdtemp(prefix="cctrace-parts-")
    try:
        path = os.path.join(work, "t.jsonl")
        generate(path, int(args.mb * 1048576), None, seed=1)
        got = capture(path)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    big = [v for v in got["values"] if type(v) is str and len(v) >= 2048]
    small = [v for v in got["values"] if not (type(v) is str and len(v) >= 2048)]
    texts, rows = got["texts"], got["rows"]
    cipher = Cipher(os.urandom(32))
    sealed = [os.urandom(len(t.encode()) + 28) for t, _ in texts]
    mb = 1048576
    print(f"{args.mb:.0f} MB transcript: {len(got['inserted'])} observation rows; best of "
          f"{args.runs}\n")
    print("| part | inputs | CPU s |")
    print("|---|---|---|")
    part = [
        ("JSON text, strings >= 2 KB", f"{len(big)}, {sum(map(len, big)) / mb:.0f} MB",
         lambda: _fresh_json(big)),
        ("JSON text, everything else", f"{len(small)} values",
         lambda: [connection.dumps(v) for v in small]),
        ("AES-GCM + base64 (`encrypt_text`)",
         f"{len(texts)}, {sum(len(t) for t, _ in texts) / mb:.0f} MB",
         lambda: [cipher.encrypt_text(t, c) for t, c in texts]),
        ("base64 alone, same sizes", "", lambda: [base64.b64encode(b) for b in sealed]),
        ("row digests (`as_stored` + `row_digest`)", f"{len(rows)} rows",
         lambda: [digest.as_stored(t, p) and digest.row_digest(p) for t, p in rows]),
        ("SHA-256 alone, the rows' strings", "", lambda: [hashlib.sha256("".join(
            v for v in p if isinstance(v, str)).encode()).digest() for _, p in rows]),
    ]
    for name, inputs, fn in part:
        print(f"| {name} | {inputs} | {best(fn, args.runs):.3f} |")
    for size in (int(s) for s in args.pages.split(",")):
        ins, com = insert_and_commit(got["inserted"], size, args.runs)
        print(f"| observation INSERTs, {size // 1024} KB pages | {len(got['inserted'])} rows "
              f"| {ins:.3f} |")
        print(f"| their COMMITs (WAL, checkpoints), {size // 1024} KB pages | | {com:.3f} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
