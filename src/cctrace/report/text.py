"""The terminal rendering of a `Report`: a headline and small tables with bar charts.

Pure: `report_lines(report, width)` returns the lines; bars are Unicode blocks scaled to
the largest value of their table. Lines stay within `width` columns (the terminal's, from
the CLI); name columns take the width of their longest name when it fits, so model ids
are cut only on a terminal too narrow for them.
"""

from __future__ import annotations

from datetime import datetime

from cctrace.report import fmt
from cctrace.report.data import SEVERITY_ORDER, Bucket, Report

WIDTH = 100
TOKEN_NAMES = {"input": "input", "output": "output", "input_cache_read": "cache read",
               "input_cache_creation": "cache write", "input_cache_creation_5m": "cache write 5m",
               "input_cache_creation_1h": "cache write 1h", "cache_read": "cache read",
               "cache_write": "cache write", "other": "not split"}
BAR = 24
_EIGHTHS = " ▏▎▍▌▋▊▉█"


def bar(value: float, largest: float, width: int = BAR) -> str:
    """A bar of `width` cells at most, in eighths of a cell; any non-zero value shows."""
    if largest <= 0 or value <= 0:
        return " " * width
    eighths = max(1, round(value / largest * width * 8))
    full, part = divmod(eighths, 8)
    text = "█" * full + (_EIGHTHS[part] if part else "")
    return text.ljust(width)


def _cut(text: str, width: int) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= width else text[: width - 1] + "…"


def _fit(line: str, width: int = WIDTH) -> str:
    """A formatted line cut to `width`, its layout spaces kept."""
    return line if len(line) <= width else line[: width - 1] + "…"


def _key_width(keys: list[str], fixed: int, width: int, floor: int) -> int:
    """The name column: as wide as the longest name, within what `width` leaves."""
    longest = max((len(" ".join(k.split())) for k in keys), default=floor)
    return max(floor, min(longest, width - fixed))


def _period(report: Report) -> str:
    def day(ns: int) -> str:
        return datetime.fromtimestamp(ns / 1e9).astimezone().strftime("%Y-%m-%d %H:%M")

    if report.since_ns is None and report.until_ns is None:
        return "all time"
    since = day(report.since_ns) if report.since_ns is not None else "start"
    until = day(report.until_ns) if report.until_ns is not None else "now"
    return f"{since} .. {until}"


def headline_parts(report: Report) -> tuple[str, str]:
    """The totals in two short sentences: money and volume, then behaviour."""
    t = report.totals
    failed = report.tool_failures / report.tool_calls if report.tool_calls else None
    return (f"{fmt.cost(t.cost, t.priced)} · {fmt.tokens(t.total_tokens)} tokens · "
            f"{t.sessions} sessions · {t.turns} turns · {t.generations} model calls",
            f"cache hit {fmt.pct(t.cache_hit_ratio)} · {report.tool_calls} tool calls "
            f"({fmt.pct(failed)} failed)")


def headline(report: Report) -> str:
    return " · ".join(headline_parts(report))


def _bucket_table(title: str, rows: list[Bucket], width: int, floor: int, *,
                  turns: bool = True, cache: bool = False) -> list[str]:
    if not rows:
        return []
    largest = max(b.cost for b in rows) or max(b.total_tokens for b in rows)
    by_cost = any(b.cost for b in rows)
    fixed = 2 + 2 + BAR + 2 + 9 + 2 + 7 + 4 + (11 if turns else 0) + (26 if cache else 0)
    key_width = _key_width([b.key for b in rows], fixed, width, floor)
    lines = ["", f"{title} (bar: {'cost' if by_cost else 'tokens'})"]
    for b in rows:
        value = b.cost if by_cost else b.total_tokens
        line = (f"  {_cut(b.key, key_width):<{key_width}}  {bar(value, largest)}  "
                f"{fmt.cost(b.cost, b.priced):>9}  {fmt.tokens(b.total_tokens):>7} tok")
        if turns:
            line += f"  {b.turns:>4} turns"
        if cache:
            line += f"  {b.generations:>5} calls  cache {fmt.pct(b.cache_hit_ratio):>6}"
        lines.append(_fit(line, width))
    return lines


def _money_lines(report: Report, width: int) -> list[str]:
    """Cost by token type, cost per turn, cache savings and the unpriced notice."""
    lines: list[str] = []
    if report.cost_by_token:
        total = sum(report.cost_by_token.values()) or 1.0
        lines += ["", "Cost by token type"]
        for kind, usd in report.cost_by_token.items():
            lines.append(_fit(f"  {TOKEN_NAMES.get(kind, kind):<15} {bar(usd, total)}  "
                              f"{fmt.cost(usd):>9}  {usd / total * 100:5.1f}%", width))
    costs = report.turn_costs
    if costs:
        from cctrace.report.data import percentile

        lines += ["", _fit(f"Cost per turn: median {fmt.cost(percentile(costs, 0.5))}, "
                           f"90% under {fmt.cost(percentile(costs, 0.9))}, most "
                           f"{fmt.cost(costs[-1])} ({len(costs)} priced turns)", width)]
    s = report.savings
    if s and (s.read_saved or s.write_extra):
        lines.append(_fit(f"Cache: saved {fmt.cost(s.net)} net ({fmt.cost(s.read_saved)} on "
                          f"cache reads, {fmt.cost(s.write_extra)} extra for cache writes; "
                          "at the price table's rates)", width))
    u = report.unpriced
    if u and u.tokens:
        lines.append(_fit(f"Unpriced: {fmt.tokens(u.tokens)} tokens of "
                          f"{fmt.tokens(u.total_tokens)} have no price (model "
                          f"{', '.join(u.models[:3])}{'...' if len(u.models) > 3 else ''}): "
                          "costs above leave them out", width))
    return lines


def _sessions_lines(report: Report, width: int, shown: int = 5) -> list[str]:
    rows = report.sessions[:shown]
    if not rows:
        return []
    fixed = 2 + 8 + 2 + 16 + 2 + 9 + 2 + 7 + 4 + 11
    pw = _key_width([r.project for r in rows], fixed, width, 10)
    lines = ["", _fit(f"Most expensive sessions (of {len(report.sessions)}; "
                      "`cctrace show ID` for the tree)", width)]
    for r in rows:
        when = datetime.fromtimestamp(r.start_ns / 1e9).astimezone().strftime("%Y-%m-%d %H:%M")
        lines.append(_fit(f"  {r.id[:8]}  {when}  {fmt.cost(r.cost, r.priced):>9}  "
                          f"{fmt.tokens(r.total_tokens):>7} tok  {r.turns:>4} turns  "
                          f"{_cut(r.project, pw)}", width))
    return lines


def report_lines(report: Report, width: int = WIDTH) -> list[str]:
    """The whole terminal summary, within `width` columns."""
    width = max(width, 60)
    lines = [f"cctrace report: {_period(report)}"]
    if report.empty:
        lines.append("  nothing recorded in this period")
        return lines
    lines += [_fit("  " + part, width) for part in headline_parts(report)]
    lines += _money_lines(report, width)
    lines += _bucket_table("By day", report.by_day, width, 10)
    if len(report.by_week) > 1:
        lines += _bucket_table("By week", report.by_week, width, 8)
    if len(report.by_month) > 1:
        lines += _bucket_table("By month", report.by_month, width, 7)
    lines += _sessions_lines(report, width)
    lines += _bucket_table("By project", report.by_project[:15], width, 20)
    lines += _bucket_table("By model", report.by_model[:10], width, 24, turns=False,
                           cache=True)
    if report.tools:
        top = max(t.calls for t in report.tools)
        lines += ["", "Tools (bar: calls)",
                  _fit(f"  {'TOOL':<20}  {'':<{BAR}}  {'CALLS':>5}  {'FAILED':>6}  "
                       f"{'RATE':>6}  {'P50':>7}  {'P95':>7}  {'MAX':>7}", width)]
        for t in report.tools[:20]:
            lines.append(_fit(f"  {_cut(t.name, 20):<20}  {bar(t.calls, top)}  {t.calls:>5}  "
                              f"{t.failures:>6}  {fmt.pct(t.failure_rate):>6}  "
                              f"{fmt.ms(t.p50_ms):>7}  {fmt.ms(t.p95_ms):>7}  "
                              f"{fmt.ms(t.max_ms):>7}", width))
    if report.slowest_calls:
        lines += ["", "Slowest tool calls"]
        for c in report.slowest_calls:
            when = datetime.fromtimestamp(c.start_ns / 1e9).astimezone().strftime(
                "%Y-%m-%d %H:%M")
            mark = "  FAILED" if c.failed else ""
            lines.append(_fit(f"  {fmt.ms(c.duration_ms):>7}  {_cut(c.name, 20):<20}  {when}  "
                              f"{c.session_id[:8]}  {_cut(c.project or '', 30)}{mark}",
                              width))
    if report.findings_available:
        lines += ["", "Findings"]
        if not report.findings_by_severity:
            lines.append("  none")
        else:
            counts = ", ".join(f"{n} {sev}" for sev, n in sorted(
                report.findings_by_severity.items(), key=lambda kv: _severity_rank(kv[0]),
                reverse=True))
            lines.append(_fit(f"  {counts}", width))
            for f in report.findings[:10]:
                lines.append(_fit(f"  [{f['severity']}] {_cut(f['title'], 70)}  "
                                  f"{(f.get('session_id') or '')[:8]}", width))
            hidden = report.findings_by_severity.get("info", 0)
            if hidden and not report.findings_info_shown:
                lines.append(f"  ({hidden} info finding(s) not listed: --all lists them)")
    return lines


def _severity_rank(severity: str) -> int:
    order = SEVERITY_ORDER[::-1]
    return order.index(severity) if severity in order else -1
