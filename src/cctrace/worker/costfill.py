"""Costs learned after export: price what was sent without a price, and send it again.

A model the price table lacks is priced from Claude Code's own `cost-state` records
(`cost.learn_prices`), which 2.1.x writes at the end of a run, after the run's turns were
stored and queued for export; and a first record alone can leave prices to Anthropic's
usual ratios, which a later record corrects. So two things happen here. `batch_pricing`
prices a batch with the counts that batch itself holds (a transcript read that already
reaches the record); `backfill` runs when stored counts change what was learned for a
model: its stored generations without a cost, or with a learned one, are priced again (the
row rewritten, with an audit entry committing to the new row, as a re-redaction does) and
returned to be enqueued again. The re-sent span keeps its ids and its start and end
times, so Langfuse replaces the observation it holds (its events table keeps one row per
span id and start time, the newest write winning; the legacy path merges by id), never
adds a second one.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from cctrace.config import Config
from cctrace.model.types import Observation, Trace
from cctrace.store.cost import (
    CLAUDE_CODE,
    ClaudeCodeCost,
    Pricing,
    learn_prices,
    learned_from,
)


def batch_pricing(store: Any, cfg: Config, fresh: Iterable[ClaudeCodeCost]) -> Pricing:
    """The config's overrides and the prices learned from the store's counts plus `fresh`
    (the counts of the batch being priced, not stored yet)."""
    overrides = tuple(getattr(cfg, "prices", ()) or ())
    fresh = list(fresh)
    learned = learned_from(store)
    if fresh:
        learned = {**learned, **learn_prices([*store.cost_states(), *fresh])}
    return Pricing(overrides, learned)


def backfill(store: Any, cfg: Config, before: Mapping[str, Mapping[str, float]]
             ) -> list[tuple[Trace, list[Observation]]]:
    """Price again the stored generations of models whose learned prices changed since
    `before` (the learned prices before this batch's counts were stored): those that had
    no cost, or whose cost came from learned prices, and now cost something else. Returns
    them with their traces, for `outbox.enqueue`. Call inside the batch's transaction,
    after its counts are stored."""
    pricing = Pricing(tuple(getattr(cfg, "prices", ()) or ()), learned_from(store))
    models = sorted(m for m, p in pricing.learned.items() if before.get(m) != p)
    if not models:
        return []
    priced: list[Observation] = []
    for obs in store.generations_of(models):
        if obs.cost is not None and (obs.metadata or {}).get("cost_source") != CLAUDE_CODE:
            continue  # an override's or the table's figure: learning does not change it
        got = pricing.price(obs.model, obs.usage or {}, obs.start_ns, obs.model_parameters,
                            obs.metadata)
        if got is None or got[0] == obs.cost:
            continue
        obs.cost, source = got
        obs.metadata = {**(obs.metadata or {}), "cost_source": source}
        priced.append(obs)
    if not priced:
        return []
    written = store.set_costs(priced)
    _audit(store, cfg, written)
    by_trace: dict[str, list[Observation]] = {}
    for obs in priced:
        by_trace.setdefault(obs.trace_id, []).append(obs)
    pairs = []
    for trace_id, observations in by_trace.items():
        trace = store.export_trace(trace_id)
        if trace is not None:
            pairs.append((trace, observations))
    return pairs


def _audit(store: Any, cfg: Config, written: list[dict[str, Any]]) -> None:
    # The audit log commits to each rewritten row, so `cctrace verify` takes the new cost
    # as written by cctrace (marked `cost`), not as a change behind its back.
    if not written or not cfg.state_dir:
        return
    from cctrace import audit
    from cctrace.audit.log import AuditEntry

    entries = [AuditEntry(kind="observation", subject=w["id"], digest=w["digest"],
                          session_id=w["session_id"], trace_id=w["trace_id"],
                          time_ns=w["start_ns"],
                          detail={"type": w["type"], "name": str(w["name"])[:64], "d": 1,
                                  "cost": 1})
               for w in written]
    audit.record_in(store, cfg.state_dir, entries, cfg)
