"""Report money figures: cost by token type, the cost-per-turn histogram, cache savings
at the price table's rates, unpriced tokens."""

from __future__ import annotations

import pytest

from cctrace.report.costs import cache_savings, cost_by_token_type, histogram, unpriced
from cctrace.report.data import TURN_COST_EDGES
from report.helpers import generation as _g
from report.helpers import tool as _tool


def test_cost_by_token_type_and_unsplit_totals():
    obs = [_g("t1", "s", 0.5, {"input": 1}, detail={"input": 0.2, "output": 0.3,
                                                    "total": 0.5}),
           _g("t2", "s", 0.4, {"input": 1}, detail={"input": 0.05, "total": 0.05}),
           _g("t3", "s", 1.0, {"input": 1}),  # Claude Code's own total, no split
           _g("t4", "s", None, {"input": 1})]
    got = cost_by_token_type(obs)
    assert list(got) == ["other", "output", "input"]
    assert got == pytest.approx({"other": 1.35, "output": 0.3, "input": 0.25})


def test_cost_per_turn_histogram_bins():
    assert histogram([0.001, 0.01, 0.049, 0.3, 7.0], TURN_COST_EDGES) == [
        ("< $0.01", 1), ("$0.01-$0.05", 2), ("$0.05-$0.10", 0), ("$0.10-$0.25", 0),
        ("$0.25-$0.50", 1), ("$0.50-$1", 0), ("$1-$2", 0), ("$2-$5", 0), (">= $5", 1)]


def test_cache_savings_at_the_price_tables_rates():
    # claude-sonnet-4-5: input $3/M, cache read $0.30/M, 5-minute write $3.75/M, 1h $6/M.
    obs = [_g("t1", "s", 1.0, {"input": 10, "input_cache_read": 1_000_000,
                               "input_cache_creation": 100_000},
              model="claude-sonnet-4-5-20250929"),
           _g("t2", "s", 1.0, {"input_cache_creation_1h": 1_000_000},
              model="claude-sonnet-4-5-20250929"),
           _g("t3", "s", None, {"input_cache_read": 500}, model="no-such-model")]
    s = cache_savings(obs)
    assert s.read_saved == pytest.approx(2.70)
    assert s.write_extra == pytest.approx(0.075 + 3.00)
    assert s.net == pytest.approx(2.70 - 3.075) and s.tokens_left_out == 500


def test_unpriced_tokens_counted_with_their_models():
    obs = [_g("t1", "s", 0.5, {"input": 100}), _g("t2", "s", None, {"input": 30, "output": 5},
                                                  model="x"),
           _g("t3", "s", None, {"input": 7}, model="x"), _tool("Bash", 1)]
    u = unpriced(obs)
    assert (u.tokens, u.total_tokens, u.generations, u.models) == (42, 142, 2, ["x"])
