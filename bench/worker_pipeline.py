"""The whole worker pipeline on a generated transcript: MB/s, peak RSS, one-new-turn cost.

Unlike worker_throughput.py (reader + builder only), this runs what the worker runs per
transcript: `cctrace.worker.pipeline.process_transcript` — read, build, price, redact with
the redactor in force, store in SQLite, encode OTLP batches into the outbox (an OTLP
destination is configured so encoding is paid; nothing is sent). Each measurement runs in a
fresh child process so peak RSS is its own.

    python bench/worker_pipeline.py [--mb 100] [--from FIXTURE_TRANSCRIPT.jsonl]
    python bench/worker_pipeline.py --turns 10000 [--from FIXTURE_TRANSCRIPT.jsonl]

The full pass is reported in wall-clock time and in CPU time (`time.process_time`, user +
system): on a machine shared with other work the CPU figure is the one that compares.

`--turns N` sizes the session by turns instead of bytes and measures a long session: one
full pass over N turns, then the worker's steady state, where the transcript grows one turn
at a time and `process_transcript` runs after each turn (N times, one process, one store),
with peak RSS at 1/10, 1/2 and all of N turns and the per-turn time at the start and the end.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import datetime, timedelta

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from transcript_gen import generate  # noqa: E402

from cctrace.config import Config  # noqa: E402
from cctrace.policy import Policy  # noqa: E402
from cctrace.spool.reader import SpoolEntry  # noqa: E402
from cctrace.store.db import DB_NAME, Store  # noqa: E402
from cctrace.worker import pipeline  # noqa: E402


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _vm_mb(field: str = "VmRSS") -> float:
    """/proc/self/status memory: VmRSS (resident now, to tell growth from one early spike)
    or VmHWM (its peak so far); both are read in one place so they compare."""
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    return float("nan")


def _session_id(path: str) -> str | None:
    with open(path, "rb") as fh:
        for line in fh:
            sid = json.loads(line).get("sessionId")
            if isinstance(sid, str):
                return sid
    return None


def _config(state: str) -> Config:
    return Config(state_dir=state, otlp_endpoint="http://127.0.0.1:9/v1/traces")


def measure_full(path: str, state: str, clock: Callable[[], float] = time.perf_counter) -> dict:
    """One full pass of `path` into a fresh store; `seconds` by `clock` (pipeline_ab.py
    passes `time.process_time`), `cpu_seconds` always the process's CPU time (user +
    system: on a shared machine far steadier than wall time)."""
    cfg = _config(state)
    with Store.open(state) as store:
        redactor = pipeline.make_redactor(cfg, None)
        t0, c0 = clock(), time.process_time()
        new = pipeline.process_transcript(store, cfg, redactor, path, final=True)
        elapsed, cpu = clock() - t0, time.process_time() - c0
        batches = store.pending_count()
    return {"seconds": elapsed, "cpu_seconds": cpu, "mb": os.path.getsize(path) / 1048576,
            "observations": new, "batches": batches, "rss_mb": _rss_mb()}


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


def checkpoints(turns: int) -> list[int]:
    """Turn counts at which the growing session reports memory: 1/10, 1/2 and all."""
    return sorted({max(1, turns // 10), max(1, turns // 2), turns})


def _ns(record: dict) -> int | None:
    stamp = record.get("timestamp")
    if not isinstance(stamp, str):
        return None
    try:
        dt = datetime.fromisoformat(stamp.replace("Z", "+00:00"))
    except ValueError:
        return None
    return int(dt.timestamp()) * 10**9 + dt.microsecond * 1000


def hook_entries(records: list[dict], path: str, seq: int) -> list[SpoolEntry]:
    """The spool entries Claude Code's hooks would have written for one main-chain turn:
    UserPromptSubmit, PreToolUse and PostToolUse(Failure) per tool call, Stop; received at
    the records' times, numbered from `seq`."""
    out: list[SpoolEntry] = []
    names: dict[str, str] = {}

    def add(event: str, record: dict, **fields: object) -> None:
        received = _ns(record) or (out[-1].received_ns if out else 0)
        payload = {"session_id": record.get("sessionId"), "transcript_path": path,
                   "cwd": record.get("cwd"), "hook_event_name": event, **fields}
        out.append(SpoolEntry(seq=seq + len(out), received_ns=received, event=event,
                              payload=payload, path="", size=len(json.dumps(payload))))

    main = [r for r in records if not r.get("isSidechain") and r.get("sessionId")]
    for rec in main:
        content = (rec.get("message") or {}).get("content")
        if rec.get("type") == "user" and isinstance(content, str) and not out:
            add("UserPromptSubmit", rec, prompt=content)
        for block in content if isinstance(content, list) else ():
            if not isinstance(block, dict):
                continue
            if rec.get("type") == "assistant" and block.get("type") == "tool_use":
                names[block.get("id", "")] = block.get("name", "")
                add("PreToolUse", rec, tool_name=block.get("name"),
                    tool_use_id=block.get("id"), tool_input=block.get("input"))
            elif block.get("type") == "tool_result" and block.get("tool_use_id") in names:
                failed = bool(block.get("is_error"))
                add("PostToolUseFailure" if failed else "PostToolUse", rec,
                    tool_name=names[block["tool_use_id"]], tool_use_id=block["tool_use_id"],
                    tool_response=block.get("content"), duration_ms=5)
    if main:
        add("Stop", main[-1], stop_hook_active=False)
    return out


def _appended(path: str, offset: int) -> list[dict]:
    with open(path, "rb") as fh:
        fh.seek(offset)
        return [json.loads(line) for line in fh if line.strip()]


def measure_grow(path: str, state: str, source: str | None, turns: int, hooks: bool) -> dict:
    """The worker's steady state on a long session: append one turn, process, repeat.

    With `hooks`, each turn's hook events go through the worker's `ingest` (store the events,
    seal them in the audit log, then `process_transcript` on the transcript they name, with
    hook coverage judged); without, `process_transcript` alone, as the worker calls it. One
    store kept open, as in a long-lived worker. Writing the turn (the generator's cost) is
    not timed. Turns are placed in the past so coverage judges them as they complete.
    """
    cfg = _config(state)
    times: list[float] = []
    inner: list[float] = []
    marks = checkpoints(turns)
    points: list[dict] = []
    observations = 0
    seq = 1
    open(path, "wb").close()
    process = pipeline.process_transcript

    def timed_process(*a: object, **kw: object) -> int:
        t = time.perf_counter()
        try:
            return process(*a, **kw)
        finally:
            inner.append(time.perf_counter() - t)

    pipeline.process_transcript = timed_process  # ingest looks it up in the module
    past = -timedelta(minutes=5 * turns + 60)
    with Store.open(state) as store:
        redactor = pipeline.make_redactor(cfg, None)
        policy = Policy.from_config(cfg)
        sid = None
        for i in range(turns):
            size = os.path.getsize(path)
            generate(path, None, source, seed=1000 + i, append=True, start_index=i, turns=1,
                     time_offset=past)
            entries = hook_entries(_appended(path, size), path, seq) if hooks else []
            seq += len(entries)
            sid = sid or _session_id(path)
            report = pipeline.StepReport()
            t0 = time.perf_counter()
            if hooks:
                pipeline.ingest(store, cfg, entries, report)
            else:
                report.new_observations = pipeline.process_transcript(
                    store, cfg, redactor, path, session_id=sid, policy=policy)
            times.append(time.perf_counter() - t0)
            observations += report.new_observations
            if i + 1 in marks:
                points.append({"turns": i + 1, "peak_rss_mb": _vm_mb("VmHWM"),
                               "rss_mb": _vm_mb(), "mb": os.path.getsize(path) / 1048576,
                               "db_mb": _dir_mb(state)})
            if (i + 1) % max(1, turns // 20) == 0:
                print(f"  grow: {i + 1}/{turns} turns, last {times[-1] * 1000:.1f} ms, "
                      f"rss {_vm_mb():.0f} MB", file=sys.stderr, flush=True)
    pipeline.process_transcript = process
    head = min(100, max(1, turns // 10))
    return {"turns": turns, "observations": observations, "points": points,
            "events": seq - 1, "findings": _count(store_dir=state, table="findings"),
            "first_ms": statistics.median(times[:head]) * 1000,
            "last_ms": statistics.median(times[-head:]) * 1000, "window": head,
            "first_pt_ms": statistics.median(inner[:head]) * 1000,
            "last_pt_ms": statistics.median(inner[-head:]) * 1000,
            "total_s": sum(times)}


def _count(store_dir: str, table: str) -> int:
    conn = sqlite3.connect(f"file:{os.path.join(store_dir, DB_NAME)}?mode=ro", uri=True)
    try:
        return int(conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0])
    finally:
        conn.close()


def _dir_mb(path: str) -> float:
    return sum(os.path.getsize(os.path.join(path, n)) for n in os.listdir(path)
               if os.path.isfile(os.path.join(path, n))) / 1048576


def child(argv: list[str]) -> dict:
    # stderr is not captured: a long run's progress shows where the caller logs it.
    out = subprocess.run([sys.executable, __file__, *argv], stdout=subprocess.PIPE, text=True,
                         check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    size = ap.add_mutually_exclusive_group()
    size.add_argument("--mb", type=float, default=None, help="transcript size (default 100)")
    size.add_argument("--turns", type=int, help="a session of this many turns instead")
    ap.add_argument("--from", dest="source")
    ap.add_argument("--rounds", type=int, default=7)
    ap.add_argument("--skip-full", action="store_true",
                    help="with --turns: only the growing session, not the full pass")
    ap.add_argument("--no-hooks", action="store_true",
                    help="with --turns: the growing session without hook events "
                         "(process_transcript alone, no coverage judged)")
    ap.add_argument("--measure", nargs=3, metavar=("KIND", "PATH", "STATE"),
                    help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.measure:
        kind, path, state = args.measure
        if kind == "full":
            result = measure_full(path, state)
        elif kind == "grow":
            result = measure_grow(path, state, args.source, args.turns, not args.no_hooks)
        else:
            result = measure_append(path, state, args.source, args.rounds)
        print(json.dumps(result))
        return 0
    if args.turns is not None:
        return main_turns(args)
    args.mb = 100.0 if args.mb is None else args.mb
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
          f"{full['batches']} OTLP batches: wall clock | {full['seconds']:.2f} s = "
          f"{full['mb'] / full['seconds']:.1f} MB/s | >= 20 MB/s |")
    print(f"| full pass: CPU time (user + system) | {full['cpu_seconds']:.2f} s = "
          f"{full['mb'] / full['cpu_seconds']:.1f} MB/s per CPU second | >= 20 MB/s |")
    print(f"| peak RSS (worker pipeline process) | {full['rss_mb']:.0f} MB | <= 150 MB |")
    print(f"| one new turn after 1 MB history | {one_small['median_s'] * 1000:.1f} ms | |")
    print(f"| one new turn after {full['mb']:.0f} MB history | "
          f"{one_big['median_s'] * 1000:.1f} ms | |")
    print(f"| ratio big/small | {ratio:.2f}x | <= 1.2x |")
    subprocess.run(["rm", "-rf", work], check=False)
    return 0


def main_turns(args: argparse.Namespace) -> int:
    """A session of `args.turns` turns: one full pass, then the growing session."""
    work = tempfile.mkdtemp(prefix="cctrace-bench-")
    extra = ["--from", args.source] if args.source else []
    full = None
    try:
        if not args.skip_full:
            big = os.path.join(work, "big.jsonl")
            generate(big, None, args.source, seed=1, turns=args.turns)
            full = child(["--measure", "full", big, os.path.join(work, "s1"), *extra])
            os.remove(big)
        hooks = ["--no-hooks"] if args.no_hooks else []
        grow = child(["--measure", "grow", os.path.join(work, "grow.jsonl"),
                      os.path.join(work, "s2"), "--turns", str(args.turns), *extra, *hooks])
        redactor = type(pipeline.make_redactor(_config(work), None)).__name__
    finally:
        subprocess.run(["rm", "-rf", work], check=False)
    n = f"{args.turns:,}"
    print(f"worker pipeline, a {n}-turn session of "
          f"{'turns of ' + args.source if args.source else 'template turns'}"
          f" (redactor: {redactor})\n")
    print("| measure | value | target |")
    print("|---|---|---|")
    if full:
        print(f"| full pass, {n} turns = {full['mb']:.0f} MB -> {full['observations']} "
              f"observations, {full['batches']} OTLP batches | {full['seconds']:.1f} s = "
              f"{full['mb'] / full['seconds']:.1f} MB/s ({full['cpu_seconds']:.1f} CPU s = "
              f"{full['mb'] / full['cpu_seconds']:.1f} MB/s per CPU s) | >= 20 MB/s |")
        print(f"| full pass: peak RSS | {full['rss_mb']:.0f} MB | <= 150 MB |")
    for p in grow["points"]:
        print(f"| growing session, after {p['turns']:,} turns ({p['mb']:.0f} MB transcript, "
              f"{p['db_mb']:.0f} MB store): peak RSS / RSS now | {p['peak_rss_mb']:.0f} MB / "
              f"{p['rss_mb']:.0f} MB | <= 150 MB |")
    w = grow["window"]
    step = "ingest (events + process_transcript)" if grow["events"] else "process_transcript"
    print(f"| one turn, {step}: median of the first {w} / last {w} | "
          f"{grow['first_ms']:.1f} ms / {grow['last_ms']:.1f} ms = "
          f"{grow['last_ms'] / grow['first_ms']:.2f}x | <= 1.2x |")
    if grow["events"]:
        print(f"| of which process_transcript: first {w} / last {w} | "
              f"{grow['first_pt_ms']:.1f} ms / {grow['last_pt_ms']:.1f} ms = "
              f"{grow['last_pt_ms'] / grow['first_pt_ms']:.2f}x | <= 1.2x |")
    print(f"\ngrowing session: {grow['observations']} observations, {grow['events']} hook "
          f"events, {grow['findings']} findings, {grow['total_s']:.0f} s processing in all")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
