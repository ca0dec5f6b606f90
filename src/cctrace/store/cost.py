"""Local cost: prices generations from the model price table cctrace ships.

The table (`cctrace/data/model-prices.json`) is Langfuse's own default price list, unchanged,
so local totals agree with what the Langfuse server computes for the same usage. Langfuse's
semantics are followed: the model id is matched against each entry's `matchPattern` regex;
an entry has pricing tiers, the default one (no conditions) plus conditional ones checked in
ascending `priority`, the first whose conditions all hold winning. A usage condition sums
the usage counts whose key matches `usageDetailPattern` and compares the sum with `value`;
an attribute condition looks a top-level key up in the model parameters (or metadata).
Every usage key with a price in the chosen tier is charged `count * price`; keys without a
price are free. Everything here is pure apart from reading the table once.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from importlib import resources
from typing import Any

from cctrace.model.types import Trace

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


def find_model(
    model: str, at_ns: int | None = None, entries: tuple[PriceEntry, ...] | None = None
) -> PriceEntry | None:
    """The table entry whose pattern matches `model`.

    Entries with a `startDate` after `at_ns` are not in force yet; among several matches
    the one that started latest wins (Langfuse's rule), otherwise the table's order.
    """
    best: PriceEntry | None = None
    for entry in table() if entries is None else entries:
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


def apply_costs(traces: list[Trace]) -> list[Trace]:
    """Fill `cost` of every generation with a known model and usage; returns `traces`.

    A cost already present is kept: whoever set it knew better than the table.
    """
    for trace in traces:
        for obs in trace.observations:
            if obs.type != "generation" or obs.cost is not None or not obs.model:
                continue
            if not obs.usage:
                continue
            obs.cost = price(
                obs.model, obs.usage, obs.start_ns, obs.model_parameters, obs.metadata
            )
    return traces
