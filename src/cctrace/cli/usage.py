"""`cctrace usage daily|weekly|monthly|session|blocks`: what was spent, per period, as tables.

Rows come from `cctrace.report.usage` over `Store.report_facts` (the same layer `report`
totals come from), filtered by `--since/--until`, `--project` and `--model`; `--breakdown`
adds a line per model and the cost per token type; `--json` prints the rows for scripts.
`blocks --live` redraws the current 5-hour block (cost, burn rate, projection to its end)
every `--refresh` seconds until Ctrl-C or `--count` frames. Rendering is pure functions of
the rows; only the `run*` functions touch the store, the clock and stdout.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from datetime import datetime, timedelta, tzinfo
from typing import Any, TextIO

from cctrace.cli.main import CliError
from cctrace.cli.sessions import parse_since
from cctrace.report import fmt
from cctrace.report import usage as u

WIDTH = 100
LIVE_LOOKBACK_NS = 48 * u.HOUR_NS
_HEAD = {"daily": "DAY", "weekly": "WEEK", "monthly": "MONTH", "session": "SESSION",
         "blocks": "BLOCK (START-END)"}
_DATE_ONLY = re.compile(r"\d{4}-\d{2}-\d{2}")


def register(subparsers: Any) -> None:
    p = subparsers.add_parser(
        "usage",
        help="tokens and cost per day, week, month, session or 5-hour block",
        description="Tokens and cost from the local store per day, ISO week, month, session "
        "(most expensive first) or 5-hour block, with per-model and per-token-type "
        "breakdowns. Subagent calls are included. Days, weeks and months are in the local "
        "time zone unless --timezone names another.",
    )
    views = p.add_subparsers(dest="view", metavar="VIEW", required=True)
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--since", metavar="DATE",
                        help="only activity since DATE (2026-01-31, 2026-01-31T09:00, or a span "
                        "back from now: 12h, 7d, 2w)")
    common.add_argument("--until", metavar="DATE",
                        help="only activity until DATE (a date alone includes that whole day)")
    common.add_argument("--project", metavar="P",
                        help="only projects whose name contains P (ignoring case)")
    common.add_argument("--model", metavar="M",
                        help="only model calls whose model id contains M (e.g. opus)")
    common.add_argument("--breakdown", action="store_true",
                        help="a line per model under each row, and cost per token type")
    common.add_argument("--timezone", metavar="TZ",
                        help="time zone for days, weeks, months and times shown "
                        "(e.g. UTC, Europe/Paris; default: this machine's)")
    common.add_argument("--json", action="store_true", help="print JSON instead of a table")
    helps = {"daily": "per calendar day", "weekly": "per ISO week (Monday first)",
             "monthly": "per calendar month",
             "session": "per session, most expensive first",
             "blocks": "per 5-hour block (ccusage's definition), with burn rate"}
    for name in u.PERIODS:
        v = views.add_parser(name, parents=[common], help=helps[name],
                             description=f"Tokens and cost {helps[name]}.")
        if name == "blocks":
            v.add_argument("--live", action="store_true",
                           help="redraw the current block, its burn rate and projection until "
                           "Ctrl-C")
            v.add_argument("--refresh", metavar="S", type=float, default=5.0,
                           help="seconds between redraws with --live (default 5)")
            v.add_argument("--count", metavar="N", type=int,
                           help="with --live: stop after N redraws")
            v.add_argument("--limit", metavar="USD|max",
                           help="show the active block's cost against a limit: a dollar "
                           "amount, or 'max' for the most expensive past block shown (with "
                           "--live: of the last 48 h); always a local estimate, not your "
                           "plan's real limit")
        v.set_defaults(func=run)


# -- pure helpers ------------------------------------------------------------------------


def zone(name: str | None) -> tzinfo:
    """The time zone called `name` (IANA name or UTC); this machine's when None."""
    if not name:
        tz = datetime.now().astimezone().tzinfo
        assert tz is not None
        return tz
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        return ZoneInfo(name.strip())
    except (ZoneInfoNotFoundError, ValueError, OSError):
        raise CliError(f"--timezone: unknown time zone {name!r} (e.g. UTC, Europe/Paris, "
                       "America/New_York)", code=2) from None


def parse_when(text: str, now_ns: int, tz: tzinfo, *, end: bool = False) -> int:
    """`--since`/`--until` as epoch ns. A date or time without zone is read in `tz`; with
    `end`, a date alone means the end of that day (so `--until 2026-01-31` includes it)."""
    value = text.strip()
    if _DATE_ONLY.fullmatch(value):
        try:
            day = datetime.strptime(value, "%Y-%m-%d").replace(tzinfo=tz)
        except ValueError:
            raise CliError(f"{'--until' if end else '--since'}: {text!r} is not a date",
                           code=2) from None
        if end:
            day += timedelta(days=1)
        return int(day.timestamp()) * 1_000_000_000
    if re.fullmatch(r"\d+\s*[smhdw]", value, re.IGNORECASE):
        return parse_since(value, now_ns)
    try:
        dt = datetime.fromisoformat(value.replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        return parse_since(value, now_ns)  # raises its clear error
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=tz)
    return int(dt.timestamp()) * 1_000_000_000 + dt.microsecond * 1000


def local(ns: int, tz: tzinfo, pattern: str = "%Y-%m-%d %H:%M") -> str:
    return datetime.fromtimestamp(ns / 1e9, tz).strftime(pattern)


def short_model(model: str) -> str:
    """`claude-sonnet-4-5-20250929` -> `sonnet-4-5` (the date suffix and vendor dropped)."""
    name = re.sub(r"-\d{8}$", "", model)
    return name[len("claude-"):] if name.startswith("claude-") else name


def money(value: float | None, priced: bool = True) -> str:
    return fmt.cost(value, priced)


def _label(row: u.UsageRow, period: str, tz: tzinfo, id_len: int = 8) -> str:
    if period == "session":
        return row.key[:id_len]
    if period == "blocks":
        start = local(row.start_ns, tz, "%Y-%m-%d %H:%M")
        return f"{start}-{local(row.end_ns, tz, '%H:%M')}"
    return row.key


def _cells(t: u.Totals) -> str:
    k = t.tokens
    return (f"{fmt.tokens(k.get('input', 0)):>8} {fmt.tokens(k.get('output', 0)):>8} "
            f"{fmt.tokens(k.get('cache_read', 0)):>8} {fmt.tokens(k.get('cache_write', 0)):>8} "
            f"{fmt.tokens(t.total_tokens):>8} {money(t.cost, t.priced):>9}")


def _fit(line: str) -> str:
    return line if len(line) <= WIDTH else line[: WIDTH - 1] + "…"


def table(rows: list[u.UsageRow], totals: u.Totals, period: str, tz: tzinfo,
          now_ns: int, breakdown: bool = False) -> list[str]:
    """The usage table: a line per row, per model with `breakdown`, then the total."""
    from cctrace.cli.sessions import id_width

    id_len = id_width([r.key for r in rows]) if period == "session" else 8
    labels = [_label(r, period, tz, id_len) for r in rows]
    if breakdown:
        labels += ["  " + short_model(m) for r in rows for m in r.models]
    lw = max([len(_HEAD[period]), 10] + [len(x) for x in labels])
    extra = "  STATUS   $/HOUR" if period == "blocks" else (
        "  LAST        PROJECT" if period == "session" else "  MODELS")
    lines = [f"{_HEAD[period]:<{lw}} {'INPUT':>8} {'OUTPUT':>8} {'CACHE RD':>8} "
             f"{'CACHE WR':>8} {'TOTAL':>8} {'COST':>9}{extra}"]
    for row in rows:
        line = f"{_label(row, period, tz, id_len):<{lw}} {_cells(row.totals)}"
        if period == "blocks":
            rate = row.burn()
            status = "ACTIVE" if row.active else "done"
            line += f"  {status:<7} {money(rate[0]) if rate else '-':>7}"
            projected = row.projection(now_ns)
            if projected is not None:
                line += f"  → {money(projected)} projected"
        elif period == "session":
            line += f"  {local(row.last_ns, tz, '%Y-%m-%d')}  " + ", ".join(sorted(row.projects))
        else:
            line += "  " + ", ".join(short_model(m) for m in sorted(row.models))
        lines.append(_fit(line))
        if breakdown:
            for model, t in sorted(row.models.items(), key=lambda kv: (-kv[1].cost, kv[0])):
                lines.append(_fit(f"{'  ' + short_model(model):<{lw}} {_cells(t)}"))
            if row.totals.priced:
                lines.append(_fit(" " * (lw + 1) + "cost by type: " + by_type(row.totals)))
    lines.append(_fit(f"{'TOTAL':<{lw}} {_cells(totals)}"))
    if breakdown and totals.priced:
        lines.append(_fit(" " * (lw + 1) + "cost by type: " + by_type(totals)))
    if totals.unpriced_tokens:
        lines.append(unpriced_note(totals))
    return lines


def by_type(t: u.Totals) -> str:
    names = {"input": "input", "output": "output", "cache_read": "cache read",
             "cache_write": "cache write"}
    return " · ".join(f"{names.get(k, k)} {money(t.cost_by_type.get(k, 0.0))}"
                      for k in u._types(t.cost_by_type))


def unpriced_note(t: u.Totals) -> str:
    return (f"note: {t.unpriced_tokens:,} tokens of {t.total_tokens:,} unpriced "
            "(no known price for their model): costs shown leave them out")


def live_frame(all_blocks: list[u.UsageRow], now_ns: int, tz: tzinfo,
               limit: str | None = None) -> list[str]:
    """One redraw of `blocks --live`."""
    active = next((b for b in reversed(all_blocks) if b.active), None)
    lines = [f"cctrace usage · 5-hour block · {local(now_ns, tz, '%Y-%m-%d %H:%M:%S')}"]
    if active is None:
        last = all_blocks[-1].last_ns if all_blocks else None
        lines.append("No active block" + (f" (last activity {local(last, tz)})." if last
                                          else " (no activity recorded yet)."))
        return lines
    t = active.totals
    left = active.end_ns - now_ns
    lines.append(f"Block: {local(active.start_ns, tz, '%H:%M')}-{local(active.end_ns, tz, '%H:%M')}"
                 f" ({fmt.ms(left / 1e6)} left)")
    lines.append(f"Cost: {money(t.cost, t.priced)} · {fmt.tokens(t.total_tokens)} tokens · "
                 f"{t.generations} model calls · {len(active.sessions)} session(s)")
    rate = active.burn()
    if rate is None:
        lines.append("Burn rate: - (one model call so far)")
    else:
        lines.append(f"Burn rate: {money(rate[0])}/hour · {fmt.tokens(rate[1])} tokens/min")
    projected = active.projection(now_ns)
    if projected is not None:
        lines.append(f"Projected at block end: {money(projected)}")
    cap = _limit(limit, all_blocks)
    if cap is not None:
        lines.append(limit_line(active, cap, now_ns))
    if t.unpriced_tokens:
        lines.append(unpriced_note(t))
    return lines


def limit_line(active: u.UsageRow, cap: tuple[float, str], now_ns: int) -> str:
    """The active block's cost against a limit, always labelled a local estimate."""
    value, how = cap
    projected = active.projection(now_ns)
    used = active.totals.cost / value * 100
    tail = f", projected {projected / value * 100:.0f}%" if projected is not None else ""
    return (f"Limit {money(value)} ({how}; a local estimate, not your plan's limit): "
            f"{used:.0f}% used{tail}")


def _limit(limit: str | None, all_blocks: list[u.UsageRow],
           among: str = "of the last 48 h") -> tuple[float, str] | None:
    if not limit:
        return None
    if limit.strip().lower() == "max":
        top = u.largest_block_cost(all_blocks)
        return None if not top else (top, f"most expensive block {among}")
    try:
        value = float(limit.strip().lstrip("$"))
    except ValueError:
        raise CliError(f"--limit: {limit!r} is neither a dollar amount nor 'max'",
                       code=2) from None
    if value <= 0:
        raise CliError("--limit must be more than 0", code=2)
    return value, "--limit"


def document(rows: list[u.UsageRow], totals: u.Totals, period: str, tz: tzinfo,
             now_ns: int, since: int | None, until: int | None,
             breakdown: bool) -> dict[str, Any]:
    return {"view": period, "timezone": str(tz), "since_ns": since, "until_ns": until,
            "generated_ns": now_ns,
            "rows": [r.to_dict(breakdown, now_ns) for r in rows],
            "totals": totals.to_dict()}


# -- the command ---------------------------------------------------------------------------


def load_rows(since: int | None, until: int | None, project: str | None,
              model: str | None) -> list[Any]:
    from cctrace.cli.sessions import check_prices
    from cctrace.store.db import Store

    check_prices()
    with Store.open() as store:
        facts = store.report_facts(since, until, tools=False)
    return u.select(u.generations(facts), project, model)


def run(args: argparse.Namespace, out: TextIO | None = None) -> int:
    out = out or sys.stdout
    tz = zone(args.timezone)
    now = time.time_ns()
    since = parse_when(args.since, now, tz) if args.since else None
    until = parse_when(args.until, now, tz, end=True) if args.until else None
    if since is not None and until is not None and until <= since:
        raise CliError("--until must be after --since", code=2)
    if args.view == "blocks" and args.live:
        return run_live(args, tz, out)
    if args.view == "blocks" and args.limit:
        _limit(args.limit, [])  # refuse a bad value before reading anything
    rows = load_rows(since, until, args.project, args.model)
    view = (u.blocks(rows, now) if args.view == "blocks"
            else u.by_period(rows, args.view, tz))
    totals = u.total(rows)
    if args.json:
        json.dump(document(view, totals, args.view, tz, now, since, until, args.breakdown),
                  out, ensure_ascii=False, indent=2)
        out.write("\n")
        return 0
    if not view:
        out.write("No model calls recorded in this range.\n")
        return 0
    lines = table(view, totals, args.view, tz, now, args.breakdown)
    active = next((b for b in view if b.active), None) if args.view == "blocks" else None
    cap = (_limit(args.limit, view, "shown") if active is not None and args.limit
           else None)
    if active is not None and cap is not None:
        lines.append(limit_line(active, cap, now))
    out.write("\n".join(lines) + "\n")
    return 0


def run_live(args: argparse.Namespace, tz: tzinfo, out: TextIO,
             sleep: Any = time.sleep, clock: Any = time.time_ns) -> int:
    """Redraw the current block until Ctrl-C (exit 0) or `--count` redraws."""
    if args.refresh <= 0:
        raise CliError("--refresh must be more than 0 seconds", code=2)
    if args.count is not None and args.count < 1:
        raise CliError("--count must be at least 1", code=2)
    _limit(args.limit, [])
    clear = "\x1b[H\x1b[2J" if out.isatty() else ""
    frames = 0
    try:
        while True:
            now = clock()
            rows = load_rows(now - LIVE_LOOKBACK_NS, None, args.project, args.model)
            lines = live_frame(u.blocks(rows, now), now, tz, args.limit)
            if args.json:
                active = next((b for b in reversed(u.blocks(rows, now)) if b.active), None)
                out.write(json.dumps({"now_ns": now, "active": active.to_dict(True, now)
                                      if active else None}) + "\n")
            else:
                out.write(clear + "\n".join(lines) + "\n" + ("" if clear else "\n"))
            out.flush()
            frames += 1
            if args.count is not None and frames >= args.count:
                return 0
            sleep(args.refresh)
    except KeyboardInterrupt:
        out.write("\n")
        return 0
