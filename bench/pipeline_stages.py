"""Where the worker pipeline's CPU time goes, stage by stage, on one full pass.

Runs `worker_pipeline.measure_full` (a generated transcript, `pipeline.process_transcript`
into a fresh store, an OTLP destination configured) with the pipeline's stage functions
wrapped to add up their CPU time (`time.process_time`, user + system), each stage without
the stages it calls (so the figures add up), and prints one row per stage:

    python bench/pipeline_stages.py [--mb 100] [--from TRANSCRIPT.jsonl] [--path FILE]
    PYTHONPATH=<other checkout>/src python bench/pipeline_stages.py ...   # another tree

Stages: read and parse (`read_new`), build, price, policy, redaction (and the cut after
it), rules (and loading the rule set, once per process), store (JSON, row digests, AES-GCM,
SQLite inserts), commit (SQLite COMMIT: WAL writes and checkpoints), audit (seal,
coverage), OTLP (spans, protobuf, the outbox insert), and the rest of process_transcript.
The wrappers cost a little: compare stages, take the total from worker_pipeline.py.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import shutil
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterator
from typing import Any

# cctrace first, before transcript_gen puts this checkout's src/ on the path: with
# PYTHONPATH=<other tree>/src the stages of that tree are measured (its path is printed).
import cctrace  # noqa: E402, I001

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import worker_pipeline  # noqa: E402
from transcript_gen import generate  # noqa: E402

from cctrace.export import outbox  # noqa: E402
from cctrace.store.connection import Connection  # noqa: E402
from cctrace.store.traces import Traces  # noqa: E402
from cctrace.worker import conclude, copies, costfill, coststates, pipeline, reads  # noqa: E402

SPENT: Counter[str] = Counter()
_STACK: list[float] = []


def _charge(stage: str, fn: Callable[..., Any]) -> Callable[..., Any]:
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        t0 = time.process_time()
        _STACK.append(0.0)
        try:
            return fn(*args, **kwargs)
        finally:
            elapsed = time.process_time() - t0
            inner = _STACK.pop()
            SPENT[stage] += elapsed - inner
            if _STACK:
                _STACK[-1] += elapsed
    return wrapped


STAGES: list[tuple[Any, str, str]] = [
    (pipeline, "read_new", "read and parse"),
    (pipeline, "build_traces", "build"),
    (copies, "split_copies", "build"),
    (reads, "hook_infos", "build"),
    (pipeline, "apply_costs", "price"),
    (costfill, "batch_pricing", "price"),
    (coststates, "cost_states", "price"),
    (pipeline, "apply_policy", "policy"),
    (pipeline, "redact_traces", "redaction"),
    (pipeline, "cut_traces", "redaction"),
    (pipeline, "evaluate_rules", "rules"),
    (conclude, "cached_ruleset", "rules: load the rule set"),
    (Traces, "insert_traces", "store (JSON, digests, AES-GCM, inserts)"),
    (pipeline, "seal", "audit (seal, findings, coverage)"),
    (pipeline, "record_findings", "audit (seal, findings, coverage)"),
    (pipeline, "judge_session", "audit (seal, findings, coverage)"),
    (outbox, "enqueue", "OTLP (spans, protobuf, outbox insert)"),
]


def _timed_transaction(orig: Callable[..., Any]) -> Callable[..., Any]:
    """`Connection.transaction` with the COMMIT (the outermost exit) charged to `commit`."""

    @contextlib.contextmanager
    def transaction(self: Connection) -> Iterator[Any]:
        cm = orig(self)
        conn = cm.__enter__()
        try:
            yield conn
        except BaseException:
            if not cm.__exit__(*sys.exc_info()):
                raise
        else:
            _charge("commit (SQLite COMMIT, WAL, checkpoints)",
                    lambda: cm.__exit__(None, None, None))()

    return transaction


def measure(path: str, state: str | None = None) -> tuple[dict[str, Any], Counter[str]]:
    """One full pass of `path`, stage by stage; into `state` (kept) if given, else into a
    temporary state dir."""
    for owner, name, stage in STAGES:
        setattr(owner, name, _charge(stage, getattr(owner, name)))
    Connection.transaction = _timed_transaction(Connection.transaction)  # type: ignore
    Connection._write = Connection.transaction  # type: ignore[method-assign]
    if state is not None:
        return worker_pipeline.measure_full(path, state, clock=time.process_time), SPENT
    state = tempfile.mkdtemp(prefix="cctrace-stages-")
    try:
        result = worker_pipeline.measure_full(path, state, clock=time.process_time)
    finally:
        shutil.rmtree(state, ignore_errors=True)
    return result, SPENT


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--mb", type=float, default=100.0)
    ap.add_argument("--from", dest="source")
    ap.add_argument("--path", help="an existing transcript instead of a generated one")
    args = ap.parse_args(argv)
    work = tempfile.mkdtemp(prefix="cctrace-stages-")
    try:
        path = args.path or os.path.join(work, "t.jsonl")
        if not args.path:
            generate(path, int(args.mb * 1048576), args.source, seed=1)
        result, spent = measure(path)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    total = result["cpu_seconds"]
    rest = total - sum(spent.values())
    print(f"{os.path.dirname(os.path.dirname(cctrace.__file__))}: "
          f"{result['mb']:.0f} MB -> {result['observations']} observations: "
          f"{total:.2f} CPU s = {result['mb'] / total:.1f} MB/s per CPU s\n")
    print("| stage | CPU s | share |")
    print("|---|---|---|")
    for stage, seconds in [*spent.most_common(), ("rest of process_transcript", rest)]:
        print(f"| {stage} | {seconds:.2f} | {100 * seconds / total:.0f} % |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
