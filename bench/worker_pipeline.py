"""The whole worker pipeline on a generated transcript: MB/s, peak RSS, one-new-turn cost.

Unlike worker_throughput.py (reader + builder only), this runs what the worker runs per
transcript: `cctrace.worker.pipeline.process_transcript` — read, build, price, redact with
the redactor in force, store in SQLite, encode OTLP batches into the outbox (an OTLP
destination is configured so encoding is paid; nothing is sent). Each measurement runs in a
fresh child process so peak RSS is its own.

    python bench/worker_pipeline.py [--mb 100] [--from FIXTURE_TRANSCRIPT.jsonl]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from transcript_gen import generate  # noqa: E402

from cctrace.config import Config  # noqa: E402
from cctrace.store.db import Store  # noqa: E402
from cctrace.worker import pipeline  # noqa: E402


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _config(state: str) -> Config:
    return Config(state_dir=state, otlp_endpoint="http://127.0.0.1:9/v1/traces")


def measure_full(path: str, state: str) -> dict:
    cfg = _config(state)
    with Store.open(state) as store:
        redactor = pipeline.make_redactor(cfg, None)
        t0 = time.perf_counter()
        new = pipeline.process_transcript(store, cfg, redactor, path, final=True)
        elapsed = time.perf_counter() - t0
        batches = store.pending_count()
    return {"seconds": elapsed, "mb": os.path.getsize(path) / 1048576, "observations": new,
            "batches": batches, "rss_mb": _rss_mb()}


def measure_append(path: str, state: str, source: str | None, rounds: int) -> dict:
    cfg = _config(state)
    times = []
    with Store.open(state) as store:
        redactor = pipeline.make_redactor(cfg, None)
        pipeline.process_transcript(store, cfg, redactor, path)
        for i in range(rounds):
            generate(path, os.path.getsize(path) + 1, source, seed=1000 + i, append=True,
                     start_index=10**6 + i)
            t0 = time.perf_counter()
            pipeline.process_transcript(store, cfg, redactor, path)
            times.append(time.perf_counter() - t0)
    return {"median_s": statistics.median(times), "rounds": rounds}


def child(argv: list[str]) -> dict:
    out = subprocess.run([sys.executable, __file__, *argv], capture_output=True, text=True,
                         check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--mb", type=float, default=100.0)
    ap.add_argument("--from", dest="source")
    ap.add_argument("--rounds", type=int, default=7)
    ap.add_argument("--measure", nargs=3, metavar=("KIND", "PATH", "STATE"),
                    help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.measure:
        kind, path, state = args.measure
        result = (measure_full(path, state) if kind == "full"
                  else measure_append(path, state, args.source, args.rounds))
        print(json.dumps(result))
        return 0
    work = tempfile.mkdtemp(prefix="cctrace-bench-")
    big, small = os.path.join(work, "big.jsonl"), os.path.join(work, "small.jsonl")
    generate(big, int(args.mb * 1048576), args.source, seed=1)
    generate(small, 1048576, args.source, seed=1)
    extra = ["--from", args.source] if args.source else []
    full = child(["--measure", "full", big, os.path.join(work, "s1"), *extra])
    one_small = child(["--measure", "append", small, os.path.join(work, "s2"),
                       "--rounds", str(args.rounds), *extra])
    one_big = child(["--measure", "append", big, os.path.join(work, "s3"),
                     "--rounds", str(args.rounds), *extra])
    ratio = one_big["median_s"] / one_small["median_s"]
    print(f"worker pipeline on {'turns of ' + args.source if args.source else 'template turns'}"
          f" (redactor: {type(pipeline.make_redactor(_config(work), None)).__name__})\n")
    print("| measure | value | target |")
    print("|---|---|---|")
    print(f"| full pass, {full['mb']:.0f} MB -> {full['observations']} observations, "
          f"{full['batches']} OTLP batches | {full['seconds']:.2f} s = "
          f"{full['mb'] / full['seconds']:.1f} MB/s | >= 20 MB/s |")
    print(f"| peak RSS (worker pipeline process) | {full['rss_mb']:.0f} MB | <= 150 MB |")
    print(f"| one new turn after 1 MB history | {one_small['median_s'] * 1000:.1f} ms | |")
    print(f"| one new turn after {full['mb']:.0f} MB history | "
          f"{one_big['median_s'] * 1000:.1f} ms | |")
    print(f"| ratio big/small | {ratio:.2f}x | <= 1.2x |")
    subprocess.run(["rm", "-rf", work], check=False)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
