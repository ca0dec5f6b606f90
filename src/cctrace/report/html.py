"""The offline HTML rendering of a `Report`: one file, inline CSS and SVG, nothing else.

No script, no font, no image or style sheet from anywhere: a Content-Security-Policy of
`default-src 'none'` enforces that in the browser, so the page works offline and cannot
call home even if a value in it were hostile. Every string that came from a session
(project, model and tool names, finding titles) is HTML-escaped. Each chart also prints its
figures as text, and the main figures carry `data-*` attributes with exact values, so the
page can be checked against the store.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from datetime import datetime

from cctrace.report import fmt
from cctrace.report.data import Bucket, Report
from cctrace.report.text import headline, unpriced_notice

PALETTE = {"input": "#4e79a7", "output": "#f28e2b", "input_cache_read": "#59a14f",
           "input_cache_creation": "#b07aa1", "input_cache_creation_1h": "#9c755f"}
OTHER_COLOR = "#bab0ac"
COST_COLOR = "#4e79a7"
FAIL_COLOR = "#e15759"
OK_COLOR = "#76b7b2"
SEVERITY_COLOR = {"critical": "#8b0000", "high": "#e15759", "medium": "#f28e2b",
                  "low": "#edc948", "info": "#bab0ac"}
TOKEN_LABEL = {"input": "input", "output": "output", "input_cache_read": "cache read",
               "input_cache_creation": "cache write", "input_cache_creation_1h": "cache write 1h"}

CSS = """
body{font:14px/1.45 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:0;
background:#f6f7f9;color:#1d2330}
main{max-width:1200px;margin:0 auto;padding:24px}
h1{font-size:22px;margin:0 0 4px} h2{font-size:16px;margin:0 0 10px}
.sub{color:#5b6473;margin-bottom:18px}
.cards{display:grid;grid-template-columns:repeat(auto-fit,minmax(125px,1fr));gap:12px;
margin-bottom:18px}
.card{background:#fff;border-radius:10px;padding:12px 14px;box-shadow:0 1px 2px #0002}
.card .v{font-size:24px;font-weight:650} .card .k{color:#5b6473;font-size:12px;
text-transform:uppercase;letter-spacing:.04em}
.grid{display:grid;grid-template-columns:1fr 1fr;gap:16px}
section{background:#fff;border-radius:10px;padding:14px 16px;box-shadow:0 1px 2px #0002;
margin-bottom:16px;overflow:hidden}
.wide{grid-column:1/-1}
svg text{font:12px system-ui,sans-serif;fill:#1d2330} svg .muted{fill:#5b6473}
table{border-collapse:collapse;width:100%;font-size:13px}
th,td{text-align:left;padding:4px 8px;border-bottom:1px solid #eceef2}
td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}
.legend span{display:inline-block;margin-right:14px;font-size:12px}
.legend i{display:inline-block;width:10px;height:10px;border-radius:2px;margin-right:5px}
.sev{display:inline-block;border-radius:4px;padding:0 6px;color:#fff;font-size:12px}
.empty{color:#5b6473}
@media (max-width:800px){.grid{grid-template-columns:1fr}}
"""


def esc(value: object) -> str:
    return html.escape(str(value), quote=True)


def _num(value: float) -> str:
    """An exact, locale-free number for a data attribute."""
    if isinstance(value, int):
        return str(value)
    return repr(round(float(value), 10))


# ---------------------------------------------------------------------------- charts


def hbar_chart(rows: Sequence[tuple[str, float, str]], *, color: str = COST_COLOR,
               width: int = 600, label_width: int = 190,
               fail: Sequence[float] | None = None) -> str:
    """Horizontal bars: (label, value, text shown after the bar); `fail` colours a part."""
    if not rows:
        return '<p class="empty">nothing to show</p>'
    row_h, gap = 22, 6
    largest = max(v for _, v, _ in rows) or 1.0
    room = width - label_width - 210
    height = len(rows) * (row_h + gap)
    parts = [f'<svg role="img" viewBox="0 0 {width} {height}" width="100%" '
             f'style="max-width:{width}px" preserveAspectRatio="xMinYMin meet">']
    for i, (label, value, text) in enumerate(rows):
        y = i * (row_h + gap)
        w = max(value / largest * room, 1.5 if value else 0)
        short = label if len(label) <= 27 else label[:26] + "…"
        parts.append(f'<g><title>{esc(label)}: {esc(text)}</title>'
                     f'<text x="{label_width - 8}" y="{y + 15}" text-anchor="end">'
                     f'{esc(short)}</text>'
                     f'<rect x="{label_width}" y="{y + 2}" width="{w:.1f}" height="{row_h - 4}" '
                     f'rx="3" fill="{color}"/>')
        if fail is not None and fail[i] and value:
            fw = w * fail[i] / value
            parts.append(f'<rect x="{label_width + w - fw:.1f}" y="{y + 2}" width="{fw:.1f}" '
                         f'height="{row_h - 4}" rx="3" fill="{FAIL_COLOR}"/>')
        parts.append(f'<text x="{label_width + w + 6:.1f}" y="{y + 15}">{esc(text)}</text></g>')
    parts.append("</svg>")
    return "".join(parts)


def column_chart(labels: Sequence[str], series: Sequence[tuple[str, str, Sequence[float]]],
                 value_text: Sequence[str], *, width: int = 1120, height: int = 240) -> str:
    """Stacked columns, one per label; `series` is (name, colour, values), stacked in order.
    `value_text` is printed above each column."""
    n = len(labels)
    if not n:
        return '<p class="empty">nothing to show</p>'
    left, bottom, top = 10, 34, 22
    plot_h = height - bottom - top
    slot = (width - left * 2) / n
    col_w = max(min(slot * 0.7, 60), 2)
    totals = [sum(s[2][i] for s in series) for i in range(n)]
    largest = max(totals) or 1.0
    every = max(1, round(n / 16))  # at most ~16 axis labels
    parts = [f'<svg role="img" viewBox="0 0 {width} {height}" width="100%">',
             f'<line x1="{left}" x2="{width - left}" y1="{top + plot_h}" y2="{top + plot_h}" '
             f'stroke="#c8ccd4"/>']
    for i, label in enumerate(labels):
        x = left + i * slot + (slot - col_w) / 2
        y = top + plot_h
        tip = [f"{label}: {value_text[i]}"]
        rects = []
        for name, colour, values in series:
            h = values[i] / largest * plot_h
            if h <= 0:
                continue
            y -= h
            rects.append(f'<rect x="{x:.1f}" y="{y:.1f}" width="{col_w:.1f}" height="{h:.1f}" '
                         f'fill="{colour}"/>')
            if len(series) > 1:
                tip.append(f"{name}: {fmt.tokens(values[i])}")
        parts.append(f'<g><title>{esc(" · ".join(tip))}</title>{"".join(rects)}')
        if totals[i] and (n <= 20 or i % every == 0):
            parts.append(f'<text x="{x + col_w / 2:.1f}" y="{y - 4:.1f}" text-anchor="middle" '
                         f'class="muted">{esc(value_text[i])}</text>')
        if i % every == 0:
            parts.append(f'<text x="{x + col_w / 2:.1f}" y="{height - 12}" '
                         f'text-anchor="middle">{esc(label[5:] if len(label) == 10 else label)}'
                         f'</text>')
        parts.append("</g>")
    parts.append("</svg>")
    return "".join(parts)


def donut(parts_in: Sequence[tuple[str, float, str]], centre: str, caption: str,
          size: int = 200) -> str:
    """A ring of (label, value, colour) with `centre` text in the middle and a legend."""
    total = sum(v for _, v, _ in parts_in)
    r, stroke = size / 2 - 18, 26
    c = size / 2
    circumference = 2 * 3.141592653589793 * r
    out = [f'<svg role="img" viewBox="0 0 {size + 190} {size}" width="100%" '
           f'style="max-width:{size + 190}px">',
           f'<circle cx="{c}" cy="{c}" r="{r}" fill="none" stroke="#eceef2" '
           f'stroke-width="{stroke}"/>']
    offset = 0.0
    for label, value, colour in parts_in:
        if not total or value <= 0:
            continue
        length = value / total * circumference
        out.append(f'<circle cx="{c}" cy="{c}" r="{r}" fill="none" stroke="{colour}" '
                   f'stroke-width="{stroke}" stroke-dasharray="{length:.2f} '
                   f'{circumference - length:.2f}" stroke-dashoffset="{-offset:.2f}" '
                   f'transform="rotate(-90 {c} {c})"><title>{esc(label)}: '
                   f'{fmt.tokens(value)} ({value / total * 100:.1f}%)</title></circle>')
        offset += length
    out.append(f'<text x="{c}" y="{c + 2}" text-anchor="middle" '
               f'style="font-size:24px;font-weight:650">{esc(centre)}</text>'
               f'<text x="{c}" y="{c + 22}" text-anchor="middle" class="muted">'
               f'{esc(caption)}</text>')
    for i, (label, value, colour) in enumerate(parts_in):
        y = 30 + i * 24
        share = f"{value / total * 100:.1f}%" if total else "-"
        out.append(f'<rect x="{size + 10}" y="{y - 10}" width="12" height="12" rx="2" '
                   f'fill="{colour}"/><text x="{size + 28}" y="{y}">{esc(label)} '
                   f'{fmt.tokens(value)} ({share})</text>')
    out.append("</svg>")
    return "".join(out)


# ---------------------------------------------------------------------------- sections


def _card(key: str, value: str, attr: str = "", exact: float | None = None) -> str:
    data = f' data-{attr}="{_num(exact)}"' if attr and exact is not None else ""
    return f'<div class="card"{data}><div class="k">{esc(key)}</div><div class="v">' \
           f'{esc(value)}</div></div>'


def _token_kinds(buckets: Sequence[Bucket]) -> list[str]:
    kinds = {k for b in buckets for k in b.tokens}
    known = [k for k in PALETTE if k in kinds]
    return known + sorted(kinds - set(PALETTE))


def _days_section(report: Report) -> str:
    days = report.by_day
    labels = [b.key for b in days]
    priced = any(b.priced for b in days)
    cost_chart = column_chart(labels, [("cost", COST_COLOR, [b.cost for b in days])],
                              [fmt.cost(b.cost, b.priced) for b in days]) if priced else \
        '<p class="empty">no priced model calls in this period</p>'
    kinds = _token_kinds(days)
    series = [(TOKEN_LABEL.get(k, k), PALETTE.get(k, OTHER_COLOR),
               [float(b.tokens.get(k, 0)) for b in days]) for k in kinds]
    token_chart = column_chart(labels, series, [fmt.tokens(b.total_tokens) for b in days])
    legend = "".join(f'<span><i style="background:{colour}"></i>{esc(name)}</span>'
                     for name, colour, _ in series)
    rows = "".join(
        f'<tr data-day="{esc(b.key)}" data-cost="{_num(b.cost)}" '
        f'data-tokens="{b.total_tokens}"><td>{esc(b.key)}</td>'
        f'<td class="n">{fmt.cost(b.cost, b.priced)}</td><td class="n">'
        f'{fmt.tokens(b.total_tokens)}</td><td class="n">{b.turns}</td>'
        f'<td class="n">{b.generations}</td><td class="n">{fmt.pct(b.cache_hit_ratio)}</td></tr>'
        for b in days if b.generations or b.turns)
    return (f'<section class="wide" id="cost-by-day"><h2>Cost by day</h2>{cost_chart}'
            f'</section><section class="wide" id="tokens-by-day"><h2>Tokens by day</h2>'
            f'<div class="legend">{legend}</div>{token_chart}<details><summary>table</summary>'
            f'<table><tr><th>day</th><th class="n">cost</th><th class="n">tokens</th>'
            f'<th class="n">turns</th><th class="n">model calls</th><th class="n">cache hit'
            f'</th></tr>{rows}</table></details></section>')


def _group_section(ident: str, title: str, buckets: Sequence[Bucket], limit: int) -> str:
    shown = list(buckets[:limit])
    priced = any(b.priced for b in shown)
    rows = [(b.key, b.cost if priced else float(b.total_tokens),
             f"{fmt.cost(b.cost, b.priced)} · {fmt.tokens(b.total_tokens)} tok"
             + (f" · cache {fmt.pct(b.cache_hit_ratio)}" if ident == "by-model" else ""))
            for b in shown]
    more = (f'<p class="empty">and {len(buckets) - limit} more</p>'
            if len(buckets) > limit else "")
    data = "".join(f'<data value="{_num(b.cost)}" data-key="{esc(b.key)}" '
                   f'data-tokens="{b.total_tokens}"></data>' for b in buckets)
    return (f'<section id="{ident}"><h2>{esc(title)}</h2>{hbar_chart(rows)}{more}'
            f'{data}</section>')


def _cache_section(report: Report) -> str:
    t = report.totals.tokens
    parts = [("cache read", float(t.get("input_cache_read", 0)), PALETTE["input_cache_read"]),
             ("fresh input", float(t.get("input", 0)), PALETTE["input"]),
             ("cache write", float(t.get("input_cache_creation", 0)
                                   + t.get("input_cache_creation_1h", 0)),
              PALETTE["input_cache_creation"])]
    ratio = report.totals.cache_hit_ratio
    attr = f' data-ratio="{_num(ratio)}"' if ratio is not None else ""
    return (f'<section id="cache"{attr}><h2>Cache hit ratio</h2>'
            f'{donut(parts, fmt.pct(ratio), "of input from cache")}'
            f'<p class="empty">Share of input tokens read from the prompt cache (cheaper '
            f'and faster) rather than sent fresh or written to the cache.</p></section>')


def _tools_section(report: Report) -> str:
    tools = report.tools[:20]
    rows = [(t.name, float(t.calls), f"{t.calls} calls · {fmt.pct(t.failure_rate)} failed")
            for t in tools]
    chart = hbar_chart(rows, color=OK_COLOR, fail=[float(t.failures) for t in tools])
    legend = (f'<div class="legend"><span><i style="background:{OK_COLOR}"></i>succeeded'
              f'</span><span><i style="background:{FAIL_COLOR}"></i>failed</span></div>')
    table = "".join(
        f'<tr data-tool="{esc(t.name)}" data-calls="{t.calls}" data-failures="{t.failures}">'
        f'<td>{esc(t.name)}</td><td class="n">{t.calls}</td><td class="n">{t.failures}</td>'
        f'<td class="n">{fmt.pct(t.failure_rate)}</td><td class="n">{fmt.ms(t.p50_ms)}</td>'
        f'<td class="n">{fmt.ms(t.p95_ms)}</td><td class="n">{fmt.ms(t.max_ms)}</td></tr>'
        for t in report.tools)
    return (f'<section id="tools"><h2>Tool usage and failures</h2>{legend}{chart}'
            f'<details><summary>table</summary><table><tr><th>tool</th><th class="n">calls'
            f'</th><th class="n">failed</th><th class="n">rate</th><th class="n">p50</th>'
            f'<th class="n">p95</th><th class="n">max</th></tr>{table}</table></details>'
            f'</section>')


def _when(ns: int) -> str:
    return datetime.fromtimestamp(ns / 1e9).astimezone().strftime("%Y-%m-%d %H:%M")


def _slow_section(report: Report) -> str:
    failed_mark = f' <b style="color:{FAIL_COLOR}">failed</b>'
    slow = sorted(report.tools, key=lambda t: (-t.p95_ms, t.name))[:12]
    rows = [(t.name, t.p95_ms, f"p95 {fmt.ms(t.p95_ms)} · max {fmt.ms(t.max_ms)}")
            for t in slow]
    calls = "".join(
        f'<tr><td class="n">{fmt.ms(c.duration_ms)}</td><td>{esc(c.name)}'
        f'{failed_mark if c.failed else ""}</td>'
        f'<td>{esc(_when(c.start_ns))}</td>'
        f'<td><code>{esc(c.session_id[:8])}</code></td><td>{esc(c.project or "")}</td></tr>'
        for c in report.slowest_calls)
    return (f'<section id="slowest"><h2>Slowest tools (p95)</h2>'
            f'{hbar_chart(rows, color="#edc948")}<h2 style="margin-top:12px">Slowest calls'
            f'</h2><table><tr><th class="n">took</th><th>tool</th><th>when</th>'
            f'<th>session</th><th>project</th></tr>{calls}</table></section>')


def _findings_section(report: Report) -> str:
    if not report.findings_available:
        return ""
    order = ("critical", "high", "medium", "low", "info")
    chips = "".join(
        f'<span class="sev" style="background:{SEVERITY_COLOR.get(s, OTHER_COLOR)}" '
        f'data-severity="{esc(s)}" data-count="{n}">{n} {esc(s)}</span> '
        for s in order + tuple(k for k in report.findings_by_severity if k not in order)
        if (n := report.findings_by_severity.get(s)))
    rows = "".join(
        f'<tr><td><span class="sev" style="background:'
        f'{SEVERITY_COLOR.get(f["severity"], OTHER_COLOR)}">{esc(f["severity"])}</span></td>'
        f'<td>{esc(f["title"])}</td><td><code>{esc(f.get("rule_id") or "")}</code></td>'
        f'<td><code>{esc((f.get("session_id") or "")[:8])}</code></td></tr>'
        for f in report.findings)
    body = (f'<p>{chips}</p><table><tr><th>severity</th><th>finding</th><th>rule</th>'
            f'<th>session</th></tr>{rows}</table>') if rows else \
        '<p class="empty">no findings in this period</p>'
    return f'<section class="wide" id="findings"><h2>Findings</h2>{body}</section>'


def render_html(report: Report, title: str = "cctrace report") -> str:
    """The whole page."""
    t = report.totals
    failure = report.tool_failures / report.tool_calls if report.tool_calls else None
    generated = datetime.fromtimestamp(report.generated_ns / 1e9).astimezone()
    if report.since_ns is None:
        period = "all recorded sessions"
    else:
        since = datetime.fromtimestamp(report.since_ns / 1e9).astimezone()
        period = f"since {since:%Y-%m-%d %H:%M}"
    cards = "".join([
        _card("cost", fmt.cost(t.cost, t.priced), "cost", t.cost),
        _card("tokens", fmt.tokens(t.total_tokens), "tokens", t.total_tokens),
        _card("sessions", str(t.sessions), "sessions", t.sessions),
        _card("turns", str(t.turns), "turns", t.turns),
        _card("model calls", str(t.generations), "generations", t.generations),
        _card("cache hit", fmt.pct(t.cache_hit_ratio), "cache-hit", t.cache_hit_ratio),
        _card("tool calls", str(report.tool_calls), "tool-calls", report.tool_calls),
        _card("tool failures", fmt.pct(failure), "tool-failures", report.tool_failures),
    ])
    if report.empty:
        body = '<section class="wide"><p class="empty">Nothing recorded in this period.</p>' \
               '</section>'
    else:
        body = (_days_section(report) + '<div class="grid">'
                + _group_section("by-project", "Cost by project", report.by_project, 12)
                + _group_section("by-model", "Cost by model", report.by_model, 10)
                + _cache_section(report) + _tools_section(report) + "</div>"
                + _slow_section(report) + _findings_section(report))
    return (
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
        "style-src 'unsafe-inline'\">"
        "<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">"
        f"<title>{esc(title)}</title><style>{CSS}</style></head><body><main>"
        f"<h1>{esc(title)}</h1><div class=\"sub\">{esc(period)} · generated "
        f"{generated:%Y-%m-%d %H:%M} · {esc(headline(report))}</div>"
        + (f'<p class="unpriced" id="unpriced">{esc(unpriced_notice(report))}</p>'
           if unpriced_notice(report) else "")
        + f"<div class=\"cards\">{cards}</div>{body}</main></body></html>\n"
    )
