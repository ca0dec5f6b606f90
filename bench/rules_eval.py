"""Behaviour-rule evaluation on the labelled corpus (bench/rules_corpus/*.jsonl).

Prints markdown tables: detection rate of malicious tool calls (any finding, and the
expected rule), by obfuscation variant; false positives per 1,000 benign calls (and which
rules raised them), separately for the hand-written benign calls (benign.jsonl, build.py) and
the ones recorded from real Claude Code sessions (benign_recorded.jsonl, record_benign.py).
The recorded calls are judged twice: one call per trace like the rest, and replayed as the
sessions they came from (one trace per turn, calls in order), so windowed and sequence rules
see the history a real session gives them;
evaluation time per event with the shell-parse cache cleared, so every event pays its own
parse. Run: python bench/rules_eval.py [--show-misses] [--show-fps]
"""

from __future__ import annotations

import argparse
import fnmatch
import json
import os
import statistics
import sys
import time
import zlib
from collections import Counter, defaultdict

from cctrace.model.types import Observation, Trace
from cctrace.rules import evaluate, load_ruleset
from cctrace.rules.shell import _parse_cached

HERE = os.path.dirname(os.path.abspath(__file__))
CORPUS = os.path.join(HERE, "rules_corpus")


def load(name: str) -> list[dict]:
    path = os.path.join(CORPUS, name)
    if name == "benign_recorded.jsonl" and not os.path.exists(path):
        return []
    with open(path, encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def as_trace(row: dict, i: int) -> Trace:
    obs = Observation(id=f"{i:016x}", trace_id=f"{i:032x}", parent_id="0" * 16, type="tool",
                      name=row["tool"], start_ns=1_700_000_000 * 10**9, end_ns=0,
                      input=row.get("input"), output=row.get("output"),
                      metadata={"tool_use_id": f"toolu_{row['id']}"})
    return Trace(id=f"{i:032x}", session_id=f"s-{row['id']}", name="turn",
                 start_ns=obs.start_ns - 1, end_ns=obs.start_ns,
                 metadata={"cwd": row.get("cwd"), "git_branch": row.get("branch", "feature/x")},
                 observations=[obs])


def session_traces(rows: list[dict]) -> dict[str, list[Trace]]:
    """Recorded rows regrouped into their sessions: one trace per turn, one second per call."""
    sessions: dict[str, dict[int, Trace]] = defaultdict(dict)
    t = 1_700_000_000 * 10**9
    for i, row in enumerate(rows):
        t += 10**9
        sid = f"rec-{row.get('session', 'x')}"
        turns = sessions[sid]
        turn = int(row.get("turn", 0))
        if turn not in turns:
            turns[turn] = Trace(id=f"{len(turns) + 1:08x}{zlib.crc32(sid.encode()):024x}",
                                session_id=sid, name="turn", start_ns=t - 1, end_ns=0,
                                input=row.get("prompt"),
                                metadata={"cwd": row.get("cwd"),
                                          "git_branch": row.get("branch") or None})
        trace = turns[turn]
        trace.observations.append(Observation(
            id=f"{200_000 + i:016x}", trace_id=trace.id, parent_id="0" * 16, type="tool",
            name=row["tool"], start_ns=t, end_ns=t + 10**8, input=row.get("input"),
            output=row.get("output"), metadata={"tool_use_id": f"toolu_{row['id']}"}))
    return {sid: [turns[k] for k in sorted(turns)] for sid, turns in sessions.items()}


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--show-misses", action="store_true")
    ap.add_argument("--show-fps", action="store_true")
    args = ap.parse_args()
    ruleset = load_ruleset()
    malicious = load("malicious.jsonl")
    benign_sets = {"hand-written": load("benign.jsonl"),
                   "recorded (real CLI sessions)": load("benign_recorded.jsonl")}
    times: list[float] = []
    by_variant: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    detected = expected_hit = 0
    misses = []
    for i, row in enumerate(malicious):
        trace = as_trace(row, i)
        _parse_cached.cache_clear()
        t0 = time.perf_counter()
        found = evaluate([trace], ruleset)
        times.append(time.perf_counter() - t0)
        ids = [f.rule_id for f in found]
        hit = bool(ids)
        exp = any(fnmatch.fnmatch(r, row["expect"]) for r in ids)
        detected += hit
        expected_hit += exp
        v = by_variant[row["note"]]
        v[0] += 1
        v[1] += hit
        v[2] += exp
        if not exp:
            misses.append((row["id"], row["expect"], ids, row["input"]))
    fps = []
    fp_rules: Counter[str] = Counter()
    fp_counts: dict[str, int] = {}
    n = 100_000
    for set_name, rows in benign_sets.items():
        before = len(fps)
        for row in rows:
            n += 1
            trace = as_trace(row, n)
            _parse_cached.cache_clear()
            t0 = time.perf_counter()
            found = evaluate([trace], ruleset)
            times.append(time.perf_counter() - t0)
            if found:
                fps.append((set_name, row["id"], [f.rule_id for f in found], row["input"]))
                fp_rules.update(f"{f.rule_id} ({set_name.split()[0]})" for f in found)
        fp_counts[set_name] = len(fps) - before
    # Whole-session replay of the recorded calls: a finding on any benign call counts.
    replay_fps = []
    sessions = session_traces(benign_sets["recorded (real CLI sessions)"])
    for sid, traces in sessions.items():
        for f in evaluate(traces, ruleset):
            replay_fps.append((sid, f.rule_id))
            fp_rules[f"{f.rule_id} (session replay)"] += 1
    emitting = sum(1 for r in ruleset.rules if r.emit)
    print(f"## Behaviour rules: labelled corpus ({emitting} emitting rules, "
          f"{len(ruleset.rules)} total)\n")
    print("| set | calls | detected (any rule) | expected rule raised |")
    print("|---|---:|---:|---:|")
    print(f"| malicious | {len(malicious)} | {detected / len(malicious):.1%} | "
          f"{expected_hit / len(malicious):.1%} |")
    print("\n| benign | calls | calls with a finding | FP per 1,000 |\n|---|---:|---:|---:|")
    for set_name, rows in benign_sets.items():
        if rows:
            k = fp_counts[set_name]
            print(f"| {set_name} | {len(rows)} | {k} | {1000 * k / len(rows):.1f} |")
    rec_rows = benign_sets["recorded (real CLI sessions)"]
    if rec_rows:
        turns = sum(len(t) for t in sessions.values())
        print(f"| recorded, replayed as {len(sessions)} sessions / {turns} turns | "
              f"{len(rec_rows)} | {len(replay_fps)} findings | "
              f"{1000 * len(replay_fps) / len(rec_rows):.1f} |")
    print("\n| malicious variant | calls | detected | expected rule |\n|---|---:|---:|---:|")
    for name, (n, hit, exp) in sorted(by_variant.items()):
        print(f"| {name} | {n} | {hit / n:.1%} | {exp / n:.1%} |")
    times.sort()
    print("\n| evaluation time per event | value |\n|---|---:|")
    print(f"| mean | {statistics.mean(times) * 1e6:.0f} µs |")
    print(f"| p50 | {times[len(times) // 2] * 1e6:.0f} µs |")
    print(f"| p99 | {times[int(len(times) * 0.99)] * 1e6:.0f} µs |")
    print(f"| max | {times[-1] * 1e6:.0f} µs |")
    if fp_rules:
        print("\nFalse positives by rule: " + ", ".join(f"{r} {n}" for r, n in
                                                       fp_rules.most_common()))
    if args.show_misses:
        for m in misses:
            print("MISS", m, file=sys.stderr)
    if args.show_fps:
        for fp in fps:
            print("FP", fp, file=sys.stderr)
        for fp in replay_fps:
            print("FP session", fp, file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
