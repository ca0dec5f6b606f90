"""Claude Code's own cost counts (`cost-state` records, `-p` results) and what they teach.

`ClaudeCodeCost` is one count: the session's cumulative cost, per-model usage with
`costUSD`, and for a fork its parent's count at the fork (taken off). `learn_prices` solves
per-token prices of each model exactly from such counts (cctrace.store.cost uses them for
models the price table lacks).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from fractions import Fraction
from typing import Any

from cctrace.store.prices import RATIOS

# modelUsage fields -> usage keys (the 5-minute cache writes are the rest of the total).
_CC_FIELDS = {
    "inputTokens": "input",
    "outputTokens": "output",
    "cacheReadInputTokens": "input_cache_read",
    "cacheCreationEphemeral1hInputTokens": "input_cache_creation_1h",
}


@dataclass(frozen=True)
class ClaudeCodeCost:
    """Claude Code's own count for a session: its latest `cost-state` (or `result`).

    A forked session (`--fork-session`) starts from its parent's count: `parent_session_id`
    and `fork_ns` say which and when (from the transcript), `baseline_*` is the parent's
    count at the fork (filled in when read, `forked_from`), which `own_usd` / `usage_of` take
    off, so the copied history is never counted twice.
    """

    total_usd: float
    model_usage: Mapping[str, Mapping[str, Any]]
    unknown_model_cost: bool = False
    time_ns: int | None = None
    baseline_usd: float = 0.0
    baseline_usage: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    parent_session_id: str | None = None
    fork_ns: int | None = None

    @property
    def own_usd(self) -> float:
        return self.total_usd - self.baseline_usd

    @classmethod
    def from_record(cls, data: Mapping[str, Any], time_ns: int | None = None
                    ) -> ClaudeCodeCost | None:
        """A `cost-state` record (`totalCostUSD`) or a `-p` result (`total_cost_usd`)."""
        total = data.get("totalCostUSD", data.get("total_cost_usd"))
        usage = data.get("modelUsage")
        if isinstance(total, bool) or not isinstance(total, (int, float)):
            return None
        return cls(float(total), usage if isinstance(usage, Mapping) else {},
                   bool(data.get("hasUnknownModelCost")), time_ns)

    def usage_of(self, model: str) -> dict[str, int]:
        """One model's tokens as usage keys (the fork's own, without its parent's)."""
        mine = model_usage_details(self.model_usage.get(model) or {})
        before = model_usage_details(self.baseline_usage.get(model) or {})
        return {k: v - before.get(k, 0) for k, v in mine.items()}

    def tokens(self) -> dict[str, dict[str, int]]:
        """Tokens per model and usage key (non-zero counts of this session only)."""
        out = {m: {k: v for k, v in self.usage_of(m).items() if v} for m in self.model_usage}
        return {m: u for m, u in out.items() if u}

    def forked_from(self, parent: ClaudeCodeCost) -> ClaudeCodeCost:
        """This count with `parent`'s (the count the fork started from) as its baseline."""
        return replace(self, baseline_usd=parent.total_usd,
                       baseline_usage=dict(parent.model_usage))


def model_usage_details(entry: Mapping[str, Any]) -> dict[str, int]:
    """A `modelUsage` entry's token counts under Langfuse usage keys."""
    def num(value: Any) -> int:
        return int(value) if isinstance(value, (int, float)) and not isinstance(value, bool) \
            else 0

    out = {key: num(entry.get(name)) for name, key in _CC_FIELDS.items()}
    out["input_cache_creation"] = max(num(entry.get("cacheCreationInputTokens"))
                                      - out["input_cache_creation_1h"], 0)
    return {k: v for k, v in out.items() if v or k in ("input", "output")}


def _solve(rows: list[tuple[list[Fraction], Fraction]], n: int) -> list[Fraction] | None:
    """Gauss-Jordan over the first independent rows (in order); None below full rank."""
    basis: list[tuple[list[Fraction], Fraction]] = []
    pivots: list[int] = []
    for coeffs, rhs in rows:
        vec, val = list(coeffs), rhs
        for (bvec, bval), col in zip(basis, pivots, strict=True):
            if vec[col]:
                f = vec[col] / bvec[col]
                vec = [a - f * b for a, b in zip(vec, bvec, strict=True)]
                val -= f * bval
        col = next((i for i, a in enumerate(vec) if a), None)
        if col is None:
            continue
        basis.append((vec, val))
        pivots.append(col)
        if len(basis) == n:
            break
    if len(basis) < n:
        return None
    out = [Fraction(0)] * n
    for (vec, val), col in reversed(list(zip(basis, pivots, strict=True))):
        rest = sum(vec[i] * out[i] for i in range(n) if i != col)
        out[col] = (val - rest) / vec[col]
    return out


def learn_prices(states: Iterable[ClaudeCodeCost]) -> dict[str, dict[str, float]]:
    """Per-token prices per model, solved from Claude Code's own per-model figures.

    Each `modelUsage` entry is one equation `sum(tokens[k] * price[k]) = costUSD`; the
    cumulative records of one session and the records of several sessions are different
    equations. Where they do not fix every price (a short session), Anthropic's usual
    ratios to the input price (`RATIOS`) are added, in order, until they do; a model whose
    prices come out negative, or do not reproduce every figure to 1e-9 USD, is not learned.
    """
    eqs: dict[str, list[tuple[dict[str, int], Fraction]]] = {}
    for state in states:
        if state.unknown_model_cost:
            continue
        for model, entry in state.model_usage.items():
            cost = entry.get("costUSD") if isinstance(entry, Mapping) else None
            if isinstance(cost, bool) or not isinstance(cost, (int, float)):
                continue
            eqs.setdefault(model, []).append(
                (model_usage_details(entry), Fraction(repr(float(cost)))))
    learned: dict[str, dict[str, float]] = {}
    for model, rows in eqs.items():
        keys = sorted({k for usage, _ in rows for k, v in usage.items() if v})
        if not keys or "input" not in keys:
            continue
        n = len(keys)
        system = [([Fraction(usage.get(k, 0)) for k in keys], cost) for usage, cost in rows]
        for key, ratio in RATIOS.items():
            if key in keys:
                vec = [Fraction(0)] * n
                vec[keys.index(key)] = Fraction(1)
                vec[keys.index("input")] = -ratio
                system.append((vec, Fraction(0)))
        solved = _solve(system, n)
        if solved is None or any(p < 0 for p in solved):
            continue
        prices = {k: float(p) for k, p in zip(keys, solved, strict=True)}
        if all(abs(sum(usage.get(k, 0) * prices[k] for k in keys) - float(cost)) < 1e-9
               for usage, cost in rows):
            # Round off the float noise of Claude Code's sums: prices are whole millionths
            # of a dollar per million tokens.
            learned[model] = {k: round(v * 1e12) / 1e12 for k, v in prices.items()}
    return learned


