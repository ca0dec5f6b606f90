"""What pricing at read time costs the views: `price_rows`, `learn_prices`, `sessions`.

Run: python bench/cost_views.py [--rows 100000] [--states 500] [--generations 10000]
                                [--store DIR] [--only-sessions]
Prints a markdown table (median of 3). `sessions` prices every stored generation when it
lists (so overrides and learned prices apply to history); these are the figures to watch.
The sessions figure is taken on `tests/support/coststore.py`'s generated store (every way
a call is priced; built in DIR when given and absent, reused when present) and printed with
the SHA-256 of the sessions' JSON, so two checkouts can be compared on one store:
`PYTHONPATH=<other checkout>/src python bench/cost_views.py --store DIR --only-sessions`.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import statistics
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "tests"))

from cctrace.store import cost  # noqa: E402
from cctrace.store.db import Store  # noqa: E402


def _median(fn, runs: int = 3) -> float:
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=100_000)
    ap.add_argument("--states", type=int, default=500)
    ap.add_argument("--generations", type=int, default=10_000)
    ap.add_argument("--store", help="state dir of the generated store (built if absent)")
    ap.add_argument("--only-sessions", action="store_true")
    ap.add_argument("--sql-group", action="store_true",
                    help="also time the SQL a group-then-price design would start with")
    args = ap.parse_args()
    print("| what | n | median s | per item us |")
    print("|---|---:|---:|---:|")
    if not args.only_sessions:
        _pricing(args)
    if args.store:
        _sessions(args.store, args)
    else:
        with tempfile.TemporaryDirectory() as tmp:
            _sessions(os.path.join(tmp, "state"), args)


def _sessions(state: str, args: argparse.Namespace) -> None:
    from support import coststore

    if not os.path.exists(os.path.join(state, "cctrace.db")):
        coststore.build(state, args.generations)
    with Store.open(state, cipher=None) as store:
        gens = store._read("SELECT COUNT(*) FROM observations")[0][0]
        rows = store.sessions()
        digest = hashlib.sha256(json.dumps([r.to_dict() for r in rows], indent=2)
                                .encode()).hexdigest()[:16]
        s = _median(lambda: store.sessions())
    print(f"| Store.sessions ({len(rows)} sessions, json sha256 {digest}) | {gens} generations"
          f" | {s:.3f} | {s / gens * 1e6:.2f} |")
    if args.sql_group:
        # Tokens per session x model x parameters x 200k tier, summed by SQLite: what the
        # groups would cost to read before any pricing (json_extract parses per call).
        keys = ("input", "output", "input_cache_read", "input_cache_creation",
                "input_cache_creation_1h")
        sums = ", ".join(f"SUM(json_extract(o.usage, '$.{k}'))" for k in keys)
        sql = (f"SELECT t.session_id, o.model, o.model_parameters, {sums}, COUNT(*)"
               " FROM observations o JOIN traces t ON t.id = o.trace_id"
               " WHERE o.type = 'generation' GROUP BY 1, 2, 3,"
               " (json_extract(o.usage, '$.input') + json_extract(o.usage, '$.input_cache_read')"
               " + json_extract(o.usage, '$.input_cache_creation')) > 200000")
        with Store.open(state, cipher=None) as store:
            s = _median(lambda: store._read(sql))
        print(f"| SQL GROUP BY only (json_extract, no pricing) | {gens} generations | {s:.3f} |"
              f" {s / gens * 1e6:.2f} |")


def _pricing(args: argparse.Namespace) -> None:
    usage = {"input": 10, "output": 20, "input_cache_read": 1000, "input_cache_creation": 100}
    rows = [{"model": "claude-sonnet-4-5-20250929", "usage": usage, "start_ns": i}
            for i in range(args.rows)]
    states = [cost.ClaudeCodeCost(0.0, {"claude-opus-5-5": {
        "inputTokens": 10 + i, "outputTokens": 20 + 2 * i, "cacheReadInputTokens": 1000 + i,
        "cacheCreationInputTokens": 100 + 3 * (i % 7),
        "costUSD": (10 + i) * 4e-6 + (20 + 2 * i) * 2e-5 + (1000 + i) * 2e-7
        + (100 + 3 * (i % 7)) * 5e-6}}) for i in range(args.states)]
    s = _median(lambda: cost.price_rows(rows))
    print(f"| price_rows (table) | {args.rows} | {s:.3f} | {s / args.rows * 1e6:.1f} |")
    s = _median(lambda: cost.learn_prices(states))
    print(f"| learn_prices | {args.states} | {s:.3f} | {s / args.states * 1e6:.1f} |")


if __name__ == "__main__":
    main()
