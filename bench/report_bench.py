"""`cctrace report` on a large store: how long the report takes and how big the page is.

Fills a fresh store with generated sessions (priced with the shipped table, as the worker
prices them: `cctrace.store.cost.apply_costs`), spread over `--days` days, 3 models, 4 tools
per turn, one tool in ten failing, then times, best of `--repeat`: reading the facts
(`Store.report_facts`), aggregating them (`build_report`: days/weeks/months, sessions with
their turn trees, cost by token type, cost per turn, cache savings at the table's rates,
unpriced tokens), and rendering the terminal text and the HTML page; and prints the page's
size. Nothing here is a test: it prints figures for BENCHMARKS.md.

    python bench/report_bench.py [--sessions 500] [--turns 20] [--days 90] [--repeat 3]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time

from cctrace.model.types import Observation, Trace
from cctrace.redact.stage import NullRedactor, redact_traces
from cctrace.report.data import build_report
from cctrace.report.html import render_html
from cctrace.report.text import report_lines
from cctrace.store import cost
from cctrace.store.db import Store

MODELS = ("claude-sonnet-4-5-20250929", "claude-opus-4-5-20251101",
          "claude-haiku-4-5-20251001")
TOOLS = ("Bash", "Read", "Edit", "Grep")
SEC = 10**9
T0 = 1_780_000_000 * SEC


def _hex(n: int, width: int) -> str:
    return f"{n:0{width}x}"


def session(i: int, turns: int, days: int) -> list[Trace]:
    out = []
    start = T0 + (i * 7919 % days) * 86400 * SEC + (i % 24) * 3600 * SEC
    for t in range(turns):
        n = i * 10_000 + t
        tid = _hex(n + 1, 32)
        at = start + t * 120 * SEC
        root = _hex(n * 16 + 1, 16)
        obs = [Observation(root, tid, None, "agent", "turn", at, at + 60 * SEC)]
        for g in range(3):
            model = MODELS[(i + g) % len(MODELS)]
            obs.append(Observation(
                _hex(n * 16 + 2 + g, 16), tid, root, "generation", model,
                at + g * 10 * SEC, at + g * 10 * SEC + 4 * SEC, model=model,
                usage={"input": 20 + g, "output": 300 + 7 * t, "input_cache_read": 20_000 + t,
                       "input_cache_creation": 800}))
        for k, name in enumerate(TOOLS):
            obs.append(Observation(
                _hex(n * 16 + 8 + k, 16), tid, root, "tool", name, at + k * SEC,
                at + k * SEC + (50 + 13 * k) * 1_000_000,
                level="ERROR" if (n + k) % 10 == 0 else "DEFAULT"))
        out.append(Trace(tid, f"sess-{i:05d}", "turn", at, at + 60 * SEC,
                         metadata={"cwd": f"/home/u/src/proj{i % 12}"}, observations=obs))
    # Nothing to redact in generated figures; the store takes only marked traces.
    return redact_traces(cost.apply_costs(out), NullRedactor())


def best(fn, repeat: int) -> tuple[float, object]:
    times, value = [], None
    for _ in range(repeat):
        t = time.perf_counter()
        value = fn()
        times.append(time.perf_counter() - t)
    return min(times), value


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sessions", type=int, default=500)
    ap.add_argument("--turns", type=int, default=20)
    ap.add_argument("--days", type=int, default=90)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as home, Store.open(home) as store:
        for i in range(args.sessions):
            store.insert_traces(session(i, args.turns, args.days))
        facts_s, facts = best(lambda: store.report_facts(), args.repeat)
        findings = store.findings()
    n_obs = len(facts["observations"])
    build_s, report = best(lambda: build_report(facts, findings), args.repeat)
    try:
        text_s, _ = best(lambda: report_lines(report, 120), args.repeat)
    except TypeError:  # a cctrace before the terminal width (for a before/after run)
        text_s, _ = best(lambda: report_lines(report), args.repeat)
    html_s, page = best(lambda: render_html(report), args.repeat)
    gens = report.totals.generations
    print(f"store: {args.sessions} sessions x {args.turns} turns over {args.days} days: "
          f"{gens} model calls, {report.tool_calls} tool calls ({n_obs} facts)")
    print(f"{'step':<36} {'seconds':>8}")
    for name, secs in (("read facts (Store.report_facts)", facts_s),
                       ("aggregate (build_report)", build_s),
                       ("render terminal text", text_s), ("render HTML", html_s)):
        print(f"{name:<36} {secs:8.3f}")
    print(f"{'total':<36} {facts_s + build_s + text_s + html_s:8.3f}")
    saved = getattr(report, "savings", None)
    print(f"HTML page: {len(page.encode()) / 1024:.0f} KiB; cost {report.totals.cost:.2f} USD"
          + (f"; cache saved {saved.net:.2f} USD net" if saved else ""))
    return 0


if __name__ == "__main__":
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    sys.exit(main())
