"""The OTLP export alone (spans, size estimate, protobuf) at two revisions, alternated.

Runs `pipeline.process_transcript` once on a generated transcript (this tree) and keeps
what it handed `outbox.enqueue`: the stored traces and their new observations. Then, in a
fresh child process per run, alternating `REV` (default `main`, exported with
`git archive`) and the working tree, it times `to_spans` for every pair, `estimate` for
every span and `encode.batches` (spans, estimate, grouping, protobuf: what `enqueue`
pays before the outbox insert) in CPU seconds (`time.process_time`), and prints the
SHA-256 of every batch's payload and span ids, which must agree between the trees.

    python bench/export_ab.py [--rev main] [--mb 100] [--runs 3]
"""

from __future__ import annotations

import argparse
import os
import pickle
import shutil
import statistics
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)

# Runs in the child, with PYTHONPATH naming the tree under test.
CHILD = """
import hashlib, json, pickle, sys, time
import cctrace
from cctrace.export import encode, spans
saved = pickle.load(open(sys.argv[1], "rb"))
resource = spans.make_resource("default", None)
def cpu(fn):
    t0 = time.process_time(); out = fn(); return time.process_time() - t0, out
t_spans, made = cpu(lambda: [s for pairs in saved for t, o in pairs
                             for s in spans.to_spans(t, o, resource)])
t_est, _ = cpu(lambda: [encode.estimate(s) for s in made])
t_all, out = cpu(lambda: [b for pairs in saved for b in encode.batches(pairs, resource)])
digest = hashlib.sha256()
for payload, ids in out:
    digest.update(payload); digest.update(",".join(ids).encode())
print(json.dumps({"to_spans": t_spans, "estimate": t_est, "batches": t_all,
                  "count": len(out), "bytes": sum(len(p) for p, _ in out),
                  "sha256": digest.hexdigest(), "package": cctrace.__file__}))
"""


def capture(path: str, work: str) -> str:
    """The (trace, observations) pairs the pipeline enqueues for `path`, pickled."""
    sys.path.insert(0, os.path.join(ROOT, "src"))
    sys.path.insert(0, HERE)
    import worker_pipeline

    from cctrace.export import outbox

    saved: list = []
    enqueue = outbox.enqueue

    def keep(store, pairs, cfg, **kw):  # type: ignore[no-untyped-def]
        saved.append(pairs)
        return enqueue(store, pairs, cfg, **kw)

    outbox.enqueue = keep  # type: ignore[assignment]
    state = os.path.join(work, "state")
    os.makedirs(state)
    worker_pipeline.measure_full(path, state, clock=time.process_time)
    outbox.enqueue = enqueue  # type: ignore[assignment]
    out = os.path.join(work, "pairs.pickle")
    with open(out, "wb") as fh:
        pickle.dump(saved, fh)
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rev", default="main")
    ap.add_argument("--mb", type=float, default=100.0)
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args(argv)
    sys.path.insert(0, HERE)
    from pipeline_ab import export_src, run_child
    from transcript_gen import generate

    work = tempfile.mkdtemp(prefix="cctrace-export-ab-")
    try:
        base = export_src(args.rev, os.path.join(work, "base"))
        path = os.path.join(work, "t.jsonl")
        generate(path, int(args.mb * 1048576), None, seed=1)
        pairs = capture(path, work)
        trees = [(args.rev, base), ("worktree", os.path.join(ROOT, "src"))]
        runs: dict[str, list[dict]] = {name: [] for name, _ in trees}
        print(f"{os.path.getsize(path) / 1048576:.1f} MB transcript; CPU seconds, alternated")
        print("| run | tree | to_spans | estimate | batches (all of it) | batches | sha256 |")
        print("|---|---|---|---|---|---|---|")
        for i in range(args.runs):
            for name, src in trees:
                r = run_child(CHILD, [pairs], src)
                runs[name].append(r)
                print(f"| {i + 1} | {name} | {r['to_spans']:.3f} | {r['estimate']:.3f} | "
                      f"{r['batches']:.3f} | {r['count']} ({r['bytes'] / 1048576:.1f} MB) | "
                      f"{r['sha256'][:16]} |")
        for name, _ in trees:
            print(f"median {name}: batches "
                  f"{statistics.median(r['batches'] for r in runs[name]):.3f} CPU s")
        digests = {r["sha256"] for rs in runs.values() for r in rs}
        print("payloads identical" if len(digests) == 1 else "PAYLOADS DIFFER")
        return 0 if len(digests) == 1 else 1
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    raise SystemExit(main())
