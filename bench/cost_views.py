"""What pricing at read time costs the views: `price_rows`, `learn_prices`, `sessions`.

Run: python bench/cost_views.py [--rows 100000] [--states 500] [--generations 10000]
Prints a markdown table (median of 3). `sessions` prices every stored generation when it
lists (so overrides and learned prices apply to history); these are the figures to watch.
"""

from __future__ import annotations

import argparse
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
    args = ap.parse_args()
    usage = {"input": 10, "output": 20, "input_cache_read": 1000, "input_cache_creation": 100}
    rows = [{"model": "claude-sonnet-4-5-20250929", "usage": usage, "start_ns": i}
            for i in range(args.rows)]
    states = [cost.ClaudeCodeCost(0.0, {"claude-opus-5-5": {
        "inputTokens": 10 + i, "outputTokens": 20 + 2 * i, "cacheReadInputTokens": 1000 + i,
        "cacheCreationInputTokens": 100 + 3 * (i % 7),
        "costUSD": (10 + i) * 4e-6 + (20 + 2 * i) * 2e-5 + (1000 + i) * 2e-7
        + (100 + 3 * (i % 7)) * 5e-6}}) for i in range(args.states)]
    print("| what | n | median s | per item us |")
    print("|---|---:|---:|---:|")
    s = _median(lambda: cost.price_rows(rows))
    print(f"| price_rows (table) | {args.rows} | {s:.3f} | {s / args.rows * 1e6:.1f} |")
    s = _median(lambda: cost.learn_prices(states))
    print(f"| learn_prices | {args.states} | {s:.3f} | {s / args.states * 1e6:.1f} |")
    from store.helpers import SEC, T0, turn

    with tempfile.TemporaryDirectory() as state, Store.open(state, cipher=None) as store:
        per = 100
        for n in range(args.generations // per):
            store.insert_traces([turn(f"s{n % 50}", f"k{n}-{i}", T0 + (n * per + i) * SEC)
                                 for i in range(per)])
        gens = args.generations // per * per
        s = _median(lambda: store.sessions())
        print(f"| Store.sessions (50 sessions) | {gens} generations | {s:.3f} | "
              f"{s / gens * 1e6:.1f} |")


if __name__ == "__main__":
    main()
