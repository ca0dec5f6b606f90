"""What a report says about money: cost by token type, per turn, cache savings, unpriced tokens.

Pure functions over the store's generation facts (`Store.report_facts`), each priced as
`cctrace.report.usage` prices one generation (the layer `cctrace usage` reads too); cache
savings use the model table's unit prices (`cctrace.store.cost`), the same table that prices
the store. `data.build_report` calls them and keeps their results in the `Report`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from cctrace.report import usage as usage_layer

CACHE_READ = "input_cache_read"


@dataclass
class CacheSavings:
    """What prompt caching changed, priced with the model table: `read_saved` is what the
    cache-read tokens would have cost more as fresh input, `write_extra` what cache writes
    cost more than fresh input; `net` the difference. Generations whose model has no
    price are left out (`tokens_left_out`)."""

    read_saved: float = 0.0
    write_extra: float = 0.0
    tokens_left_out: int = 0

    @property
    def net(self) -> float:
        return self.read_saved - self.write_extra


@dataclass
class Unpriced:
    """Tokens of generations that carry no cost (their model is not priced)."""

    tokens: int = 0
    total_tokens: int = 0
    generations: int = 0
    models: list[str] = field(default_factory=list)


def cost_by_token_type(observations: Iterable[Mapping[str, Any]]) -> dict[str, float]:
    """USD per token type (`usage.TOKEN_TYPES`: input, output, cache read, cache write)
    over the generations, as `usage.generation_cost` splits each one; whatever of a total
    no key explains (Claude Code's own figure, say) is `other`. Largest first."""
    totals = usage_layer.Totals()
    for o in observations:
        if o.get("type") == "generation":
            totals.add(o)
    return dict(sorted(totals.cost_by_type.items(), key=lambda kv: -kv[1]))


def turn_costs(observations: Iterable[Mapping[str, Any]]) -> list[float]:
    """The cost of every turn with at least one priced generation, ascending."""
    per: dict[str, float] = {}
    for o in observations:
        cost = o.get("cost_total")
        if o.get("type") == "generation" and isinstance(cost, (int, float)) \
                and o.get("trace_id"):
            per[o["trace_id"]] = per.get(o["trace_id"], 0.0) + float(cost)
    return sorted(per.values())


def histogram(values: Iterable[float], edges: Iterable[float]) -> list[tuple[str, int]]:
    """(label, count) per bin: `< $e0`, `$e0-$e1`, ..., `>= $eN` (upper edges exclusive)."""
    bounds = list(edges)
    counts = [0] * (len(bounds) + 1)
    for v in values:
        i = next((i for i, e in enumerate(bounds) if v < e), len(bounds))
        counts[i] += 1
    labels = [f"< {_usd(bounds[0])}"] + [f"{_usd(a)}-{_usd(b)}" for a, b in
                                         zip(bounds, bounds[1:], strict=False)]
    labels.append(f">= {_usd(bounds[-1])}")
    return list(zip(labels, counts, strict=True))


def _usd(value: float) -> str:
    return f"${value:g}" if value >= 1 else f"${value:.2f}"


def _unit_prices(model: str, at_ns: int, usage: Mapping[str, int],
                 cache: dict[str, Any]) -> Mapping[str, float] | None:
    from cctrace.store import cost as cost_mod

    if model not in cache:
        cache[model] = cost_mod.find_model(model, at_ns)
    entry = cache[model]
    if entry is None:
        return None
    tier = cost_mod.choose_tier(entry, usage)
    return (tier or {}).get("prices") or None


CACHE_WRITE_KEYS = ("input_cache_creation", "input_cache_creation_5m", "input_cache_creation_1h")


def cache_savings(observations: Iterable[Mapping[str, Any]]) -> CacheSavings:
    """What caching saved and cost, priced per generation with the model table's unit
    prices (the same table that prices the store): cache reads at (input - cache read)
    each, cache writes at (write - input) each."""
    out = CacheSavings()
    cache: dict[str, Any] = {}
    for o in observations:
        if o.get("type") != "generation":
            continue
        usage = usage_layer.generation_tokens(o)
        reads = usage.get(CACHE_READ, 0)
        writes = {k: usage.get(k, 0) for k in CACHE_WRITE_KEYS if usage.get(k)}
        if not reads and not writes:
            continue
        model = o.get("model") or ""
        prices = _unit_prices(model, o.get("start_ns") or 0, usage, cache) if model else None
        fresh = prices.get("input") if prices else None
        if not isinstance(fresh, (int, float)):
            out.tokens_left_out += reads + sum(writes.values())
            continue
        out.read_saved += reads * (fresh - float(prices.get(CACHE_READ, fresh)))
        for key, n in writes.items():
            out.write_extra += n * (float(prices.get(key, prices.get(
                "input_cache_creation", fresh))) - fresh)
    return out


def unpriced(observations: Iterable[Mapping[str, Any]]) -> Unpriced:
    """Tokens of the generations that have no cost (`usage.generation_cost`), out of all
    generation tokens, with the models they ran on."""
    out = Unpriced()
    for o in observations:
        if o.get("type") != "generation":
            continue
        out.total_tokens += sum(usage_layer.generation_tokens(o).values())
        total, _, tokens = usage_layer.generation_cost(o)
        if total is None:
            out.tokens += tokens
            out.generations += 1
            model = o.get("model") or o.get("name") or "(unknown)"
            if model not in out.models:
                out.models.append(model)
    return out
