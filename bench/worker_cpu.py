"""CPU time and fsyncs of one full worker pass, for A/B runs of two source trees.

Wall time on a shared machine swings 2x between identical runs; CPU time and the number of
fsyncs do not. Run it once per tree on the same generated file:

    python -c "import sys; sys.path.insert(0, 'bench'); from transcript_gen import generate; \\
        generate('/tmp/t100.jsonl', 100 * 1048576, None)"
    python bench/worker_cpu.py /tmp/t100.jsonl [--tree PATH_TO_OTHER_CHECKOUT]

`--tree` imports cctrace (and this bench's helpers) from another checkout, e.g. one made
with `git archive <commit> | tar -x -C /tmp/base`.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("transcript")
    ap.add_argument("--tree", default=os.path.dirname(os.path.dirname(os.path.abspath(
        __file__))))
    args = ap.parse_args()
    tree = os.path.abspath(args.tree)
    sys.path.insert(0, os.path.join(tree, "bench"))
    sys.path.insert(0, os.path.join(tree, "src"))
    work = tempfile.mkdtemp()
    state = os.path.join(work, "state")
    os.environ["CCTRACE_HOME"] = state
    os.environ["CCTRACE_ANCHOR_DIR"] = os.path.join(work, "anchors")
    import worker_pipeline

    import cctrace

    assert cctrace.__file__.startswith(tree), cctrace.__file__
    calls = [0]
    real = os.fsync

    def counting(fd: int) -> None:
        calls[0] += 1
        real(fd)

    os.fsync = counting
    c0, w0 = time.process_time(), time.perf_counter()
    result = worker_pipeline.measure_full(args.transcript, state)
    print(f"{tree}: wall {time.perf_counter() - w0:.2f} s, cpu {time.process_time() - c0:.2f} s,"
          f" fsyncs {calls[0]}, observations {result['observations']}")


if __name__ == "__main__":
    main()
