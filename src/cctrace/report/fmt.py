"""Number formatting shared by the terminal and HTML renderings of a report."""

from __future__ import annotations


def tokens(n: int | float) -> str:
    n = int(n)
    if n < 1000:
        return str(n)
    if n < 1_000_000:
        return f"{n / 1000:.1f}k"
    if n < 1_000_000_000:
        return f"{n / 1_000_000:.1f}M"
    return f"{n / 1_000_000_000:.2f}B"


def cost(value: float | None, priced: bool = True) -> str:
    """Money in one format everywhere in a report: dollars and cents with thousands
    separators (`$1,234.56`); a non-zero amount under half a cent is `<$0.01`, so no
    column mixes `$0.0061` with `$0.02`. Exact values go in titles and data attributes."""
    if value is None or not priced:
        return "-"
    sign = "-" if value < 0 else ""
    value = abs(value)
    if 0 < value < 0.005:
        return f"{sign}<$0.01"
    return f"{sign}${value:,.2f}"


def pct(ratio: float | None) -> str:
    return "-" if ratio is None else f"{ratio * 100:.1f}%"


def ms(value: float) -> str:
    if value < 1000:
        return f"{value:.0f}ms"
    sec = value / 1000
    if sec < 60:
        return f"{sec:.1f}s"
    minutes, sec = divmod(int(sec), 60)
    if minutes < 60:
        return f"{minutes}m{sec:02d}s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours}h{minutes:02d}m"
