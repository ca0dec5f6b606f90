"""Wall-clock cost of one statusline refresh, beside `python -S -c pass` and the hook.

Runs the statusline the way `cctrace install --statusline` writes it
(`python -I -S .../cctrace/statusline/entry.py --state-dir=DIR`, the JSON Claude Code 2.1.328
sends on stdin) against a summary file of 50 sessions, interleaved with `python -S -c pass`
(the floor) and the hook on a PreToolUse payload, so all see the same machine load. Also: the
statusline composed with a user's own command (`--then "printf '~/src main'"`: one more
process), and the `cctrace statusline` CLI form (full CLI start-up) for contrast.

The worker's side, `--turns N`: the time to rebuild and write the summary (what the worker
adds after each batch) on a store holding N turns (a generation and a tool call each, over
20 sessions) in the last 48 hours.

Usage: python bench/statusline.py [-n 200] [--python PATH] [--turns 5000]
Prints a markdown table for BENCHMARKS.md. Target: statusline p50 <= 2x the floor.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from hook_latency import ENTRY as HOOK_ENTRY  # noqa: E402
from hook_latency import ROOT, importtime_us, pct, run_ms  # noqa: E402
from hook_latency import payloads as hook_payloads  # noqa: E402

ENTRY = os.path.join(ROOT, "src", "cctrace", "statusline", "entry.py")
SID = "5f0c1d2e-0000-4000-8000-000000000001"


def status_payload() -> bytes:
    """The statusline input's shape in Claude Code 2.1.328 (read from the pinned binary)."""
    return json.dumps({
        "session_id": SID, "transcript_path": f"/home/u/.claude/projects/-home-u-proj/{SID}.jsonl",
        "cwd": "/home/u/proj", "hook_event_name": "Status",
        "model": {"id": "claude-opus-5-5", "display_name": "Opus 5.5"},
        "workspace": {"current_dir": "/home/u/proj", "project_dir": "/home/u/proj",
                      "added_dirs": []},
        "version": "2.1.328", "output_style": {"name": "default"},
        "cost": {"total_cost_usd": 1.2345, "total_duration_ms": 512000,
                 "total_api_duration_ms": 201000, "total_lines_added": 120,
                 "total_lines_removed": 14},
        "context_window": {"total_input_tokens": 51234, "total_output_tokens": 8123,
                           "context_window_size": 200000, "used_percentage": 29,
                           "remaining_percentage": 71},
        "exceeds_200k_tokens": False,
    }).encode()


def write_summary(home: str) -> None:
    import time

    now = time.time_ns()
    hour = 3600 * 10**9
    sessions = {f"5f0c1d2e-0000-4000-8000-{i:012d}": {
        "cost": 0.5 + i, "tokens": 100_000 + i, "unpriced_tokens": 0,
        "findings": i % 3, **({"worst": "medium"} if i % 3 else {})} for i in range(1, 51)}
    doc = {"v": 1, "written_ns": now, "days": {time.strftime("%Y-%m-%d"): 12.34},
           "block": {"start_ns": now - hour, "end_ns": now + 4 * hour,
                     "first_ns": now - 50 * 60 * 10**9, "last_ns": now - 60 * 10**9,
                     "cost": 4.2, "tokens": 1_234_567, "unpriced_tokens": 0},
           "sessions": sessions}
    with open(os.path.join(home, "statusline.json"), "w") as fh:
        json.dump(doc, fh)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=200, help="runs per command (default 200)")
    parser.add_argument("--python", default=sys.executable, help="interpreter to run")
    parser.add_argument("--turns", type=int, default=0,
                        help="also time the worker's summary rebuild on a store of N turns")
    args = parser.parse_args()
    if args.turns:
        return summary_rebuild(args.turns)

    home = tempfile.mkdtemp(prefix="cctrace-bench-")
    env = {k: v for k, v in os.environ.items()
           if not k.upper().startswith(("CCTRACE_", "LANGFUSE_"))}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    sys.path.insert(0, os.path.join(ROOT, "src"))
    from cctrace.worker import lifecycle

    lifecycle.write_worker_info(home, python=shutil.which("true") or "/bin/true")
    write_summary(home)
    body = status_payload()
    cli = os.path.join(os.path.dirname(args.python), "cctrace")
    commands = {
        "`python -S -c pass` (floor)": ([args.python, "-S", "-c", "pass"], b""),
        "statusline": ([args.python, "-I", "-S", ENTRY, f"--state-dir={home}"], body),
        "hook: PreToolUse": ([args.python, "-I", "-S", HOOK_ENTRY, f"--state-dir={home}"],
                             hook_payloads()["PreToolUse"]),
        "statusline composed with a user's `printf`": (
            [args.python, "-I", "-S", ENTRY, f"--state-dir={home}", "--then",
             "printf '~/src main'"], body),
    }
    cli_runs = max(args.n // 10, 5)
    try:
        line = run_line(commands["statusline"], env)
        for argv, stdin in commands.values():  # warm-up: .pyc files, page cache
            run_ms(argv, stdin, env)
        results: dict[str, list[float]] = {name: [] for name in commands}
        for _ in range(args.n):
            for name, (argv, stdin) in commands.items():
                results[name].append(run_ms(argv, stdin, env))
        cli_ms = [run_ms([cli, "statusline"], body, {**env, "CCTRACE_HOME": home})
                  for _ in range(cli_runs)] if os.path.exists(cli) else []
        imports = importtime_us(commands["statusline"][0], body, env)
        floor_imports = importtime_us(commands["`python -S -c pass` (floor)"][0], b"", env)
    finally:
        shutil.rmtree(home, ignore_errors=True)

    floor = statistics.median(results["`python -S -c pass` (floor)"])
    print(f"Statusline latency, {args.n} runs per command, {os.cpu_count()} CPUs, "
          f"Python {sys.version.split()[0]}; it printed: {line!r}\n")
    print("| command | p50 ms | p99 ms | mean ms | p50 / floor |")
    print("|---|---:|---:|---:|---:|")
    rows = list(results.items()) + ([(f"`cctrace statusline` (CLI, {cli_runs} runs)", cli_ms)]
                                    if cli_ms else [])
    for name, values in rows:
        p50 = statistics.median(values)
        print(f"| {name} | {p50:.1f} | {pct(values, 0.99):.1f} | "
              f"{statistics.fmean(values):.1f} | {p50 / floor:.2f} |")
    ratio = statistics.median(results["statusline"]) / floor
    print(f"\n`-X importtime` total (median of 7): statusline {imports / 1000:.1f} ms, "
          f"`-c pass` {floor_imports / 1000:.1f} ms.")
    print(f"Target: statusline p50 <= 2x floor: {'met' if ratio <= 2 else 'MISSED'} "
          f"({ratio:.2f}x).")
    return 0


def summary_rebuild(turns: int) -> int:
    """Median time of `summary.refresh` (build + atomic write) on a store of `turns` turns."""
    import time

    sys.path.insert(0, os.path.join(ROOT, "src"))
    from cctrace.model.ids import span_id, trace_id
    from cctrace.model.types import Observation, Trace
    from cctrace.redact.stage import NullRedactor, redact_traces
    from cctrace.report import summary
    from cctrace.store.db import Store

    home = tempfile.mkdtemp(prefix="cctrace-bench-")
    now = time.time_ns()
    step = 48 * 3600 * 10**9 // turns
    traces = []
    for i in range(turns):
        start = now - 48 * 3600 * 10**9 + i * step
        tid, key = trace_id(f"t{i}"), f"t{i}"
        gen = Observation(id=span_id("gen", key), trace_id=tid, parent_id=None,
                          type="generation", name="m", start_ns=start, end_ns=start + 10**9,
                          model="claude-sonnet-4-5-20250929",
                          usage={"input": 10, "output": 500, "input_cache_read": 20000},
                          cost={"input": 3e-05, "output": 0.0075, "input_cache_read": 0.006,
                                "total": 0.01353})
        tool = Observation(id=span_id("tool", key), trace_id=tid, parent_id=None, type="tool",
                           name="Bash", start_ns=start + 10**9, end_ns=start + 2 * 10**9)
        traces.append(Trace(id=tid, session_id=f"s{i % 20}", name="turn", start_ns=start,
                            end_ns=start + 3 * 10**9, metadata={"cwd": "/home/u/proj"},
                            observations=[gen, tool]))
    times = []
    try:
        with Store.open(home) as store:
            for i in range(0, len(traces), 500):
                store.insert_traces(redact_traces(traces[i:i + 500], NullRedactor()))
            for _ in range(7):
                t0 = time.perf_counter()
                summary.refresh(home, store)
                times.append((time.perf_counter() - t0) * 1000)
    finally:
        shutil.rmtree(home, ignore_errors=True)
    print(f"Summary rebuild + write, {turns} turns ({turns} generations, {turns} tool calls, "
          f"20 sessions) in the last 48 h: median {statistics.median(times):.1f} ms, "
          f"max {max(times):.1f} ms (7 runs)")
    return 0


def run_line(command: tuple[list[str], bytes], env: dict[str, str]) -> str:
    import subprocess

    argv, stdin = command
    return subprocess.run(argv, input=stdin, capture_output=True, env=env,
                          check=False).stdout.decode().strip()


if __name__ == "__main__":
    sys.exit(main())
