"""Reader + builder throughput, peak memory, and the cost of one new turn vs history size.

Generates transcripts with `transcript_gen`, then measures, each in a fresh subprocess so
peak RSS is the measurement's own:
  * full pass: the worker's loop (read_new in bounded batches, build_traces, cursor with
    turn_offset) over the whole file -> MB/s, peak RSS (getrusage), peak Python heap
    (tracemalloc, optional: it slows the run);
  * one appended turn after 1 MB and after N MB of already-consumed history -> median
    seconds per turn and the ratio (incremental reading keeps it constant).
Prints a markdown table. Targets: >= 20 MB/s, RSS <= 150 MB, ratio <= 1.2.

    python bench/worker_throughput.py [--mb 100] [--from fixture.jsonl] [--keep DIR]
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

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "src"))
sys.path.insert(0, HERE)

from transcript_gen import generate  # noqa: E402

from cctrace.model.build import BuildContext, build_traces  # noqa: E402
from cctrace.transcript.reader import Cursor, read_new  # noqa: E402

BATCH = 8 << 20


def _rss_mb() -> float:
    # ru_maxrss is KiB on Linux, bytes on macOS.
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1 << 20) if sys.platform == "darwin" else peak / 1024


def consume(path: str, cursor: Cursor | None = None, final: bool = False) -> tuple[Cursor, int]:
    """The worker's loop: bounded reads, build, remember the open turn. Returns traces seen."""
    cursor = cursor or Cursor(path=path)
    traces = 0
    while True:
        res = read_new(path, cursor, max_bytes=BATCH)
        if not res.stats["new_bytes"] and not final:
            return res.cursor, traces
        out = build_traces(res.records, BuildContext(final=final and not res.stats["new_bytes"]))
        traces += sum(1 for t in out.traces if t.complete)
        cursor = res.cursor
        cursor.turn_offset = out.open_turn_offset
        if not res.stats["new_bytes"]:
            return cursor, traces


def measure_full(path: str, trace_malloc: bool) -> dict:
    if trace_malloc:
        import tracemalloc

        tracemalloc.start()
    t0 = time.perf_counter()
    _, traces = consume(path)
    elapsed = time.perf_counter() - t0
    out = {"seconds": elapsed, "mb": os.path.getsize(path) / 1048576, "traces": traces,
           "rss_mb": _rss_mb()}
    if trace_malloc:
        out["heap_peak_mb"] = tracemalloc.get_traced_memory()[1] / 1048576
    return out


def measure_append(path: str, source: str | None, rounds: int) -> dict:
    cursor, _ = consume(path)
    times = []
    for i in range(rounds):
        size = os.path.getsize(path)
        generate(path, size + 1, source, seed=1000 + i, append=True, start_index=10**6 + i)
        t0 = time.perf_counter()
        cursor, traces = consume(path, cursor)
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
    ap.add_argument("--keep")
    ap.add_argument("--rounds", type=int, default=7)
    ap.add_argument("--tracemalloc", action="store_true")
    ap.add_argument("--measure", nargs=2, metavar=("KIND", "PATH"), help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.measure:
        kind, path = args.measure
        result = (measure_full(path, args.tracemalloc) if kind == "full"
                  else measure_append(path, args.source, args.rounds))
        print(json.dumps(result))
        return 0
    work = args.keep or tempfile.mkdtemp(prefix="cctrace-bench-")
    big, small = os.path.join(work, "big.jsonl"), os.path.join(work, "small.jsonl")
    generate(big, int(args.mb * 1048576), args.source, seed=1)
    generate(small, 1048576, args.source, seed=1)
    extra = ["--from", args.source] if args.source else []
    full = child(["--measure", "full", big, *extra])
    heap = child(["--measure", "full", big, "--tracemalloc"]) if args.tracemalloc else {}
    one_small = child(["--measure", "append", small, "--rounds", str(args.rounds), *extra])
    one_big = child(["--measure", "append", big, "--rounds", str(args.rounds), *extra])
    ratio = one_big["median_s"] / one_small["median_s"]
    rate = full["mb"] / full["seconds"]
    print(f"transcripts in {work} ({'from ' + args.source if args.source else 'template'})\n")
    print("| measure | value | target |")
    print("|---|---|---|")
    print(f"| full pass, {full['mb']:.0f} MB, {full['traces']} turns | {full['seconds']:.2f} s "
          f"= {rate:.1f} MB/s | >= 20 MB/s |")
    print(f"| peak RSS (reader + builder process) | {full['rss_mb']:.0f} MB | <= 150 MB |")
    if heap:
        print(f"| peak Python heap (tracemalloc) | {heap['heap_peak_mb']:.0f} MB | |")
    print(f"| one new turn after 1 MB history | {one_small['median_s'] * 1000:.1f} ms | |")
    print(f"| one new turn after {full['mb']:.0f} MB history | "
          f"{one_big['median_s'] * 1000:.1f} ms | |")
    print(f"| ratio big/small | {ratio:.2f}x | <= 1.2x |")
    if not args.keep:
        for name in (big, small):
            os.unlink(name)
        os.rmdir(work)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
