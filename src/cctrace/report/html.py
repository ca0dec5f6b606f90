"""The offline HTML rendering of a `Report`: one file, inline CSS and SVG, nothing else.

No script, no font, no image or style sheet from anywhere: a Content-Security-Policy of
`default-src 'none'` enforces that in the browser, so the page works offline and cannot
call home even if a value in it were hostile. Every string that came from a session
(project, model and tool names, finding titles) is HTML-escaped. Each chart also prints its
figures as text, and the main figures carry `data-*` attributes with exact values, so the
page can be checked against the store.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from cctrace.report import fmt
from cctrace.report.charts import (
    COST_COLOR,
    FAIL_COLOR,
    axis_money,
    column_chart,
    donut,
    esc,
    hbar_chart,
    num,
    responsive,
)
from cctrace.report.data import (
    SESSIONS_SHOWN,
    SEVERITY_ORDER,
    TURN_COST_EDGES,
    Bucket,
    Report,
    SessionRow,
    histogram,
    percentile,
)
from cctrace.report.text import headline

PALETTE = {"input": "#4e79a7", "output": "#f28e2b", "input_cache_read": "#59a14f",
           "input_cache_creation": "#b07aa1", "input_cache_creation_1h": "#9c755f"}
OTHER_COLOR = "#bab0ac"
OK_COLOR = "#76b7b2"
SEVERITY_COLOR = {"critical": "#8b0000", "high": "#e15759", "medium": "#f28e2b",
                  "low": "#edc948", "info": "#bab0ac"}
TOKEN_LABEL = {"input": "input", "output": "output", "input_cache_read": "cache read",
               "input_cache_creation": "cache write", "input_cache_creation_1h": "cache write 1h"}

CSS = """
body{font:14px/1.45 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:0;
background:#f6f7f9;color:#1d2330}
main{max-width:1200px;margin:0 auto;padding:24px;box-sizing:border-box}
h1{font-size:22px;margin:0 0 4px} h2{font-size:16px;margin:0 0 10px}
h3{font-size:14px;margin:12px 0 6px}
.sub{color:#5b6473;margin-bottom:18px;overflow-wrap:anywhere}
.cards{display:grid;grid-template-columns:repeat(auto-fit,minmax(125px,1fr));gap:12px;
margin-bottom:18px}
.card{background:#fff;border-radius:10px;padding:12px 14px;box-shadow:0 1px 2px #0002}
.card .v{font-size:24px;font-weight:650} .card .k{color:#5b6473;font-size:12px;
text-transform:uppercase;letter-spacing:.04em}
.grid{display:grid;grid-template-columns:minmax(0,1fr) minmax(0,1fr);gap:16px}
section{background:#fff;border-radius:10px;padding:14px 16px;box-shadow:0 1px 2px #0002;
margin-bottom:16px;overflow:hidden;min-width:0}
.wide{grid-column:1/-1}
.notice{background:#fff6e0;border:1px solid #f2c46d;border-radius:10px;padding:10px 14px;
margin-bottom:16px}
svg{display:block} svg text{font:12px system-ui,sans-serif;fill:#1d2330}
svg .muted{fill:#5b6473} svg .axis{stroke:#c8ccd4} svg .grid{stroke:#eceef2}
table{border-collapse:collapse;width:100%;font-size:13px}
th,td{text-align:left;padding:4px 8px;border-bottom:1px solid #eceef2;vertical-align:top}
td.n,th.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
td.id{font-family:ui-monospace,monospace;white-space:nowrap}
.legend{display:flex;flex-wrap:wrap;gap:4px 14px;margin-bottom:6px}
.legend span{font-size:12px;white-space:nowrap}
.legend i{display:inline-block;width:10px;height:10px;border-radius:2px;margin-right:5px}
.sev{display:inline-block;border-radius:4px;padding:0 6px;color:#fff;font-size:12px}
.empty{color:#5b6473}
.toggle{position:absolute;opacity:0;width:1px;height:1px;margin:0}
.toggle+label{display:inline-block;border:1px solid #c8ccd4;border-radius:6px;padding:1px 10px;
margin:0 4px 8px 0;cursor:pointer;font-size:13px;user-select:none}
.toggle:checked+label{background:#1d2330;color:#fff;border-color:#1d2330}
.toggle:focus-visible+label{outline:2px solid #4e79a7}
.panel{display:none}
#per-day:checked~.p-day,#per-week:checked~.p-week,#per-month:checked~.p-month,
#sort-cost:checked~.s-cost,#sort-tokens:checked~.s-tokens,#sort-turns:checked~.s-turns,
#sort-recent:checked~.s-recent{display:block}
.narrow{display:none}
.tree-at .tree{display:none} .tree-at:target .tree{display:block}
.tree{border-left:3px solid #4e79a7;padding-left:10px;margin:8px 0}
a{color:#2c5c8f}
@media (max-width:800px){.grid{grid-template-columns:minmax(0,1fr)}
.wide-chart{display:none}.narrow{display:block}main{padding:12px}
.opt{display:none}.card .v{font-size:20px}}
"""
TOKEN_KINDS = ("input", "output", "input_cache_read", "input_cache_creation",
               "input_cache_creation_5m", "input_cache_creation_1h")
# Token types of `cctrace.report.usage` (cost by token type) beside the raw usage keys.
TOKEN_LABEL.update({"input_cache_creation_5m": "cache write 5m", "cache_read": "cache read",
                    "cache_write": "cache write", "other": "not split"})
PALETTE.update({"input_cache_creation_5m": "#b07aa1", "cache_read": "#59a14f",
                "cache_write": "#b07aa1", "other": OTHER_COLOR})


# ---------------------------------------------------------------------------- sections


def _card(key: str, value: str, attr: str = "", exact: float | None = None) -> str:
    data = f' data-{attr}="{num(exact)}"' if attr and exact is not None else ""
    return f'<div class="card"{data}><div class="k">{esc(key)}</div><div class="v">' \
           f'{esc(value)}</div></div>'


def _token_kinds(buckets: Sequence[Bucket]) -> list[str]:
    kinds = {k for b in buckets for k in b.tokens}
    known = [k for k in PALETTE if k in kinds]
    return known + sorted(kinds - set(PALETTE))


PERIOD_TITLES = (("day", "by_day", "day"), ("week", "by_week", "week"),
                 ("month", "by_month", "month"))


def _period_panel(buckets: Sequence[Bucket], period: str) -> str:
    labels = [b.key for b in buckets]
    priced = any(b.priced for b in buckets)
    if priced:
        cost = responsive(lambda w: column_chart(
            labels, [("cost", COST_COLOR, [b.cost for b in buckets])],
            [fmt.cost(b.cost, b.priced) for b in buckets], width=w, axis=axis_money,
            unit=f"cost per {period}"))
    else:
        cost = '<p class="empty">no priced model calls in this period</p>'
    kinds = _token_kinds(buckets)
    series = [(TOKEN_LABEL.get(k, k), PALETTE.get(k, OTHER_COLOR),
               [float(b.tokens.get(k, 0)) for b in buckets]) for k in kinds]
    tokens = responsive(lambda w: column_chart(
        labels, series, [fmt.tokens(b.total_tokens) for b in buckets], width=w,
        unit=f"tokens per {period}"))
    legend = "".join(f'<span><i style="background:{colour}"></i>{esc(name)}</span>'
                     for name, colour, _ in series)
    rows = "".join(
        f'<tr data-{period}="{esc(b.key)}" data-cost="{num(b.cost)}" '
        f'data-tokens="{b.total_tokens}"><td>{esc(b.key)}</td>'
        f'<td class="n" title="{num(b.cost)}">{fmt.cost(b.cost, b.priced)}</td>'
        f'<td class="n">{fmt.tokens(b.total_tokens)}</td><td class="n">{b.turns}</td>'
        f'<td class="n opt">{b.generations}</td><td class="n">{fmt.pct(b.cache_hit_ratio)}'
        f'</td></tr>' for b in buckets if b.generations or b.turns)
    return (f'<div class="panel p-{period}"><h3>Cost by {period}</h3>{cost}'
            f'<h3>Tokens by {period}</h3><div class="legend">{legend}</div>{tokens}'
            f'<details><summary>table</summary><table><tr><th>{period}</th>'
            f'<th class="n">cost</th><th class="n">tokens</th><th class="n">turns</th>'
            f'<th class="n opt">model calls</th><th class="n">cache hit</th></tr>{rows}'
            f'</table></details></div>')


def _time_section(report: Report) -> str:
    """Cost and tokens over time, by day, week or month (radio buttons and CSS: the page
    runs no script)."""
    toggles = "".join(
        f'<input class="toggle" type="radio" name="period" id="per-{p}"'
        f'{" checked" if p == "day" else ""}><label for="per-{p}">{label}</label>'
        for p, _, label in PERIOD_TITLES)
    panels = "".join(_period_panel(getattr(report, attr), p) for p, attr, _ in PERIOD_TITLES)
    return (f'<section class="wide" id="cost-by-day"><h2>Cost and tokens over time</h2>'
            f'{toggles}{panels}</section>')


def _token_cost_section(report: Report) -> str:
    split = report.cost_by_token
    if not split:
        return ('<section id="by-token-type"><h2>Cost by token type</h2><p class="empty">'
                'no priced model calls in this period</p></section>')
    total = sum(split.values()) or 1.0
    rows = [(TOKEN_LABEL.get(k, k), v, f"{fmt.cost(v)} · {v / total * 100:.1f}%")
            for k, v in split.items()]
    data = "".join(f'<data value="{num(v)}" data-token-type="{esc(k)}"></data>'
                   for k, v in split.items())
    return (f'<section id="by-token-type"><h2>Cost by token type</h2>'
            f'{hbar_chart(rows, label_width=130)}{data}</section>')


def _turn_cost_section(report: Report) -> str:
    costs = report.turn_costs
    if not costs:
        return ('<section id="turn-cost"><h2>Cost per turn</h2><p class="empty">no priced '
                'turns in this period</p></section>')
    bins = histogram(costs, TURN_COST_EDGES)
    chart = column_chart([label for label, _ in bins],
                         [("turns", COST_COLOR, [float(n) for _, n in bins])],
                         [str(n) for _, n in bins], width=600, height=230,
                         axis=lambda v: f"{v:g}", unit="turns per cost range")
    return (f'<section id="turn-cost" data-turns="{len(costs)}"><h2>Cost per turn</h2>'
            f'<p>median <b>{fmt.cost(percentile(costs, 0.5))}</b> · 90% of turns under '
            f'<b>{fmt.cost(percentile(costs, 0.9))}</b> · most expensive '
            f'<b>{fmt.cost(costs[-1])}</b> · {len(costs)} priced turns</p>{chart}</section>')


def _group_section(ident: str, title: str, buckets: Sequence[Bucket], limit: int) -> str:
    shown = list(buckets[:limit])
    priced = any(b.priced for b in shown)
    rows = [(b.key, b.cost if priced else float(b.total_tokens),
             f"{fmt.cost(b.cost, b.priced)} · {fmt.tokens(b.total_tokens)} tok"
             + (f" · cache {fmt.pct(b.cache_hit_ratio)}" if ident == "by-model" else ""))
            for b in shown]
    more = (f'<p class="empty">and {len(buckets) - limit} more</p>'
            if len(buckets) > limit else "")
    data = "".join(f'<data value="{num(b.cost)}" data-key="{esc(b.key)}" '
                   f'data-tokens="{b.total_tokens}"></data>' for b in buckets)
    return (f'<section id="{ident}"><h2>{esc(title)}</h2>{hbar_chart(rows)}{more}'
            f'{data}</section>')


def _cache_section(report: Report) -> str:
    t = report.totals.tokens
    writes = sum(t.get(k, 0) for k in ("input_cache_creation", "input_cache_creation_5m",
                                       "input_cache_creation_1h"))
    parts = [("cache read", float(t.get("input_cache_read", 0)), PALETTE["input_cache_read"]),
             ("fresh input", float(t.get("input", 0)), PALETTE["input"]),
             ("cache write", float(writes), PALETTE["input_cache_creation"])]
    ratio = report.totals.cache_hit_ratio
    attr = f' data-ratio="{num(ratio)}"' if ratio is not None else ""
    s = report.savings
    saved = ""
    if s is not None and (s.read_saved or s.write_extra):
        saved = (f'<p data-saved="{num(s.net)}">Saved by caching: <b>{fmt.cost(s.net)}</b> '
                 f'net ({fmt.cost(s.read_saved)} less for cache reads than fresh input, '
                 f'{fmt.cost(s.write_extra)} more for cache writes), at the price table\'s '
                 f'rates.</p>')
    return (f'<section id="cache"{attr}><h2>Cache hit ratio and savings</h2>'
            f'{donut(parts, fmt.pct(ratio), "of input from cache")}{saved}'
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
        f'<td class="id">{_session_link(c.session_id)}</td><td>{esc(c.project or "")}</td>'
        f'</tr>' for c in report.slowest_calls)
    return (f'<section class="wide" id="slowest"><h2>Slowest tools (p95)</h2>'
            f'{hbar_chart(rows, color="#edc948")}<h2 style="margin-top:12px">Slowest calls'
            f'</h2><table><tr><th class="n">took</th><th>tool</th><th>when</th>'
            f'<th>session</th><th>project</th></tr>{calls}</table></section>')


def _finding_rows(found: Sequence[dict]) -> str:
    return "".join(
        f'<tr><td>{esc(f["title"])}</td><td><code>{esc(f.get("rule_id") or "")}</code></td>'
        f'<td class="id">{_session_link(f.get("session_id"))}</td></tr>' for f in found)


def _findings_section(report: Report, linked: set[str]) -> str:
    """Findings grouped by severity, worst first; info ones folded away (listed only with
    `--all`)."""
    if not report.findings_available:
        return ""
    order = SEVERITY_ORDER
    counts = report.findings_by_severity
    chips = "".join(
        f'<span class="sev" style="background:{SEVERITY_COLOR.get(s, OTHER_COLOR)}" '
        f'data-severity="{esc(s)}" data-count="{n}">{n} {esc(s)}</span> '
        for s in order + tuple(k for k in counts if k not in order) if (n := counts.get(s)))
    if not counts:
        return ('<section class="wide" id="findings"><h2>Findings</h2><p class="empty">no '
                'findings in this period</p></section>')
    head = ('<table><tr><th>finding</th><th>rule</th><th>session</th></tr>')
    groups = []
    for sev in order:
        found = [f for f in report.findings if f["severity"] == sev]
        if sev == "info":
            n = counts.get("info", 0)
            if not n:
                continue
            body = (f'{head}{_finding_rows(found)}</table>' if found else
                    '<p class="empty">not listed: <code>cctrace report --all</code> lists '
                    'them</p>')
            groups.append(f'<details data-group="info"><summary>{n} info finding(s): audit '
                          f'checkpoints, full coverage</summary>{body}</details>')
        elif found:
            more = counts.get(sev, 0) - len(found)
            groups.append(f'<h3 data-group="{sev}"><span class="sev" style="background:'
                          f'{SEVERITY_COLOR[sev]}">{sev}</span> {counts.get(sev, 0)}</h3>'
                          f'{head}{_finding_rows(found)}</table>'
                          + (f'<p class="empty">and {more} more: <code>cctrace findings '
                             f'--severity {sev}</code></p>' if more > 0 else ""))
    linked.update(f.get("session_id") or "" for f in report.findings)
    return (f'<section class="wide" id="findings"><h2>Findings</h2><p>{chips}</p>'
            f'{"".join(groups)}</section>')


def _session_link(sid: str | None) -> str:
    if not sid:
        return "-"
    return f'<a href="#s-{esc(sid)}" title="{esc(sid)}">{esc(sid[:8])}</a>'


SORTS = (("cost", "cost"), ("tokens", "tokens"), ("turns", "turns"), ("recent", "latest"))


def _sessions_table(rows: Sequence[SessionRow], key: str) -> str:
    order = {"cost": lambda r: (-r.cost, -r.total_tokens, r.id),
             "tokens": lambda r: (-r.total_tokens, -r.cost, r.id),
             "turns": lambda r: (-r.turns, -r.cost, r.id),
             "recent": lambda r: (-r.end_ns, r.id)}[key]
    body = "".join(
        f'<tr data-session="{esc(r.id)}" data-cost="{num(r.cost)}" '
        f'data-tokens="{r.total_tokens}" data-turns="{r.turns}">'
        f'<td class="id">{_session_link(r.id)}</td><td class="n">{esc(_when(r.start_ns))}</td>'
        f'<td>{esc(r.project)}</td><td class="opt">{esc(", ".join(r.models) or "-")}</td>'
        f'<td class="n">{r.turns}</td><td class="n">{fmt.tokens(r.total_tokens)}</td>'
        f'<td class="n" title="{num(r.cost)}">{fmt.cost(r.cost, r.priced)}</td>'
        f'<td class="n opt">{r.tool_failures}/{r.tool_calls}</td></tr>'
        for r in sorted(rows, key=order))
    return (f'<div class="panel s-{key}"><table><tr><th>session</th><th class="n">started'
            f'</th><th>project</th><th class="opt">models</th><th class="n">turns</th>'
            f'<th class="n">tokens</th><th class="n">cost</th><th class="n opt">failed tools'
            f'</th></tr>{body}</table></div>')


def _sessions_section(report: Report) -> str:
    rows = report.sessions[:SESSIONS_SHOWN]
    toggles = "".join(
        f'<input class="toggle" type="radio" name="sort" id="sort-{k}"'
        f'{" checked" if k == "cost" else ""}><label for="sort-{k}">{label}</label>'
        for k, label in SORTS)
    more = (f'<p class="empty">the {SESSIONS_SHOWN} most expensive of '
            f'{len(report.sessions)}: <code>cctrace sessions</code> lists all</p>'
            if len(report.sessions) > SESSIONS_SHOWN else "")
    tables = "".join(_sessions_table(rows, k) for k, _ in SORTS)
    # The radio buttons are the tables' siblings: CSS shows the checked one's table.
    return (f'<section class="wide" id="sessions"><h2>Sessions</h2><p class="empty">Most '
            f'expensive first. Sort by:</p>{toggles}{tables}{more}</section>')


def _tree(r: SessionRow) -> str:
    turns = "".join(
        f'<tr><td class="n">{i}</td><td class="n">{esc(_when(t.start_ns))}</td>'
        f'<td class="n">{fmt.ms(max(t.end_ns - t.start_ns, 0) / 1e6)}</td>'
        f'<td class="n">{t.generations}</td><td class="n">{fmt.tokens(t.tokens)}</td>'
        f'<td class="n">{fmt.cost(t.cost, bool(t.generations))}</td><td>'
        + esc(" · ".join(f"{name} {c}" + (f" ({f} failed)" if f else "")
                         for name, (c, f) in sorted(t.tools.items()))) + "</td></tr>"
        for i, t in enumerate(r.tree, 1))
    return (f'<div class="tree-at" id="s-{esc(r.id)}"><div class="tree"><h3>Session '
            f'<code>{esc(r.id)}</code> · {esc(r.project)} · {fmt.cost(r.cost, r.priced)}</h3>'
            f'<table><tr><th class="n">turn</th><th class="n">started</th><th class="n">took'
            f'</th><th class="n">model calls</th><th class="n">tokens</th><th class="n">cost'
            f'</th><th>tools</th></tr>{turns}</table><p class="empty"><code>cctrace show '
            f'{esc(r.id[:8])}</code> shows every call.</p></div></div>')


def _trees_section(report: Report, linked: set[str]) -> str:
    shown = report.sessions[:SESSIONS_SHOWN]
    ids = {r.id for r in shown}
    extra = [r for r in report.sessions[SESSIONS_SHOWN:] if r.id in linked and r.id not in ids]
    return (f'<section class="wide" id="trees"><h2>Session trees</h2><p class="empty">A '
            f'session id in a table opens its turns here.</p>'
            f'{"".join(_tree(r) for r in [*shown, *extra])}</section>')


def _unpriced_notice(report: Report) -> str:
    u = report.unpriced
    if u is None or not u.tokens:
        return ""
    models = ", ".join(u.models[:5]) + (" ..." if len(u.models) > 5 else "")
    return (f'<div class="notice" id="unpriced" data-tokens="{u.tokens}" '
            f'data-total="{u.total_tokens}"><b>{fmt.tokens(u.tokens)} tokens of '
            f'{fmt.tokens(u.total_tokens)} are unpriced</b> ({u.generations} model call(s) '
            f'of {esc(models)}, a model the price table does not know): the costs in this '
            f'report leave them out.</div>')


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
    saved = report.savings.net if report.savings else None
    cards = "".join([
        _card("cost", fmt.cost(t.cost, t.priced), "cost", t.cost),
        _card("tokens", fmt.tokens(t.total_tokens), "tokens", t.total_tokens),
        _card("sessions", str(t.sessions), "sessions", t.sessions),
        _card("turns", str(t.turns), "turns", t.turns),
        _card("model calls", str(t.generations), "generations", t.generations),
        _card("cache hit", fmt.pct(t.cache_hit_ratio), "cache-hit", t.cache_hit_ratio),
        _card("saved by cache", fmt.cost(saved, saved is not None), "cache-saved", saved),
        _card("tool calls", str(report.tool_calls), "tool-calls", report.tool_calls),
        _card("tool failures", fmt.pct(failure), "tool-failures", report.tool_failures),
    ])
    if report.empty:
        body = '<section class="wide"><p class="empty">Nothing recorded in this period.</p>' \
               '</section>'
    else:
        linked: set[str] = set()
        findings = _findings_section(report, linked)
        body = (_unpriced_notice(report) + _time_section(report) + '<div class="grid">'
                + _token_cost_section(report)
                + _group_section("by-model", "Cost by model", report.by_model, 10)
                + _turn_cost_section(report) + _cache_section(report)
                + _group_section("by-project", "Cost by project", report.by_project, 12)
                + _tools_section(report) + "</div>"
                + _sessions_section(report) + findings + _slow_section(report)
                + _trees_section(report, linked))
    return (
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
        "style-src 'unsafe-inline'\">"
        "<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">"
        f"<title>{esc(title)}</title><style>{CSS}</style></head><body><main>"
        f"<h1>{esc(title)}</h1><div class=\"sub\">{esc(period)} · generated "
        f"{generated:%Y-%m-%d %H:%M} · {esc(headline(report))}</div>"
        f"<div class=\"cards\">{cards}</div>{body}</main></body></html>\n"
    )
