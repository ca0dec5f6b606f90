"""Audit trail figures: appends per second, `verify` time and inclusion proof size.

Run: python bench/audit_bench.py [--entries 1000000] [--batch 100]
Prints a markdown table. Appends go through `cctrace.audit.record` (one signed checkpoint
per batch, like the worker) into a temp state dir, with and without fsync.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time

from cctrace import audit
from cctrace.audit import proofs, verify
from cctrace.config import Config


def entries(start: int, n: int) -> list[audit.AuditEntry]:
    return [audit.AuditEntry("observation", f"{i:016x}", f"{i:064x}", session_id="s" * 36,
                             trace_id="t" * 32, time_ns=1, detail={"type": "tool"})
            for i in range(start, start + n)]


def append_rate(state: str, total: int, batch: int, fsync: bool) -> tuple[float, int]:
    cfg = Config(state_dir=state, raw={"audit": {"fsync": fsync}})
    batches = [entries(i, min(batch, total - i)) for i in range(0, total, batch)]
    t0 = time.perf_counter()
    for b in batches:
        audit.record(state, b, cfg)
    return total / (time.perf_counter() - t0), len(batches)


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--entries", type=int, default=1_000_000)
    ap.add_argument("--batch", type=int, default=100)
    a = ap.parse_args()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        small = os.path.join(tmp, "fsync")
        rate, _ = append_rate(small, 20_000, a.batch, True)
        rows.append((f"append, fsync on, batches of {a.batch} (20,000 entries)",
                     f"{rate:,.0f} entries/s"))
        big = os.path.join(tmp, "big")
        rate, n_cp = append_rate(big, a.entries, a.batch, False)
        rows.append((f"append, fsync off, batches of {a.batch} ({a.entries:,} entries)",
                     f"{rate:,.0f} entries/s"))
        size = os.path.getsize(os.path.join(big, "audit", "log"))
        rows.append(("log size", f"{size / 1e6:,.0f} MB ({size / a.entries:.0f} B/entry)"))
        t0 = time.perf_counter()
        report = verify.verify_state(big)
        dt = time.perf_counter() - t0
        assert report.ok, report.damage
        rows.append((f"verify {a.entries:,} entries, {n_cp:,} checkpoints", f"{dt:.1f} s"))
        t0 = time.perf_counter()
        pos = proofs.find_entry(report, f"{a.entries // 3:016x}")
        proof = proofs.inclusion(report, pos)
        dt = time.perf_counter() - t0
        assert proof.verified
        rows.append((f"inclusion proof at {a.entries:,} entries",
                     f"{proof.proof_bytes} bytes ({len(proof.path)} hashes), built in {dt:.1f} s"))
    print("| audit trail | result |\n|---|---|")
    for k, v in rows:
        print(f"| {k} | {v} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
