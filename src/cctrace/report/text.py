"""The terminal rendering of a `Report`: a headline and small tables with bar charts.

Pure: `report_lines(report)` returns the lines; bars are Unicode blocks scaled to the
largest value of their table. Lines stay within `WIDTH` columns.
"""

from __future__ import annotations

from datetime import datetime

from cctrace.report import fmt
from cctrace.report.data import Bucket, Report

WIDTH = 100
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


def _fit(line: str) -> str:
    """A formatted line cut to WIDTH, its layout spaces kept."""
    return line if len(line) <= WIDTH else line[: WIDTH - 1] + "…"


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


def unpriced_notice(report: Report) -> str:
    """"N tokens of M unpriced", or "" when every model call had a price."""
    t = report.totals
    if not t.unpriced_tokens:
        return ""
    return (f"{t.unpriced_tokens} tokens of {t.total_tokens} unpriced: the cost leaves them "
            "out (add a price under [prices] in config.toml)")


def headline(report: Report) -> str:
    return " · ".join(headline_parts(report))


def _bucket_table(title: str, rows: list[Bucket], key_width: int, *, turns: bool = True,
                  cache: bool = False) -> list[str]:
    if not rows:
        return []
    largest = max(b.cost for b in rows) or max(b.total_tokens for b in rows)
    by_cost = any(b.cost for b in rows)
    lines = ["", f"{title} (bar: {'cost' if by_cost else 'tokens'})"]
    for b in rows:
        value = b.cost if by_cost else b.total_tokens
        line = (f"  {_cut(b.key, key_width):<{key_width}}  {bar(value, largest)}  "
                f"{fmt.cost(b.cost, b.priced):>9}  {fmt.tokens(b.total_tokens):>7} tok")
        if turns:
            line += f"  {b.turns:>4} turns"
        if cache:
            line += f"  {b.generations:>5} calls  cache {fmt.pct(b.cache_hit_ratio):>6}"
        lines.append(_fit(line))
    return lines


def report_lines(report: Report) -> list[str]:
    """The whole terminal summary."""
    lines = [f"cctrace report: {_period(report)}"]
    if report.empty:
        lines.append("  nothing recorded in this period")
        return lines
    lines += [_fit("  " + part) for part in headline_parts(report)]
    if unpriced_notice(report):
        lines.append("  " + unpriced_notice(report))
    lines += _bucket_table("By day", report.by_day, 10)
    lines += _bucket_table("By project", report.by_project[:15], 20)
    lines += _bucket_table("By model", report.by_model[:10], 24, turns=False, cache=True)
    if report.tools:
        top = max(t.calls for t in report.tools)
        lines += ["", "Tools (bar: calls)",
                  f"  {'TOOL':<20}  {'':<{BAR}}  {'CALLS':>5}  {'FAILED':>6}  {'RATE':>6}  "
                  f"{'P50':>7}  {'P95':>7}  {'MAX':>7}"]
        for t in report.tools[:20]:
            lines.append(_fit(f"  {_cut(t.name, 20):<20}  {bar(t.calls, top)}  {t.calls:>5}  "
                          f"{t.failures:>6}  {fmt.pct(t.failure_rate):>6}  "
                          f"{fmt.ms(t.p50_ms):>7}  {fmt.ms(t.p95_ms):>7}  "
                          f"{fmt.ms(t.max_ms):>7}"))
    if report.slowest_calls:
        lines += ["", "Slowest tool calls"]
        for c in report.slowest_calls:
            when = datetime.fromtimestamp(c.start_ns / 1e9).astimezone().strftime(
                "%Y-%m-%d %H:%M")
            mark = "  FAILED" if c.failed else ""
            lines.append(_fit(f"  {fmt.ms(c.duration_ms):>7}  {_cut(c.name, 20):<20}  {when}  "
                              f"{c.session_id[:8]}  {_cut(c.project or '', 30)}{mark}"))
    if report.findings_available:
        lines += ["", "Findings"]
        if not report.findings_by_severity:
            lines.append("  none")
        else:
            counts = ", ".join(f"{n} {sev}" for sev, n in sorted(
                report.findings_by_severity.items(), key=lambda kv: _severity_rank(kv[0]),
                reverse=True))
            lines.append(f"  {counts}")
            for f in report.findings[:10]:
                lines.append(_fit(f"  [{f['severity']}] {_cut(f['title'], 70)}  "
                                  f"{(f.get('session_id') or '')[:8]}"))
    return lines


def _severity_rank(severity: str) -> int:
    order = ("info", "low", "medium", "high", "critical")
    return order.index(severity) if severity in order else -1
