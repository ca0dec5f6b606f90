"""`[prices]`: the user's model prices from config.toml, checked (cctrace.store.cost uses them).

`parse_overrides` turns the table into `Override`s: a model id or glob, per-token prices by
usage key (the config says USD per million tokens), and tiers above an input-token count;
a wrong entry raises `PriceError` naming it and saying why. `RATIOS` are Anthropic's usual
prices relative to input, used for cache prices an entry leaves out.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

# `[prices]` fields (USD per million tokens) -> the usage keys they price.
PRICE_FIELDS = {
    "input": "input",
    "output": "output",
    "cache_read": "input_cache_read",
    "cache_write": "input_cache_creation",
    "cache_write_1h": "input_cache_creation_1h",
}
# Anthropic's usual ratios to the input price, used where an override leaves a cache price
# out, and (in this order) to settle unit prices Claude Code's figures do not fix alone.
RATIOS = {
    "input_cache_creation": Fraction(5, 4),
    "input_cache_creation_1h": Fraction(2),
    "output": Fraction(5),
    "input_cache_read": Fraction(1, 10),
}
INPUT_KEYS = ("input", "input_cache_read", "input_cache_creation", "input_cache_creation_1h")




@dataclass(frozen=True)
class Override:
    """The user's price for models matching `pattern` (a glob, any case): per-token
    prices by usage key, plus tiers `(above_input_tokens, prices)` checked highest first."""

    pattern: str
    prices: Mapping[str, float]
    tiers: tuple[tuple[int, Mapping[str, float]], ...] = ()

    def matches(self, model: str) -> bool:
        return fnmatch.fnmatchcase(model.lower(), self.pattern.lower())

    def unit_prices(self, usage: Mapping[str, int]) -> Mapping[str, float]:
        total_input = sum(usage.get(k, 0) for k in INPUT_KEYS
                          if isinstance(usage.get(k), int))
        for above, prices in self.tiers:
            if total_input > above:
                return prices
        return self.prices


class PriceError(ValueError):
    """A `[prices]` entry that cannot be used; the message names it and says why."""


def _per_token(table: Mapping[str, Any], where: str,
               base: Mapping[str, float] | None = None) -> dict[str, float]:
    unknown = sorted(set(table) - set(PRICE_FIELDS) - {"tiers", "above_input_tokens"})
    if unknown:
        raise PriceError(f"{where}: unknown field {unknown[0]!r}; use "
                         + ", ".join(PRICE_FIELDS) + " (USD per million tokens)")
    out: dict[str, float] = dict(base or {})
    for name, key in PRICE_FIELDS.items():
        if name not in table:
            continue
        value = table[name]
        if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0 \
                or value != value or value == float("inf"):
            raise PriceError(f"{where}.{name} must be a number of USD per million tokens "
                             f"(0 or more), not {value!r}")
        out[key] = float(value) / 1_000_000
    if base is None:
        for name in ("input", "output"):
            if PRICE_FIELDS[name] not in out:
                raise PriceError(f"{where}: {name} is required (USD per million tokens)")
        for key, ratio in RATIOS.items():
            if key not in out:
                out[key] = out["input"] * float(ratio)
    return out


def parse_overrides(raw: Any, where: str = "prices") -> tuple[Override, ...]:
    """The `[prices]` table of config.toml as overrides; raises PriceError when wrong.

    `[prices.MODEL]` (MODEL an id or a glob such as `claude-opus-*`) holds `input` and
    `output` (required) and `cache_read`, `cache_write`, `cache_write_1h` (default 0.1,
    1.25 and 2 times `input`), all USD per million tokens; `[[prices.MODEL.tiers]]` entries
    hold `above_input_tokens` and the fields that differ above that many input tokens.
    """
    if raw is None:
        return ()
    if not isinstance(raw, Mapping):
        raise PriceError(f"[{where}] must be a table of models")
    out = []
    for model, table in raw.items():
        at = f"{where}.{model}"
        if not isinstance(table, Mapping):
            raise PriceError(f"[{at}] must be a table (input = ..., output = ...)")
        base = _per_token(table, at)
        tiers_raw = table.get("tiers") or []
        if not isinstance(tiers_raw, list):
            raise PriceError(f"{at}.tiers must be an array of tables ([[{at}.tiers]])")
        tiers = []
        for n, tier in enumerate(tiers_raw, 1):
            tat = f"{at}.tiers[{n}]"
            if not isinstance(tier, Mapping):
                raise PriceError(f"{tat} must be a table")
            above = tier.get("above_input_tokens")
            if isinstance(above, bool) or not isinstance(above, int) or above < 0:
                raise PriceError(f"{tat}.above_input_tokens must be a whole number of "
                                 f"tokens (0 or more), not {above!r}")
            tiers.append((above, _per_token(tier, tat, base)))
        tiers.sort(key=lambda t: -t[0])
        out.append(Override(str(model), base, tuple(tiers)))
    return tuple(out)


