"""`cctrace sessions` prices in one pass (`store.costscan`) with the very figures the
row-by-row pricing gave: compared byte for byte on a generated store where calls are priced
every way there is (table tiers, model parameters, overrides with tiers, learned prices,
Claude Code's counts covering part of a session, an estimate, unpriced and odd usage)."""

from __future__ import annotations

import copy
import io
import json
import os
from typing import Any

from cctrace.cli import sessions as cli_sessions
from cctrace.store import cost
from cctrace.store.connection import chunks, loads
from cctrace.store.db import Store
from support import coststore


def _reference(store: Store, summaries: list[Any]) -> set[str]:
    """`Costs._add_costs` and the token sums as they were before the one-pass scan (row
    by row, `price_rows`); returns every source a session's cost held."""
    seen: set[str] = set()
    pricing = cost.Pricing.load(os.path.dirname(store.path), store)
    by_id = {s.id: s for s in summaries}
    rows: dict[str, list[dict[str, Any]]] = {sid: [] for sid in by_id}
    for chunk in chunks(list(by_id)):
        marks = ",".join("?" * len(chunk))
        for r in store._read(
            "SELECT t.session_id AS sid, o.model, o.usage, o.start_ns,"
            " o.model_parameters FROM observations o JOIN traces t ON t.id = o.trace_id"
            f" WHERE t.session_id IN ({marks}) AND o.type = 'generation'", chunk,
        ):
            rows[r["sid"]].append({"model": r["model"], "usage": loads(r["usage"], {}),
                                   "start_ns": r["start_ns"],
                                   "model_parameters": loads(r["model_parameters"])})
        for r in store._read(  # `Sessions._add_totals`' token sums as they were
            "SELECT t.session_id AS sid, u.key AS kind, SUM(u.value) AS n"
            " FROM observations o JOIN traces t ON t.id = o.trace_id,"
            " json_each(o.usage) u"
            f" WHERE t.session_id IN ({marks}) AND o.type = 'generation'"
            " AND o.usage IS NOT NULL AND u.type = 'integer'"
            " GROUP BY t.session_id, u.key ORDER BY u.key", chunk,
        ):
            by_id[r["sid"]].tokens[r["kind"]] = r["n"]
    states = store.latest_cost_states(list(by_id))
    for sid, summary in by_id.items():
        state = states.get(sid)
        priced = cost.price_rows(rows[sid], pricing, state)
        seen |= set(priced.by_source)
        summary.cost, summary.cost_source = priced.cost, priced.source
        summary.unpriced_tokens = priced.unpriced_tokens
        summary.unpriced_models = priced.unpriced_models
        if state is not None and priced.by_source.keys() & {"claude-code", "estimate"}:
            summary.claude_code = {"cost_usd": state.own_usd, "tokens": state.tokens()}
    return seen


def test_one_pass_gives_the_row_by_row_figures_to_the_byte(tmp_path):
    state = str(tmp_path / "state")
    coststore.build(state, generations=6000, sessions=30)
    with Store.open(state, cipher=None) as store:
        fast = store.sessions()
        slow = copy.deepcopy(fast)
        for s in slow:
            s.cost = s.cost_source = s.claude_code = None
            s.unpriced_tokens, s.unpriced_models, s.tokens = 0, [], {}
        seen = _reference(store, slow)
    # The generated store exercises every source, Claude Code's counts and unpriced tokens.
    assert seen == {"table", "override", "claude-code", "estimate"}
    assert {s.cost_source for s in fast} == {"table", "estimate"}  # the weakest one held
    assert sum(1 for s in fast if s.claude_code) == 6
    assert all(s.unpriced_tokens for s in fast)
    as_json = [json.dumps([s.to_dict() for s in rows], indent=2) for rows in (fast, slow)]
    assert as_json[0] == as_json[1]
    tables = []
    for rows in (fast, slow):
        out = io.StringIO()
        out.write("\n".join(cli_sessions.sessions_table(rows)))
        tables.append(out.getvalue())
    assert tables[0] == tables[1]


def test_a_learned_price_covers_only_the_keys_it_knows(tmp_path):
    """A call using a key the learned prices lack is unpriced, as before."""
    from cctrace.store import costscan

    pricing = cost.Pricing(learned={"m": {"input": 1e-6, "output": 2e-6}})
    plan = costscan.make_plan(pricing, "m", None)
    assert costscan.price_counts(plan, pricing, "m", (10, 5, 0, 0)) == (
        10 * 1e-6 + 5 * 2e-6, "claude-code")
    assert costscan.price_counts(plan, pricing, "m", (10, 5, 3, 0)) is None
    none = costscan.make_plan(cost.Pricing(), "m", None)
    assert costscan.price_counts(none, cost.Pricing(), "m", (0, 0, 0, 0)) is None
