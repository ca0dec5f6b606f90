"""Pricing every generation of many sessions in one pass: what `cctrace sessions` lists.

`price_rows` prices one call at a time from its parsed usage (~50 us a call: a million
generations took over a minute). Here SQLite hands over each call's counts as integers
read straight off the usage text when it is in the shape cctrace writes (`input`,
`output`, `input_cache_read`, `input_cache_creation`, optionally `input_cache_creation_1h`,
in that order: `counts_of`, no JSON parser); a `Plan` per model and model parameters knows
what decides the price of such a call (override and its input-token tiers, the table
entry and its usage conditions, which keys learned prices cover) and keeps one unit-price
vector per outcome, so a call costs a few comparisons, five products and a dict lookup.
The arithmetic is `price_rows`'s own, term for term and call for call in the same order
(the per-key products added in key order, the calls added per source as they come), so
the figures are identical to the last bit, not merely close: summing token counts per
price class first and multiplying once would round differently. A call in any other shape
goes through `Pricing.price` as before.
"""

from __future__ import annotations

import operator
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from cctrace.store import cost
from cctrace.store.connection import loads

# The usage keys of the shape cctrace writes, in the order it writes them.
KEYS = ("input", "output", "input_cache_read", "input_cache_creation",
        "input_cache_creation_1h")
# The usage text cctrace writes (compact JSON, these keys in this order, whole numbers):
# matched, its counts are read without a JSON parser. Anything else is parsed.
_INT = r"(-?(?:0|[1-9][0-9]*))"
SHAPE = re.compile(r'\{"input":' + _INT + r',"output":' + _INT + r',"input_cache_read":'
                   + _INT + r',"input_cache_creation":' + _INT
                   + r'(?:,"input_cache_creation_1h":' + _INT + r")?\}\Z")


def counts_of(usage_text: str | None) -> tuple[int, ...] | None:
    """The counts of a usage text in the shape cctrace writes (4 or 5, in `KEYS` order),
    or None for any other text."""
    m = SHAPE.match(usage_text) if usage_text else None
    if m is None:
        return None
    a, b, c, d, e = m.groups()
    if e is None:
        return int(a), int(b), int(c), int(d)
    return int(a), int(b), int(c), int(d), int(e)


@dataclass
class Plan:
    """How calls of one model (with one set of model parameters) are priced.

    `kind` is "override", "table", "learned" or "none"; `units[outcome]` is the unit price
    per key of `KEYS` (0.0 where the key has no price: adding 0.0 changes no sum) and the
    source, or None when that outcome is unpriced."""

    kind: str
    override: Any = None
    entry: Any = None
    tiers: list[tuple[list[tuple[tuple[int, ...], Any, float]], bool]] = field(
        default_factory=list)
    learned_keys: frozenset[int] | None = None
    units: dict[Any, tuple[tuple[float, ...], str] | None] = field(default_factory=dict)


# `cost._compare`'s operators; an unknown one never holds.
_OPS = {"gt": operator.gt, "gte": operator.ge, "lt": operator.lt, "lte": operator.le,
        "eq": operator.eq, "neq": operator.ne}


def _never(_a: Any, _b: Any) -> bool:
    return False


def _matches(pattern: str, case: bool) -> tuple[int, ...]:
    flags = 0 if case else re.IGNORECASE
    rx = re.compile(pattern, flags)
    return tuple(i for i, k in enumerate(KEYS) if rx.search(k))


def make_plan(pricing: cost.Pricing, model: str | None,
              params: Mapping[str, Any] | None) -> Plan | None:
    """The plan for `model`, or None when its price cannot be decided from the counts
    alone (a table entry in force from a date: each call's time decides)."""
    if not model:
        return Plan("none")
    for override in pricing.overrides:
        if override.matches(model):
            return Plan("override", override=override)
    if pricing.use_table:
        entries = cost._matching(model)
        if any(e.start_ns is not None for e in entries):
            return None
        entry = cost.find_model(model)
        if entry is not None:
            tiers = []
            for tier in entry.tiers:
                if tier.get("isDefault"):
                    tiers.append(([], True))
                    continue
                conds: list[tuple[tuple[int, ...], Any, float]] = []
                holds = True
                for c in tier.get("conditions") or []:
                    if "usageDetailPattern" in c:
                        try:
                            keys = _matches(c["usageDetailPattern"], bool(c.get("caseSensitive")))
                        except Exception:  # noqa: BLE001 - as `_condition_holds`: never holds
                            holds = False
                            continue
                        conds.append((keys, _OPS.get(str(c.get("operator")), _never),
                                      float(c.get("value", 0))))
                    elif not cost._condition_holds(c, {}, params or {}, {}):
                        holds = False
                tiers.append((conds, holds))
            return Plan("table", entry=entry, tiers=tiers,
                        learned_keys=_learned_keys(pricing, model))
    return Plan("learned", learned_keys=_learned_keys(pricing, model))


def _learned_keys(pricing: cost.Pricing, model: str) -> frozenset[int] | None:
    learned = pricing.learned.get(model)
    if learned is None:
        return None
    return frozenset(i for i, k in enumerate(KEYS) if k in learned)


def _vector(unit: Mapping[str, Any], n: int) -> tuple[float, ...]:
    return tuple(float(unit[k]) if unit.get(k) is not None else 0.0 for k in KEYS[:n])


def price_counts(plan: Plan, pricing: cost.Pricing, model: str,
                 counts: tuple[int, ...]) -> tuple[float, str] | None:
    """(total, source) of one call of the shape `KEYS[:len(counts)]`, as `Pricing.price`
    computes it, or None when unpriced."""
    n = len(counts)
    if plan.kind == "none":
        return None
    if plan.kind == "override":
        total_input = counts[0] + counts[2] + counts[3] + (counts[4] if n == 5 else 0)
        outcome: Any = (n, next((i for i, (above, _) in enumerate(plan.override.tiers)
                                 if total_input > above), -1))
        if outcome not in plan.units:
            tiers = plan.override.tiers
            unit = tiers[outcome[1]][1] if outcome[1] >= 0 else plan.override.prices
            plan.units[outcome] = (_vector(unit, n), cost.OVERRIDE)
        return _total(plan.units[outcome], counts)
    if plan.kind == "table":
        chosen = -1
        for i, (conds, holds) in enumerate(plan.tiers):
            if not holds:
                continue
            for keys, compare, value in conds:
                total = 0
                for k in keys:
                    if k < n:
                        total += counts[k]
                if not compare(total, value):
                    break
            else:
                chosen = i
                break
        if chosen >= 0:
            outcome = (n, chosen)
            if outcome not in plan.units:
                prices = plan.entry.tiers[chosen].get("prices") or {}
                plan.units[outcome] = (_vector(prices, n), cost.TABLE)
            return _total(plan.units[outcome], counts)
    # Learned prices: usable when they price every key the call used.
    keys = plan.learned_keys
    if keys is not None and all(i in keys for i in range(n) if counts[i]):
        outcome = (n, "learned")
        if outcome not in plan.units:
            plan.units[outcome] = (_vector(pricing.learned[model], n), cost.CLAUDE_CODE)
        return _total(plan.units[outcome], counts)
    return None


def _total(unit_source: tuple[tuple[float, ...], str] | None,
           counts: tuple[int, ...]) -> tuple[float, str] | None:
    if unit_source is None:
        return None
    unit, source = unit_source
    # `0 + a*p + ...` adds left to right: `price_rows`' `sum(cost.values())`, term for term.
    if len(counts) == 4:
        a, b, c, d = counts
        p, q, r, s = unit
        return 0 + a * p + b * q + c * r + d * s, source
    a, b, c, d, e = counts
    p, q, r, s, t = unit
    return 0 + a * p + b * q + c * r + d * s + e * t, source


@dataclass
class Tally:
    """One session's running cost, as `price_rows` builds its `CostSummary`, and its
    tokens per usage key (integers only, as the store's SQL sum counted them)."""

    tokens: dict[str, int] = field(default_factory=dict)
    sums: list[int] = field(default_factory=lambda: [0, 0, 0, 0, 0])
    shaped: int = 0  # how many of `KEYS` calls of the usual shape used (4 or 5)
    by_source: dict[str, float] = field(default_factory=dict)
    total_tokens: int = 0
    unpriced_tokens: int = 0
    unpriced_models: list[str] = field(default_factory=list)

    def unpriced(self, model: str | None, tokens: int) -> None:
        if tokens:
            self.unpriced_tokens += tokens
            name = str(model or "(no model)")
            if name not in self.unpriced_models:
                self.unpriced_models.append(name)

    def token_totals(self) -> dict[str, int]:
        """Tokens per usage key, keys sorted (as the store's SQL listed them)."""
        tokens = dict(self.tokens)
        for key, n in zip(KEYS[:self.shaped], self.sums, strict=False):
            tokens[key] = tokens.get(key, 0) + n
        return dict(sorted(tokens.items()))

    def add(self, source: str, total: float) -> None:
        self.by_source[source] = self.by_source.get(source, 0.0) + total

    def summary(self) -> cost.CostSummary:
        out = cost.CostSummary(total_tokens=self.total_tokens,
                               unpriced_tokens=self.unpriced_tokens,
                               by_source=self.by_source,
                               unpriced_models=self.unpriced_models)
        if out.by_source:
            out.cost = sum(out.by_source.values())
            out.source = cost.weakest(out.by_source)
        return out


def price_general(tally: Tally, pricing: cost.Pricing, model: str | None, usage_text: str,
                  start_ns: int | None, params_text: str | None, covered: bool) -> None:
    """One call of any shape, exactly as `price_rows` prices it."""
    usage = loads(usage_text, {}) or {}
    if isinstance(usage, dict):
        for key, value in usage.items():
            if type(value) is int:
                tally.tokens[key] = tally.tokens.get(key, 0) + value
    n = cost.tokens_of(usage)
    tally.total_tokens += n
    if covered:
        return
    priced = pricing.price(model, usage, start_ns, loads(params_text), None)
    if priced is None:
        tally.unpriced(model, n)
        return
    tally.add(priced[1], priced[0]["total"])


_MISSING = object()


def scan(rows: Any, tallies: Mapping[str, Tally], until: Mapping[str, int | None],
         pricing: cost.Pricing, plans: dict[tuple[Any, Any], Plan | None]) -> None:
    """Add each generation row `(session, model, start_ns, model_parameters, usage)` to
    its session's tally. `until` holds, for sessions whose Claude Code count is used, the
    time that count covers (None: all); a covered call is counted, not priced."""
    match = SHAPE.match
    last_sid: Any = _MISSING
    last_key: Any = _MISSING
    tally: Any = None
    end: Any = _MISSING
    plan: Any = None
    for sid, model, start, params, usage in rows:
        if sid != last_sid:  # a session's rows come together: look it up once
            last_sid, tally, end = sid, tallies[sid], until.get(sid, _MISSING)
        covered = end is not _MISSING and (end is None or start is None or start <= end)
        m = match(usage) if usage else None
        if m is None:
            price_general(tally, pricing, model, usage, start, params, covered)
            continue
        if (model, params) != last_key:
            last_key = (model, params)
            plan = plans.get(last_key, _MISSING)
            if plan is _MISSING:
                plan = plans[last_key] = make_plan(pricing, model, loads(params))
        if plan is None:
            price_general(tally, pricing, model, usage, start, params, covered)
            continue
        a, b, c, d, e = m.groups()
        sums = tally.sums
        if e is None:
            counts: tuple[int, ...] = (int(a), int(b), int(c), int(d))
            if tally.shaped < 4:
                tally.shaped = 4
        else:
            counts = (int(a), int(b), int(c), int(d), int(e))
            sums[4] += counts[4]
            tally.shaped = 5
        sums[0] += counts[0]
        sums[1] += counts[1]
        sums[2] += counts[2]
        sums[3] += counts[3]
        tokens = sum(counts)
        tally.total_tokens += tokens
        if covered:
            continue
        got = price_counts(plan, pricing, model, counts)
        if got is None:
            tally.unpriced(model, tokens)
        else:
            tally.add(got[1], got[0])
