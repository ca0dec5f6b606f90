"""Usage rows: the one query layer behind `cctrace usage`, `report` totals and the statusline.

Pure functions over the generation facts `Store.report_facts` returns (subagent and every
other generation of a session included, whatever its nesting). A generation's cost and its
unpriced tokens come from `generation_cost` only, so a change in how cost is stored or
derived (`cctrace.store.cost`) reaches every view at once. Tokens are split into four
types: input, output, cache read and cache write (5-minute and 1-hour writes together);
any other integer usage key is counted under `other`.

Periods: calendar day, ISO week (Monday first, `2026-W05`) and month in a chosen time zone,
session, and 5-hour block. Blocks follow ccusage: a block starts at the hour (UTC hour
boundary, which is the local one in whole-hour zones) of its first generation and ends five
hours later; a generation five hours or more after the block's start, or after the previous
generation, opens a new block. The burn rate of a block is its cost (tokens) over the time
between its first and last generation, per hour (per minute); the projection adds that rate
over the time left until the block ends.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, tzinfo
from typing import Any

HOUR_NS = 3600 * 10**9
BLOCK_NS = 5 * HOUR_NS
TOKEN_TYPES = ("input", "output", "cache_read", "cache_write")
PERIODS = ("daily", "weekly", "monthly", "session", "blocks")

# Langfuse usage keys (transcript.records.usage_details) -> the four token types.
_TYPE_OF = {
    "input": "input", "output": "output", "input_cache_read": "cache_read",
    "input_cache_creation": "cache_write", "input_cache_creation_1h": "cache_write",
}


def token_type(key: str) -> str:
    """The token type of a usage key (`other` for a key outside the four)."""
    return _TYPE_OF.get(key, "other")


def _count(value: Any) -> int | None:
    # bool is an int subclass; a JSON true is not a token count.
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def generation_tokens(row: Mapping[str, Any]) -> dict[str, int]:
    """The usage counts of one generation row, by usage key (integers only)."""
    usage = row.get("usage")
    if not isinstance(usage, Mapping):
        return {}
    return {k: n for k, v in usage.items() if (n := _count(v)) is not None}


def generation_cost(row: Mapping[str, Any]) -> tuple[float | None, dict[str, float], int]:
    """(total USD or None, USD by token type, unpriced tokens) of one generation row.

    The single place every view prices a generation: the total is the row's `cost_total`,
    which `Store.report_facts` sets to the call's price when read (`cctrace.store.cost`:
    Claude Code's own count, `[prices]`, the table, learned prices); a generation without
    one has all its tokens unpriced. The per-type split comes from the per-key cost;
    whatever of the total no key explains is `other`.
    """
    total = row.get("cost_total")
    if isinstance(total, bool) or not isinstance(total, (int, float)):
        return None, {}, sum(generation_tokens(row).values())
    by_type: dict[str, float] = {}
    detail = row.get("cost")
    if isinstance(detail, Mapping):
        for key, value in detail.items():
            if key == "total" or isinstance(value, bool) or not isinstance(value, (int, float)):
                continue
            kind = token_type(key)
            by_type[kind] = by_type.get(kind, 0.0) + float(value)
    rest = float(total) - sum(by_type.values())
    if abs(rest) > 1e-12:
        by_type["other"] = by_type.get("other", 0.0) + rest
    return float(total), by_type, 0


Parts = tuple[dict[str, int], "float | None", dict[str, float], int]


def generation_parts(row: Mapping[str, Any]) -> Parts:
    """(usage counts by key, cost total, cost by token type, unpriced tokens) of a row."""
    total, by_type, unpriced = generation_cost(row)
    return generation_tokens(row), total, by_type, unpriced


@dataclass
class Totals:
    """Tokens and cost of a set of generations."""

    generations: int = 0
    tokens: dict[str, int] = field(default_factory=dict)      # by token type
    usage: dict[str, int] = field(default_factory=dict)       # by raw usage key
    cost: float = 0.0
    cost_by_type: dict[str, float] = field(default_factory=dict)
    unpriced_tokens: int = 0
    priced: bool = False  # at least one generation had a cost

    @property
    def total_tokens(self) -> int:
        return sum(self.tokens.values())

    def add(self, row: Mapping[str, Any], parts: Parts | None = None) -> None:
        """Count one generation row in (`parts`: its `parts(row)`, when already known)."""
        usage, total, by_type, unpriced = parts or generation_parts(row)
        self.generations += 1
        for key, n in usage.items():
            self.usage[key] = self.usage.get(key, 0) + n
            kind = token_type(key)
            self.tokens[kind] = self.tokens.get(kind, 0) + n
        self.unpriced_tokens += unpriced
        if total is not None:
            self.priced = True
            self.cost += total
            for kind, usd in by_type.items():
                self.cost_by_type[kind] = self.cost_by_type.get(kind, 0.0) + usd

    def to_dict(self) -> dict[str, Any]:
        return {
            "generations": self.generations,
            "tokens": {k: self.tokens.get(k, 0) for k in _types(self.tokens)},
            "total_tokens": self.total_tokens,
            "cost": self.cost if self.priced else None,
            "cost_by_type": {k: self.cost_by_type.get(k, 0.0)
                             for k in _types(self.cost_by_type)} if self.priced else {},
            "unpriced_tokens": self.unpriced_tokens,
        }


def _types(seen: Mapping[str, Any]) -> list[str]:
    return list(TOKEN_TYPES) + sorted(k for k in seen if k not in TOKEN_TYPES)


@dataclass
class UsageRow:
    """One period (day, week, month, session or block) with its totals, per model too."""

    key: str
    start_ns: int
    end_ns: int                      # last generation's start (blocks: the block's end)
    totals: Totals = field(default_factory=Totals)
    models: dict[str, Totals] = field(default_factory=dict)
    sessions: set[str] = field(default_factory=set)
    projects: set[str] = field(default_factory=set)
    first_ns: int = 0                # first and last generation in the row
    last_ns: int = 0
    active: bool = False             # blocks: the block `now` falls in

    def add(self, row: Mapping[str, Any]) -> None:
        ns = int(row["start_ns"])
        if not self.totals.generations:
            self.first_ns = self.last_ns = ns
        self.first_ns, self.last_ns = min(self.first_ns, ns), max(self.last_ns, ns)
        parts = generation_parts(row)
        self.totals.add(row, parts)
        self.models.setdefault(model_of(row), Totals()).add(row, parts)
        self.sessions.add(str(row.get("session_id") or ""))
        self.projects.add(project_of(row))

    def burn(self) -> tuple[float, float] | None:
        """(USD per hour, tokens per minute) between the first and last generation; None
        when they are at the same instant (a rate needs a duration)."""
        span = self.last_ns - self.first_ns
        if span <= 0:
            return None
        return self.totals.cost * HOUR_NS / span, self.totals.total_tokens * 60e9 / span

    def projection(self, now_ns: int) -> float | None:
        """Cost at the block's end if the burn rate holds (active blocks only)."""
        rate = self.burn()
        if not self.active or rate is None:
            return None
        return self.totals.cost + rate[0] * max(self.end_ns - now_ns, 0) / HOUR_NS

    def to_dict(self, breakdown: bool = False, now_ns: int | None = None) -> dict[str, Any]:
        doc: dict[str, Any] = {"key": self.key, "start_ns": self.start_ns,
                               "end_ns": self.end_ns, "first_ns": self.first_ns,
                               "last_ns": self.last_ns, **self.totals.to_dict(),
                               "models": sorted(self.models),
                               "sessions": len(self.sessions),
                               "projects": sorted(self.projects)}
        if self.key.startswith("block "):
            rate = self.burn()
            doc["active"] = self.active
            doc["cost_per_hour"] = rate[0] if rate else None
            doc["tokens_per_minute"] = rate[1] if rate else None
            if now_ns is not None:
                doc["projected_cost"] = self.projection(now_ns)
        if breakdown:
            doc["by_model"] = {m: t.to_dict() for m, t in sorted(self.models.items())}
        return doc


def model_of(row: Mapping[str, Any]) -> str:
    return str(row.get("model") or row.get("name") or "(unknown)")


def project_of(row: Mapping[str, Any]) -> str:
    return str(row.get("project") or "(unknown)")


def generations(facts: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The generation rows of `Store.report_facts`, oldest first."""
    rows = [r for r in facts.get("observations", []) if r.get("type") == "generation"]
    return sorted(rows, key=lambda r: int(r["start_ns"]))


def select(rows: Iterable[Mapping[str, Any]], project: str | None = None,
           model: str | None = None) -> list[Mapping[str, Any]]:
    """Rows of a project whose name contains `project` and a model whose id contains
    `model` (both ignoring case)."""
    p = (project or "").strip().lower()
    m = (model or "").strip().lower()
    return [r for r in rows
            if (not p or p in project_of(r).lower()) and (not m or m in model_of(r).lower())]


def period_key(ns: int, period: str, tz: tzinfo | None) -> str:
    """The label of the day, ISO week or month holding `ns` in `tz` (None: local)."""
    # Naive local time when no zone is given: the same day as an aware local time, and
    # without asking the system for its zone on every row.
    dt = datetime.fromtimestamp(ns / 1e9, tz) if tz is not None else datetime.fromtimestamp(
        ns / 1e9)
    if period == "daily":
        return dt.strftime("%Y-%m-%d")
    if period == "weekly":
        year, week, _ = dt.isocalendar()
        return f"{year}-W{week:02d}"
    if period == "monthly":
        return dt.strftime("%Y-%m")
    raise ValueError(f"not a calendar period: {period!r}")


def total(rows: Iterable[Mapping[str, Any]]) -> Totals:
    out = Totals()
    for row in rows:
        out.add(row)
    return out


def totals_by_session(rows: Iterable[Mapping[str, Any]]) -> dict[str, Totals]:
    """Totals per session id (no per-model split: the statusline summary's need)."""
    out: dict[str, Totals] = {}
    for row in rows:
        out.setdefault(str(row.get("session_id") or ""), Totals()).add(row)
    return out


def by_period(rows: Iterable[Mapping[str, Any]], period: str,
              tz: tzinfo | None = None) -> list[UsageRow]:
    """Rows per day / week / month (oldest first) or per session (most expensive first)."""
    groups: dict[str, UsageRow] = {}
    for row in rows:
        ns = int(row["start_ns"])
        key = (str(row.get("session_id") or "") if period == "session"
               else period_key(ns, period, tz))
        group = groups.get(key)
        if group is None:
            group = groups[key] = UsageRow(key, ns, ns)
        group.add(row)
        group.start_ns, group.end_ns = group.first_ns, group.last_ns
    if period == "session":
        return sorted(groups.values(),
                      key=lambda g: (-g.totals.cost, -g.totals.total_tokens, g.key))
    return [groups[k] for k in sorted(groups)]


def blocks(rows: Iterable[Mapping[str, Any]], now_ns: int) -> list[UsageRow]:
    """5-hour blocks, oldest first (see the module docstring); the one `now_ns` falls in
    (before its end, under five hours after its last generation) is `active`."""
    out: list[UsageRow] = []
    current: UsageRow | None = None
    for row in sorted(rows, key=lambda r: int(r["start_ns"])):
        ns = int(row["start_ns"])
        if current is None or ns - current.start_ns >= BLOCK_NS or ns - current.last_ns >= BLOCK_NS:
            start = ns - ns % HOUR_NS
            current = UsageRow("block " + _iso_utc(start), start, start + BLOCK_NS)
            out.append(current)
        current.add(row)
    if current is not None:
        current.active = now_ns < current.end_ns and now_ns - current.last_ns < BLOCK_NS
    return out


def _iso_utc(ns: int) -> str:
    from datetime import timezone

    return datetime.fromtimestamp(ns // 10**9, timezone.utc).strftime("%Y-%m-%dT%H:%MZ")


def largest_block_cost(rows: list[UsageRow]) -> float | None:
    """The cost of the most expensive block that is over (a local estimate of a limit)."""
    done = [b.totals.cost for b in rows if not b.active and b.totals.priced]
    return max(done) if done else None


def ceil_minutes(ns: int) -> int:
    return int(math.ceil(max(ns, 0) / 60e9))
