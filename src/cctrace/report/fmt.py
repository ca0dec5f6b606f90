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
    if value is None or not priced:
        return "-"
    if value == 0:
        return "$0"
    if value < 0.01:
        return f"${value:.4f}"
    if value < 100:
        return f"${value:.2f}"
    return f"${value:,.0f}"


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
