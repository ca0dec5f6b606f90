"""The store's page size, both ways: the full pass's COMMIT against a small commit's writes.

Larger SQLite pages make a bulk commit cheaper (fewer WAL frames and checkpoint copies per
byte) and make every small commit write more (whole pages). For each page size given, in a
fresh child process per run, alternated (`cctrace.store.connection.PAGE_SIZE` set before
the store is created):

- full pass: one generated transcript of `--mb` MB through `pipeline.process_transcript`
  into a fresh store (`worker_pipeline.measure_full`, an OTLP destination configured), with
  the COMMIT charged apart as `pipeline_stages.py` does; CPU seconds (`time.process_time`),
  and the store file's size after it;
- growing session: `--turns` turns appended one at a time (turns of the recorded fixture),
  each turn's hook events through the worker's `ingest` as in `worker_pipeline.py --turns`;
  per turn (the first 10 left out: a new store's first pages), the bytes the process
  wrote (`wchar` of /proc/self/io: WAL frames, checkpoints, audit log) and its CPU.

    python bench/store_pages.py [--sizes 4096,16384] [--mb 100] [--turns 40] [--runs 2]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
FIXTURE = os.path.join(ROOT, "tests", "fixtures", "transcripts", "subagent_foreground",
                       "24344242-887c-46b3-b3af-a0e68c1d1eaa.jsonl")
SKIP = 10  # first turns of a growing session left out of its per-turn figures

CHILD = r"""
import json, os, sys, time
from datetime import timedelta
sys.path.insert(0, sys.argv[1])
from cctrace.store import connection
connection.PAGE_SIZE = int(sys.argv[2])
mode, arg, work = sys.argv[3], sys.argv[4], sys.argv[5]
state = os.path.join(work, "state")
os.makedirs(state)

def wchar():
    with open("/proc/self/io") as fh:
        for line in fh:
            if line.startswith("wchar:"):
                return int(line.split()[1])

if mode == "full":
    import pipeline_stages
    result, spent = pipeline_stages.measure(arg, state)
    commit = sum(v for k, v in spent.items() if k.startswith("commit"))
    out = {"cpu_s": result["cpu_seconds"], "commit_s": commit,
           "db_mb": os.path.getsize(os.path.join(state, "cctrace.db")) / 1048576}
else:
    import worker_pipeline as wp
    from transcript_gen import generate
    from cctrace.store.db import Store
    from cctrace.worker import pipeline
    turns = int(arg)
    path = os.path.join(work, "t.jsonl")
    open(path, "wb").close()
    cfg = wp._config(state)
    seq, written, cpu = 1, [], []
    with Store.open(state) as store:
        for i in range(turns):
            size = os.path.getsize(path)
            generate(path, None, sys.argv[6], seed=1000 + i, append=True, start_index=i,
                     turns=1, time_offset=-timedelta(minutes=5 * turns + 60))
            entries = wp.hook_entries(wp._appended(path, size), path, seq)
            seq += len(entries)
            w0, c0 = wchar(), time.process_time()
            pipeline.ingest(store, cfg, entries, pipeline.StepReport())
            cpu.append(time.process_time() - c0)
            written.append(wchar() - w0)
    skip = int(sys.argv[7])
    out = {"kb_per_turn": sum(written[skip:]) / len(written[skip:]) / 1024,
           "ms_per_turn": 1000 * sum(cpu[skip:]) / len(cpu[skip:]),
           "transcript_kb_per_turn": os.path.getsize(path) / turns / 1024}
print(json.dumps(out))
"""


def child(size: int, mode: str, arg: str) -> dict:
    work = tempfile.mkdtemp(prefix="cctrace-pages-")
    try:
        env = dict(os.environ, PYTHONPATH=os.path.join(ROOT, "src"))
        out = subprocess.run([sys.executable, "-c", CHILD, HERE, str(size), mode, arg, work,
                              FIXTURE, str(SKIP)], env=env, check=True, stdout=subprocess.PIPE,
                             text=True)
        return json.loads(out.stdout.strip().splitlines()[-1])
    finally:
        shutil.rmtree(work, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="4096,16384")
    ap.add_argument("--mb", type=float, default=100.0)
    ap.add_argument("--turns", type=int, default=40)
    ap.add_argument("--runs", type=int, default=2)
    args = ap.parse_args(argv)
    if args.turns <= SKIP:
        raise SystemExit(f"--turns must be more than {SKIP}")
    sizes = [int(s) for s in args.sizes.split(",")]
    sys.path.insert(0, HERE)
    from transcript_gen import generate

    work = tempfile.mkdtemp(prefix="cctrace-pages-")
    try:
        path = os.path.join(work, "t.jsonl")
        generate(path, int(args.mb * 1048576), None, seed=1)
        full: dict[int, list[dict]] = {s: [] for s in sizes}
        grow: dict[int, list[dict]] = {s: [] for s in sizes}
        for _ in range(args.runs):
            for s in sizes:
                full[s].append(child(s, "full", path))
                grow[s].append(child(s, "grow", str(args.turns)))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(f"{args.mb:.0f} MB full pass and a {args.turns}-turn growing session; medians of "
          f"{args.runs} alternated runs\n")
    print("| page size | full pass CPU s | of which COMMIT | store file MB | growing session: "
          "KB written / turn | CPU ms / turn |")
    print("|---|---|---|---|---|---|")
    for s in sizes:
        def med(rows: list[dict], key: str) -> float:
            return statistics.median(r[key] for r in rows)
        print(f"| {s} | {med(full[s], 'cpu_s'):.2f} | {med(full[s], 'commit_s'):.2f} | "
              f"{med(full[s], 'db_mb'):.0f} | {med(grow[s], 'kb_per_turn'):.0f} | "
              f"{med(grow[s], 'ms_per_turn'):.1f} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
