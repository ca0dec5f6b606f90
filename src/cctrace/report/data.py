"""Aggregation of the store's facts into a `Report` (pure, apart from `load_report`).

Every figure is derived from the rows `Store.report_facts` returns (generations and tools,
no content) and from `Store.findings` when the store has findings. Each generation is
counted and priced by `cctrace.report.usage` (the layer `cctrace usage` reads too): tokens
are the sum of its integer usage counts (as `cctrace sessions` sums them), cost its stored
`cost_total`, unpriced tokens those of generations without a cost; and the cache hit
ratio is cache-read input tokens over all input tokens (fresh input + cache read + cache
writes). Days are calendar days in the given time zone.
"""

from __future__ import annotations

import math
import sqlite3
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta, tzinfo
from typing import Any

from cctrace.report import usage as usage_layer

# Usage keys that count input tokens; their sum is the denominator of the cache hit ratio.
CACHE_READ = "input_cache_read"
INPUT_KEYS = ("input", "input_cache_read", "input_cache_creation", "input_cache_creation_1h")
SLOWEST = 10
FINDINGS_SHOWN = 50


@dataclass
class Bucket:
    """Totals of one group (a day, a project, a model)."""

    key: str
    cost: float = 0.0
    tokens: dict[str, int] = field(default_factory=dict)
    generations: int = 0
    turns: int = 0
    sessions: int = 0
    priced: bool = False  # at least one generation had a cost
    unpriced_tokens: int = 0  # tokens of generations without a cost

    @property
    def total_tokens(self) -> int:
        return sum(self.tokens.values())

    @property
    def cache_hit_ratio(self) -> float | None:
        return cache_hit_ratio(self.tokens)


@dataclass
class ToolStats:
    """One tool's calls, failures and durations (milliseconds)."""

    name: str
    calls: int = 0
    failures: int = 0
    total_ms: float = 0.0
    p50_ms: float = 0.0
    p95_ms: float = 0.0
    max_ms: float = 0.0

    @property
    def failure_rate(self) -> float:
        return self.failures / self.calls if self.calls else 0.0

    @property
    def mean_ms(self) -> float:
        return self.total_ms / self.calls if self.calls else 0.0


@dataclass
class SlowCall:
    name: str
    duration_ms: float
    session_id: str
    project: str | None
    start_ns: int
    failed: bool


@dataclass
class Report:
    """Everything `cctrace report` shows; `to_dict` is its JSON form."""

    since_ns: int | None
    until_ns: int | None
    generated_ns: int
    totals: Bucket
    tool_calls: int
    tool_failures: int
    by_day: list[Bucket]
    by_project: list[Bucket]
    by_model: list[Bucket]
    tools: list[ToolStats]
    slowest_calls: list[SlowCall]
    findings: list[dict[str, Any]]
    findings_by_severity: dict[str, int]
    findings_available: bool

    @property
    def empty(self) -> bool:
        return not (self.totals.generations or self.tool_calls or self.totals.turns)

    def to_dict(self) -> dict[str, Any]:
        def bucket(b: Bucket) -> dict[str, Any]:
            return {**asdict(b), "total_tokens": b.total_tokens,
                    "cache_hit_ratio": b.cache_hit_ratio}

        return {
            "since_ns": self.since_ns, "until_ns": self.until_ns,
            "generated_ns": self.generated_ns, "totals": bucket(self.totals),
            "tool_calls": self.tool_calls, "tool_failures": self.tool_failures,
            "by_day": [bucket(b) for b in self.by_day],
            "by_project": [bucket(b) for b in self.by_project],
            "by_model": [bucket(b) for b in self.by_model],
            "tools": [{**asdict(t), "failure_rate": t.failure_rate, "mean_ms": t.mean_ms}
                      for t in self.tools],
            "slowest_calls": [asdict(c) for c in self.slowest_calls],
            "findings": self.findings, "findings_by_severity": self.findings_by_severity,
            "findings_available": self.findings_available,
        }


def cache_hit_ratio(tokens: Mapping[str, int]) -> float | None:
    """Cache-read input tokens over all input tokens; None without input tokens."""
    total = sum(tokens.get(k, 0) for k in INPUT_KEYS)
    return tokens.get(CACHE_READ, 0) / total if total else None


def percentile(sorted_values: list[float], q: float) -> float:
    """Nearest-rank percentile of an ascending list (0 for an empty one)."""
    if not sorted_values:
        return 0.0
    rank = max(1, math.ceil(q * len(sorted_values)))
    return sorted_values[min(rank, len(sorted_values)) - 1]


def day_of(ns: int, tz: tzinfo | None) -> str:
    """The calendar day of `ns` in `tz` (None: local), as `cctrace usage daily` labels it."""
    return usage_layer.period_key(ns, "daily", tz)


def _add_generation(bucket: Bucket, row: Mapping[str, Any]) -> None:
    """Count one generation row into `bucket`, through the usage layer's counting and
    pricing (so `report` and `usage` cannot disagree)."""
    bucket.generations += 1
    for kind, n in usage_layer.generation_tokens(row).items():
        bucket.tokens[kind] = bucket.tokens.get(kind, 0) + n
    cost, _, unpriced = usage_layer.generation_cost(row)
    bucket.unpriced_tokens += unpriced
    if cost is not None:
        bucket.cost += cost
        bucket.priced = True


def _days_between(first: str, last: str) -> list[str]:
    start = datetime.strptime(first, "%Y-%m-%d")
    end = datetime.strptime(last, "%Y-%m-%d")
    if (end - start).days > 366:  # a sparse, long range: only the days with activity
        return []
    return [(start + timedelta(days=i)).strftime("%Y-%m-%d")
            for i in range((end - start).days + 1)]


def _finding_dict(f: Any) -> dict[str, Any]:
    return {
        "id": getattr(f, "id", None), "kind": getattr(f, "kind", None),
        "rule_id": getattr(f, "rule_id", None), "severity": getattr(f, "severity", "info"),
        "title": getattr(f, "title", ""), "time_ns": getattr(f, "time_ns", 0),
        "session_id": getattr(f, "session_id", None),
    }


def build_report(
    facts: Mapping[str, list[dict[str, Any]]],
    findings: Iterable[Any] | None = None,
    *,
    since_ns: int | None = None,
    until_ns: int | None = None,
    generated_ns: int = 0,
    tz: tzinfo | None = None,
) -> Report:
    """The report of `facts` (as `Store.report_facts` returns them) and `findings`."""
    totals = Bucket("total")
    days: dict[str, Bucket] = {}
    projects: dict[str, Bucket] = {}
    models: dict[str, Bucket] = {}
    durations: dict[str, list[float]] = {}
    tools: dict[str, ToolStats] = {}
    calls: list[SlowCall] = []
    sessions_of: dict[str, set[str]] = {}

    def group(table: dict[str, Bucket], key: str) -> Bucket:
        return table.setdefault(key, Bucket(key))

    for row in facts.get("observations", []):
        project = row.get("project") or "(unknown)"
        sessions_of.setdefault(project, set()).add(row["session_id"])
        if row["type"] == "generation":
            for b in (totals, group(days, day_of(row["start_ns"], tz)), group(projects, project),
                      group(models, row.get("model") or row.get("name") or "(unknown)")):
                _add_generation(b, row)
        elif row["type"] == "tool":
            name = row.get("name") or "(unnamed)"
            ms = max(row["end_ns"] - row["start_ns"], 0) / 1e6
            failed = row.get("level") == "ERROR"
            stats = tools.setdefault(name, ToolStats(name))
            stats.calls += 1
            stats.failures += failed
            stats.total_ms += ms
            durations.setdefault(name, []).append(ms)
            calls.append(SlowCall(name, ms, row["session_id"], row.get("project"),
                                  row["start_ns"], failed))
    all_sessions: set[str] = set()
    for row in facts.get("traces", []):
        project = row.get("project") or "(unknown)"
        all_sessions.add(row["session_id"])
        sessions_of.setdefault(project, set()).add(row["session_id"])
        totals.turns += 1
        group(days, day_of(row["start_ns"], tz)).turns += 1
        group(projects, project).turns += 1
    for row in facts.get("observations", []):
        all_sessions.add(row["session_id"])
    totals.sessions = len(all_sessions)
    for project, bucket in projects.items():
        bucket.sessions = len(sessions_of.get(project, ()))
    for name, values in durations.items():
        values.sort()
        stats = tools[name]
        stats.p50_ms = percentile(values, 0.5)
        stats.p95_ms = percentile(values, 0.95)
        stats.max_ms = values[-1]

    by_day = [days[k] for k in sorted(days)]
    if by_day:  # days without activity are shown as zero, not skipped
        filled = _days_between(by_day[0].key, by_day[-1].key)
        if filled:
            by_day = [days.get(d) or Bucket(d) for d in filled]

    def by_cost(table: dict[str, Bucket]) -> list[Bucket]:
        return sorted(table.values(), key=lambda b: (-b.cost, -b.total_tokens, b.key))

    found = [_finding_dict(f) for f in findings] if findings is not None else []
    found = [f for f in found
             if (since_ns is None or f["time_ns"] >= since_ns)
             and (until_ns is None or f["time_ns"] < until_ns)]
    severity_count: dict[str, int] = {}
    for f in found:
        severity_count[f["severity"]] = severity_count.get(f["severity"], 0) + 1
    calls.sort(key=lambda c: (-c.duration_ms, c.start_ns))
    return Report(
        since_ns=since_ns, until_ns=until_ns, generated_ns=generated_ns, totals=totals,
        tool_calls=sum(t.calls for t in tools.values()),
        tool_failures=sum(t.failures for t in tools.values()),
        by_day=by_day, by_project=by_cost(projects), by_model=by_cost(models),
        tools=sorted(tools.values(), key=lambda t: (-t.calls, t.name)),
        slowest_calls=calls[:SLOWEST],
        findings=found[:FINDINGS_SHOWN], findings_by_severity=severity_count,
        findings_available=findings is not None,
    )


def load_report(
    store: Any,
    since_ns: int | None = None,
    until_ns: int | None = None,
    *,
    now_ns: int = 0,
    tz: tzinfo | None = None,
) -> Report:
    """Read the store's facts (and findings, when the store has them) into a `Report`."""
    facts = store.report_facts(since_ns, until_ns)
    findings_of = getattr(store, "findings", None)
    findings = None
    if callable(findings_of):
        try:
            findings = findings_of()
        except sqlite3.OperationalError:  # a store from before the findings table
            findings = None
    return build_report(facts, findings, since_ns=since_ns, until_ns=until_ns,
                        generated_ns=now_ns, tz=tz)
