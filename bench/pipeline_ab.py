"""The worker pipeline at two revisions, alternated: does a refactor hold the figure?

Exports `REV`'s `src/` (default `main`) to a temporary folder with `git archive`, generates
one transcript with this checkout's `bench/transcript_gen.py`, then runs
`pipeline.process_transcript` on it (`worker_pipeline.measure_full`: a full pass into a
fresh store) in a fresh child process per run, alternating
REV and the working tree, and prints each run's CPU seconds (`time.process_time`, far less
sensitive to other processes on a shared machine than wall time) and MB/s per CPU second.

    python bench/pipeline_ab.py [--rev main] [--mb 30] [--runs 3] [--from TRANSCRIPT.jsonl]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, HERE)
from transcript_gen import generate  # noqa: E402

# Runs in the child, with PYTHONPATH naming the tree under test: this checkout's bench
# module drives whichever `cctrace` that is.
CHILD = """
import json, sys, time
sys.path.insert(0, sys.argv[3])
import cctrace
import worker_pipeline
r = worker_pipeline.measure_full(sys.argv[1], sys.argv[2], clock=time.process_time)
print(json.dumps({"cpu_s": r["seconds"], "observations": r["observations"],
                  "batches": r["batches"], "package": cctrace.__file__}))
"""


def run(src: str, path: str, state: str) -> dict:
    return run_child(CHILD, [path, state, HERE], src, cwd=state)


def run_child(code: str, args: list[str], src: str, cwd: str | None = None) -> dict:
    """The JSON last printed by `code` run in a fresh interpreter importing cctrace from
    `src` (its `package` must say so)."""
    env = dict(os.environ, PYTHONPATH=src)
    out = subprocess.run([sys.executable, "-c", code, *args], env=env, check=True,
                         stdout=subprocess.PIPE, text=True, cwd=cwd)
    result = json.loads(out.stdout.strip().splitlines()[-1])
    if not result["package"].startswith(src + os.sep):
        raise SystemExit(f"the child imported {result['package']}, not the tree in {src}")
    return result


def export_src(rev: str, dest: str) -> str:
    """`rev`'s src/ exported below `dest` (git archive); returns its path."""
    os.makedirs(dest, exist_ok=True)
    archive = subprocess.run(["git", "-C", ROOT, "archive", rev, "src"],
                             stdout=subprocess.PIPE, check=True).stdout
    subprocess.run(["tar", "-x", "-C", dest], input=archive, check=True)
    return os.path.join(dest, "src")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rev", default="main")
    ap.add_argument("--mb", type=float, default=30.0)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--from", dest="source")
    args = ap.parse_args(argv)
    work = tempfile.mkdtemp(prefix="cctrace-ab-")
    try:
        base = export_src(args.rev, os.path.join(work, "base"))
        path = os.path.join(work, "t.jsonl")
        generate(path, int(args.mb * 1048576), args.source, seed=1)
        mb = os.path.getsize(path) / 1048576
        trees = [(args.rev, base), ("worktree", os.path.join(ROOT, "src"))]
        cpu: dict[str, list[float]] = {name: [] for name, _ in trees}
        shapes = set()
        print(f"{mb:.1f} MB transcript; CPU seconds of one full pass, alternated")
        print("| run | tree | CPU s | MB/s per CPU s | observations | batches |")
        print("|---|---|---|---|---|---|")
        for i in range(args.runs):
            for name, src in trees:
                state = os.path.join(work, f"s-{name}-{i}")
                os.makedirs(state)
                r = run(src, path, state)
                cpu[name].append(r["cpu_s"])
                shapes.add((r["observations"], r["batches"]))
                print(f"| {i + 1} | {name} | {r['cpu_s']:.2f} | {mb / r['cpu_s']:.1f} |"
                      f" {r['observations']} | {r['batches']} |", flush=True)
        for name, _ in trees:
            print(f"median {name}: {statistics.median(cpu[name]):.2f} CPU s")
        if len(shapes) != 1:
            print(f"the trees stored different results: {sorted(shapes)}")
            return 1
    finally:
        subprocess.run(["rm", "-rf", work], check=False)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
