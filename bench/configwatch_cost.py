"""What `audit.configwatch.check` adds to each worker step, beside the idle step itself.

The worker calls `check` on every step (every ~50 ms while idle, and after each slice). It
times, in one process on one temporary state dir holding a config file, its remembered
fingerprint and a store with 2,000 tool-call hook events over 20 sessions:
- `unchanged`: the file as remembered, its sum verified once (a stat of each file): every
  step;
- `changed, no tool call`: the file rewritten before each call, long after every stored
  tool call (the sum read and verified, fingerprint, TOML parse, the tool-call query, a
  signed remember): once per edit;
- `just changed`: the unchanged file within `RACY_NS` of its change (fingerprint and a
  signed remember, as the stat alone cannot tell a write in the same tick): every step
  for 2 s after each change;
- `idle step`: `worker.pipeline.step` on an empty spool with no destination (check included),
  for scale.
Rounds alternate the four, so all see the same machine load.

Usage: python bench/configwatch_cost.py [--rounds 5] [-n 2000]
Prints a markdown table (median us per call over the rounds) for BENCHMARKS.md.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "src"))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("-n", type=int, default=2000, help="calls per round and kind")
    args = ap.parse_args(argv)
    state = tempfile.mkdtemp(prefix="cctrace-cw-")
    os.environ["CCTRACE_HOME"] = state
    os.environ["CCTRACE_KEYRING"] = "0"
    from cctrace.audit import configwatch
    from cctrace.store.db import Store
    from cctrace.store.hooks import HookEvent
    from cctrace.worker import pipeline

    path = os.path.join(state, "config.toml")
    text = '[audit]\nenabled = true\n[capture]\nlevel = "full"\n'
    with open(path, "w") as fh:
        fh.write(text)
    configwatch.remember(state)
    # Every stored call ended over half an hour before the edits (outside their window).
    base = time.time_ns() - 7200 * 10**9
    with Store.open(state) as store:
        store.insert_hook_events([
            HookEvent(seq=i + 1, received_ns=base + i * 10**9, session_id=f"s{i // 2 % 20}",
                      event="PreToolUse" if i % 2 == 0 else "PostToolUse",
                      tool_use_id=f"t{i // 2}", payload={"tool_name": "Bash"})
            for i in range(2000)])
    never = lambda: False  # noqa: E731
    results: dict[str, list[float]] = {"unchanged": [], "changed, no tool call": [],
                                       "just changed": [], "idle step": []}
    with Store.open(state) as store:
        for _ in range(args.rounds):
            spent = 0.0
            for i in range(args.n // 10):
                with open(path, "w") as fh:
                    fh.write(text + f"# {i}\n")
                t0 = time.perf_counter()
                found, _ = configwatch.check(store, state, pending=never)
                spent += time.perf_counter() - t0
                assert found is None
            results["changed, no tool call"].append(spent / (args.n // 10) * 1e6)
            t0 = time.perf_counter()
            for _ in range(args.n // 10):
                configwatch.check(store, state, pending=never)
            results["just changed"].append((time.perf_counter() - t0) / (args.n // 10) * 1e6)
            # Past RACY_NS after the last change the stat alone tells: one untimed check
            # takes the settled sum.
            time.sleep(configwatch.RACY_NS / 1e9)
            configwatch.check(store, state, pending=never)
            t0 = time.perf_counter()
            for _ in range(args.n):
                configwatch.check(store, state, pending=never)
            results["unchanged"].append((time.perf_counter() - t0) / args.n * 1e6)
            t0 = time.perf_counter()
            for _ in range(args.n // 10):
                pipeline.step(state)
            results["idle step"].append((time.perf_counter() - t0) / (args.n // 10) * 1e6)
    print("| what | us per call (median of rounds) | rounds (us) |")
    print("|---|---:|---|")
    for name, values in results.items():
        print(f"| {name} | {statistics.median(values):.1f} | "
              f"{', '.join(f'{v:.1f}' for v in values)} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
