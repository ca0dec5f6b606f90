"""Inline SVG charts for the HTML report: bars, columns, a donut, drawn as strings.

Each chart is a pure function of its figures and returns self-contained SVG markup (no
script, no external resource) whose every label is HTML-escaped by `esc`, and which prints
its figures as text as well, so the page reads without the picture. `num` writes the exact,
locale-free numbers the page's `data-*` attributes carry.
"""

from __future__ import annotations

import html
import math
from collections.abc import Callable, Sequence

from cctrace.report import fmt

COST_COLOR = "#4e79a7"
FAIL_COLOR = "#e15759"


def esc(value: object) -> str:
    return html.escape(str(value), quote=True)


def num(value: float) -> str:
    """An exact, locale-free number for a data attribute."""
    if isinstance(value, int):
        return str(value)
    return repr(round(float(value), 10))


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


def nice_ticks(largest: float, count: int = 4) -> list[float]:
    """0 and round steps (1, 2, 2.5 or 5 times a power of ten) reaching `largest`."""
    if largest <= 0:
        return [0.0, 1.0]
    raw = largest / count
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw)
    ticks = [0.0]
    while ticks[-1] < largest - 1e-12:
        ticks.append(round(ticks[-1] + step, 12))
    return ticks


def axis_money(value: float) -> str:
    if value == 0:
        return "$0"
    return f"${value:,.2f}" if value < 10 else f"${value:,.0f}"


def _short(label: str) -> str:
    """Axis text: a day without its year, a week without its year, a month as is."""
    if len(label) == 10 and label[4] == "-":
        return label[5:]
    if "-W" in label:
        return label.split("-", 1)[1]
    return label


def column_chart(labels: Sequence[str], series: Sequence[tuple[str, str, Sequence[float]]],
                 value_text: Sequence[str], *, width: int = 1120, height: int = 260,
                 axis: Callable[[float], str] = fmt.tokens, unit: str = "") -> str:
    """Stacked columns, one per label, on a y-axis with round ticks and gridlines; every
    column is labelled below and, when there is room, its `value_text` is printed above.
    `series` is (name, colour, values), stacked in order."""
    n = len(labels)
    if not n:
        return '<p class="empty">nothing to show</p>'
    totals = [sum(s[2][i] for s in series) for i in range(n)]
    ticks = nice_ticks(max(totals))
    top_value = ticks[-1] or 1.0
    left = max(44, 8 + 7 * max(len(axis(t)) for t in ticks))
    right, top = 8, 20
    slot = (width - left - right) / n
    rotate = slot < 8 * max(len(_short(x)) for x in labels) + 6
    # Every column is labelled while rotated labels fit (14 px apart); beyond that, every
    # `every`-th, the value of the others in their tooltip.
    every = max(1, math.ceil(14 / slot)) if rotate else 1
    bottom = 60 if rotate else 28
    plot_h = height - bottom - top
    col_w = max(min(slot * 0.7, 60), 2)
    parts = [f'<svg role="img" viewBox="0 0 {width} {height}" width="100%"'
             f'{f" aria-label={chr(34)}{esc(unit)}{chr(34)}" if unit else ""}>']
    for t in ticks:
        y = top + plot_h - t / top_value * plot_h
        parts.append(f'<line class="grid" x1="{left}" x2="{width - right}" y1="{y:.1f}" '
                     f'y2="{y:.1f}"/><text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end" '
                     f'class="muted">{esc(axis(t))}</text>')
    parts.append(f'<line class="axis" x1="{left}" x2="{left}" y1="{top}" '
                 f'y2="{top + plot_h}"/><line class="axis" x1="{left}" x2="{width - right}" '
                 f'y1="{top + plot_h}" y2="{top + plot_h}"/>')
    for i, label in enumerate(labels):
        x = left + i * slot + (slot - col_w) / 2
        y = top + plot_h
        tip = [f"{label}: {value_text[i]}"]
        rects = []
        for name, colour, values in series:
            h = values[i] / top_value * plot_h
            if h <= 0:
                continue
            y -= h
            rects.append(f'<rect x="{x:.1f}" y="{y:.1f}" width="{col_w:.1f}" height="{h:.1f}" '
                         f'fill="{colour}"/>')
            if len(series) > 1:
                tip.append(f"{name}: {fmt.tokens(values[i])}")
        parts.append(f'<g><title>{esc(" · ".join(tip))}</title>{"".join(rects)}')
        if totals[i] and slot >= 7 * len(value_text[i]) + 4:
            parts.append(f'<text x="{x + col_w / 2:.1f}" y="{y - 4:.1f}" text-anchor="middle" '
                         f'class="muted">{esc(value_text[i])}</text>')
        cx, ly = x + col_w / 2, top + plot_h + 16
        if i % every:
            pass
        elif rotate:
            parts.append(f'<text x="{cx:.1f}" y="{ly:.1f}" text-anchor="end" '
                         f'transform="rotate(-45 {cx:.1f} {ly:.1f})">{esc(_short(label))}'
                         f'</text>')
        else:
            parts.append(f'<text x="{cx:.1f}" y="{ly:.1f}" text-anchor="middle">'
                         f'{esc(_short(label))}</text>')
        parts.append("</g>")
    parts.append("</svg>")
    return "".join(parts)


def responsive(draw: Callable[[int], str]) -> str:
    """A chart drawn twice, for wide and narrow screens (CSS shows one), so its text stays
    at its size instead of shrinking with the page."""
    return (f'<div class="wide-chart">{draw(1120)}</div>'
            f'<div class="narrow">{draw(640)}</div>')


def donut(parts_in: Sequence[tuple[str, float, str]], centre: str, caption: str,
          size: int = 200) -> str:
    """A ring of (label, value, colour) with `centre` text in the middle and a legend."""
    total = sum(v for _, v, _ in parts_in)
    r, stroke = size / 2 - 18, 26
    c = size / 2
    circumference = 2 * 3.141592653589793 * r
    # The legend's room from its longest line (~7 px a character), so none is clipped.
    lines = [f"{label} {fmt.tokens(value)} (100.0%)" for label, value, _ in parts_in]
    legend = max(190, 40 + 7 * max((len(x) for x in lines), default=0))
    out = [f'<svg role="img" viewBox="0 0 {size + legend} {size}" width="100%" '
           f'style="max-width:{size + legend}px">',
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
