"""Cost: what every billed model call cost, and where that figure comes from.

Four sources, strongest first, each named in what the views show:
- `override`: the user's `[prices]` in `<state dir>/config.toml` (`parse_overrides`, USD per
  million tokens, optional tiers above an input-token threshold, cache read/write prices);
- `claude-code`: unit prices learned from Claude Code's own `cost-state` records (2.1.x
  transcripts: cumulative per-model `modelUsage` with `costUSD`), solved exactly by
  `learn_prices` for models the table lacks (and checked against it for those it has);
  a session whose transcript holds such a record shows Claude Code's `totalCostUSD`;
- `table`: `cctrace/data/model-prices.json`, Langfuse's own default price list, unchanged,
  so local totals agree with the Langfuse server for older releases (1.0.x, 2.0.x);
- `estimate`: Claude Code's figure while it says `hasUnknownModelCost` (it guessed).
A call none of them prices is *unpriced*: its tokens are counted and every view says
"N tokens of M unpriced" instead of showing a total that silently leaves them out.

The API for views (sessions, show, report, statusline): `price_rows(rows, pricing,
claude_code=None) -> CostSummary` with `cost`, `source`, `unpriced_tokens`, `total_tokens`
(and `notice()`); a row is a mapping with `model`, `usage` (Langfuse usage keys) and
optionally `start_ns`. `Pricing.load(state_dir, store)` gathers overrides and learned prices.

Langfuse's table semantics are followed: the model id is matched against each entry's
`matchPattern` regex; an entry has pricing tiers, the default one (no conditions) plus
conditional ones checked in ascending `priority`, the first whose conditions all hold
winning. A usage condition sums the usage counts whose key matches `usageDetailPattern` and
compares the sum with `value`; an attribute condition looks a top-level key up in the model
parameters (or metadata). Every usage key with a price in the chosen tier is charged
`count * price`; keys without a price are free.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from importlib import resources
from typing import Any

from cctrace.model.types import Trace
from cctrace.store.counts import (  # noqa: F401 - part of this module's API
    ClaudeCodeCost,
    learn_prices,
    model_usage_details,
)
from cctrace.store.prices import (  # noqa: F401 - part of this module's API
    INPUT_KEYS,
    PRICE_FIELDS,
    RATIOS,
    Override,
    PriceError,
    parse_overrides,
)

TABLE_RESOURCE = ("data", "model-prices.json")


@dataclass(frozen=True)
class PriceEntry:
    """One model of the table with its compiled pattern and tiers (default last)."""

    name: str
    pattern: re.Pattern[str]
    start_ns: int | None
    tiers: tuple[dict[str, Any], ...]


def _iso_ns(value: Any) -> int | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        dt = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return int(dt.timestamp() * 1_000_000_000)


def parse_table(raw: Iterable[Mapping[str, Any]]) -> tuple[PriceEntry, ...]:
    """Compile a price table (the JSON's list of models); bad entries are skipped."""
    entries = []
    for item in raw:
        try:
            pattern = re.compile(item["matchPattern"])
        except (KeyError, TypeError, re.error):
            continue
        tiers = [t for t in item.get("pricingTiers") or [] if isinstance(t, dict)]
        conditional = sorted(
            (t for t in tiers if not t.get("isDefault")), key=lambda t: t.get("priority", 0)
        )
        default = [t for t in tiers if t.get("isDefault")]
        entries.append(
            PriceEntry(
                name=str(item.get("modelName") or ""),
                pattern=pattern,
                start_ns=_iso_ns(item.get("startDate")),
                tiers=tuple(conditional + default[:1]),
            )
        )
    return tuple(entries)


@lru_cache(maxsize=1)
def table() -> tuple[PriceEntry, ...]:
    """The shipped price table, loaded and compiled once per process."""
    ref = resources.files("cctrace").joinpath(*TABLE_RESOURCE)
    return parse_table(json.loads(ref.read_text(encoding="utf-8")))


@lru_cache(maxsize=256)
def _matching(model: str) -> tuple[PriceEntry, ...]:
    """The shipped table's entries whose pattern matches `model` (views price thousands of
    calls of a handful of models: the regex scan of the whole table runs once per model)."""
    return tuple(entry for entry in table() if entry.pattern.search(model))


def find_model(
    model: str, at_ns: int | None = None, entries: tuple[PriceEntry, ...] | None = None
) -> PriceEntry | None:
    """The table entry whose pattern matches `model`.

    Entries with a `startDate` after `at_ns` are not in force yet; among several matches
    the one that started latest wins (Langfuse's rule), otherwise the table's order.
    """
    best: PriceEntry | None = None
    for entry in _matching(model) if entries is None else entries:
        if not entry.pattern.search(model):
            continue
        if entry.start_ns is not None and at_ns is not None and entry.start_ns > at_ns:
            continue
        if best is None or (entry.start_ns or 0) > (best.start_ns or 0):
            best = entry
    return best


def _compare(total: float, operator: str, value: float) -> bool:
    ops = {
        "gt": total > value,
        "gte": total >= value,
        "lt": total < value,
        "lte": total <= value,
        "eq": total == value,
        "neq": total != value,
    }
    return ops.get(operator, False)


def _condition_holds(
    cond: Mapping[str, Any],
    usage: Mapping[str, int],
    model_parameters: Mapping[str, Any],
    metadata: Mapping[str, Any],
) -> bool:
    if "usageDetailPattern" in cond:
        flags = 0 if cond.get("caseSensitive") else re.IGNORECASE
        try:
            pattern = re.compile(cond["usageDetailPattern"], flags)
        except re.error:
            return False
        total = sum(
            v for k, v in usage.items() if isinstance(v, (int, float)) and pattern.search(k)
        )
        return _compare(total, str(cond.get("operator")), float(cond.get("value", 0)))
    source = model_parameters if cond.get("source") == "model_parameters" else metadata
    if cond.get("operator") != "in":
        return False
    actual = source.get(cond.get("key", ""))
    return actual is not None and str(actual) in [str(v) for v in cond.get("values") or []]


def choose_tier(
    entry: PriceEntry,
    usage: Mapping[str, int],
    model_parameters: Mapping[str, Any] | None = None,
    metadata: Mapping[str, Any] | None = None,
) -> dict[str, Any] | None:
    """The first conditional tier whose conditions all hold, else the default tier."""
    for tier in entry.tiers:
        conditions = tier.get("conditions") or []
        if tier.get("isDefault") or all(
            _condition_holds(c, usage, model_parameters or {}, metadata or {})
            for c in conditions
        ):
            return tier
    return None


def price(
    model: str,
    usage: Mapping[str, int],
    at_ns: int | None = None,
    model_parameters: Mapping[str, Any] | None = None,
    metadata: Mapping[str, Any] | None = None,
) -> dict[str, float] | None:
    """USD per priced usage key plus `total`; None when the model is not in the table."""
    if not model:
        return None
    entry = find_model(model, at_ns)
    if entry is None:
        return None
    tier = choose_tier(entry, usage, model_parameters, metadata)
    if tier is None:
        return None
    prices = tier.get("prices") or {}
    cost: dict[str, float] = {}
    for key, count in usage.items():
        unit = prices.get(key)
        if unit is None or isinstance(count, bool) or not isinstance(count, (int, float)):
            continue
        cost[key] = float(count) * float(unit)
    cost["total"] = sum(cost.values())
    return cost


# ---------------------------------------------------------------------------- sources

CLAUDE_CODE, OVERRIDE, TABLE, ESTIMATE = "claude-code", "override", "table", "estimate"
# Strongest first; a total mixing sources is labelled with the weakest one it holds.
SOURCES = (CLAUDE_CODE, OVERRIDE, TABLE, ESTIMATE)

def tokens_of(usage: Any) -> int:
    """All token counts of a usage mapping (integers only; a JSON true is no count)."""
    if not isinstance(usage, Mapping):
        return 0
    return sum(v for v in usage.values() if isinstance(v, int) and not isinstance(v, bool))


# ---------------------------------------------------------------------------- pricing

# Prices learned from a store's Claude Code counts, by store path and the state of its count
# table: solving them takes ~0.3 ms per record, too much to repeat for every view or batch.
_LEARNED: dict[str, tuple[Any, dict[str, dict[str, float]]]] = {}


def learned_from(store: Any) -> dict[str, dict[str, float]]:
    """`learn_prices` over the store's counts, solved again only when a count was added."""
    key = store.cost_states_version()
    cached = _LEARNED.get(store.path)
    if cached is None or cached[0] != key:
        cached = _LEARNED[store.path] = (key, learn_prices(store.cost_states()))
    return cached[1]


@dataclass
class Pricing:
    """Where prices come from, strongest first: overrides, the table, learned prices."""

    overrides: tuple[Override, ...] = ()
    learned: Mapping[str, Mapping[str, float]] = field(default_factory=dict)
    use_table: bool = True

    @classmethod
    def load(cls, state_dir: str | None = None, store: Any = None) -> Pricing:
        """The config's `[prices]` (ignored, with the table still used, when the file is
        bad: the CLI reports that error itself) and the prices learned from `store`."""
        overrides: tuple[Override, ...] = ()
        try:
            from cctrace import config as config_mod

            overrides = config_mod.load(state_dir, keychain=False).prices
        except Exception:  # noqa: BLE001 - a bad config is reported where it is loaded
            overrides = ()
        return cls(overrides, learned_from(store) if store is not None else {})

    def price(
        self,
        model: str | None,
        usage: Mapping[str, int],
        at_ns: int | None = None,
        model_parameters: Mapping[str, Any] | None = None,
        metadata: Mapping[str, Any] | None = None,
    ) -> tuple[dict[str, float], str] | None:
        """(USD per priced usage key plus `total`, its source), or None when unpriced."""
        if not model:
            return None
        for override in self.overrides:
            if override.matches(model):
                return _charge(usage, override.unit_prices(usage)), OVERRIDE
        if self.use_table:
            cost = price(model, usage, at_ns, model_parameters, metadata)
            if cost is not None:
                return cost, TABLE
        learned = self.learned.get(model)
        if learned is not None and all(k in learned for k, v in usage.items()
                                       if isinstance(v, int) and v):
            return _charge(usage, learned), CLAUDE_CODE
        return None


def _charge(usage: Mapping[str, int], unit: Mapping[str, float]) -> dict[str, float]:
    cost = {k: float(n) * float(unit[k]) for k, n in usage.items()
            if k in unit and isinstance(n, (int, float)) and not isinstance(n, bool)}
    cost["total"] = sum(cost.values())
    return cost


def weakest(sources: Iterable[str]) -> str | None:
    present = set(sources)
    return next((s for s in reversed(SOURCES) if s in present), None)


@dataclass
class CostSummary:
    """What a set of model calls cost, by whose count, and what could not be priced."""

    cost: float | None = None
    source: str | None = None
    total_tokens: int = 0
    unpriced_tokens: int = 0
    by_source: dict[str, float] = field(default_factory=dict)
    unpriced_models: list[str] = field(default_factory=list)

    def notice(self) -> str:
        """"N tokens of M unpriced" (models named), or "" when everything is priced."""
        if not self.unpriced_tokens:
            return ""
        models = f" ({', '.join(self.unpriced_models)})" if self.unpriced_models else ""
        return f"{self.unpriced_tokens} tokens of {self.total_tokens} unpriced{models}"

    def to_dict(self) -> dict[str, Any]:
        return {"cost": self.cost, "cost_source": self.source,
                "total_tokens": self.total_tokens, "unpriced_tokens": self.unpriced_tokens,
                "cost_by_source": dict(self.by_source),
                "unpriced_models": list(self.unpriced_models)}


def price_rows(
    rows: Iterable[Mapping[str, Any]],
    pricing: Pricing | None = None,
    claude_code: ClaudeCodeCost | None = None,
) -> CostSummary:
    """Price model calls: the one function every cost view goes through.

    A row has `model`, `usage` (Langfuse usage keys) and optionally `start_ns`,
    `model_parameters`, `metadata`. With `claude_code` (the session's latest Claude Code
    count), the calls up to its time are Claude Code's figure, not re-priced; calls after
    it (a session still running) are priced here; a count that covers none of `rows` is not
    used. `cost` is None only when nothing at all is priced.
    """
    pricing = pricing or Pricing()
    out = CostSummary()
    rows = list(rows)
    covered_until = claude_code.time_ns if claude_code is not None else None
    if claude_code is not None and not any(
            covered_until is None or r.get("start_ns") is None or r["start_ns"] <= covered_until
            for r in rows):
        # No call of the session is stored as its own (its turns belong to another session,
        # e.g. a copy): its count would repeat that session's, so it is not used.
        claude_code = None
    if claude_code is not None:
        source = ESTIMATE if claude_code.unknown_model_cost else CLAUDE_CODE
        out.by_source[source] = claude_code.own_usd
    for row in rows:
        usage = row.get("usage") or {}
        n = tokens_of(usage)
        out.total_tokens += n
        start = row.get("start_ns")
        if claude_code is not None and (covered_until is None or start is None
                                        or start <= covered_until):
            continue
        priced = pricing.price(row.get("model"), usage, start,
                               row.get("model_parameters"), row.get("metadata"))
        if priced is None:
            if n:
                out.unpriced_tokens += n
                model = str(row.get("model") or "(no model)")
                if model not in out.unpriced_models:
                    out.unpriced_models.append(model)
            continue
        cost, source = priced
        out.by_source[source] = out.by_source.get(source, 0.0) + cost["total"]
    if out.by_source:
        out.cost = sum(out.by_source.values())
        out.source = weakest(out.by_source)
    return out


def allocate(rows: list[Mapping[str, Any]], claude_code: ClaudeCodeCost,
             pricing: Pricing | None = None) -> list[tuple[float, str] | None]:
    """Each of one session's calls' share of Claude Code's own count (per model), so views
    that split a session (by day, by model) add up to Claude Code's figure.

    A call its count covers gets its model's `costUSD` (the fork's own) split in proportion
    to the call's price (tokens when nothing prices it), plus its share of models no
    recorded call used; a later call is priced as usual. Returns (USD, source) or None
    (unpriced) per row, in order.
    """
    pricing = pricing or Pricing()
    source = ESTIMATE if claude_code.unknown_model_cost else CLAUDE_CODE
    out: list[tuple[float, str] | None] = [None] * len(rows)
    covered: dict[str, list[tuple[int, float, float]]] = {}
    for i, row in enumerate(rows):
        usage = row.get("usage") or {}
        start = row.get("start_ns")
        priced = pricing.price(row.get("model"), usage, start, row.get("model_parameters"))
        if claude_code.time_ns is None or start is None or start <= claude_code.time_ns:
            covered.setdefault(str(row.get("model")), []).append(
                (i, priced[0]["total"] if priced else 0.0, float(tokens_of(usage))))
        elif priced is not None:
            out[i] = (priced[0]["total"], priced[1])
    def own_cost(model: str) -> float | None:
        entry = claude_code.model_usage.get(model) or {}
        before = claude_code.baseline_usage.get(model) or {}
        total = entry.get("costUSD") if isinstance(entry, Mapping) else None
        if isinstance(total, bool) or not isinstance(total, (int, float)):
            return None
        base = before.get("costUSD") if isinstance(before, Mapping) else 0.0
        return float(total) - (float(base) if isinstance(base, (int, float)) else 0.0)

    for model, calls in covered.items():
        own = own_cost(model)
        if own is None:
            continue
        by_price = sum(c[1] for c in calls)
        weights = [c[1] for c in calls] if by_price > 0 else [c[2] for c in calls]
        whole = sum(weights)
        for (i, _, _), w in zip(calls, weights, strict=True):
            out[i] = (own * w / whole if whole else own / len(calls), source)
    # Models Claude Code counted that no recorded call used (calls without a transcript
    # record): their cost goes to the covered calls pro rata, so the total is Claude Code's.
    leftover = sum(own_cost(m) or 0.0 for m in claude_code.model_usage if m not in covered)
    shared = [i for calls in covered.values() for i, _, _ in calls if out[i] is not None]
    whole = sum(out[i][0] for i in shared)  # type: ignore[index]
    if leftover and shared:
        for i in shared:
            usd = out[i][0]  # type: ignore[index]
            out[i] = (usd + leftover * (usd / whole if whole else 1 / len(shared)), source)
    return out


def apply_costs(traces: list[Trace], pricing: Pricing | None = None) -> list[Trace]:
    """Fill `cost` (and metadata `cost_source`) of every priced generation; returns `traces`.

    A cost already present is kept: whoever set it knew better than the table.
    """
    pricing = pricing or Pricing()
    for trace in traces:
        for obs in trace.observations:
            if obs.type != "generation" or obs.cost is not None or not obs.model:
                continue
            if not obs.usage:
                continue
            priced = pricing.price(obs.model, obs.usage, obs.start_ns, obs.model_parameters,
                                   obs.metadata)
            if priced is not None:
                obs.cost, source = priced
                obs.metadata = {**(obs.metadata or {}), "cost_source": source}
    return traces
