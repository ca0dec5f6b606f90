"""Where each dollar comes from: overrides, the table, prices learned from Claude Code's own
counts; `price_rows` (the one function views call) and its "N tokens of M unpriced".
Figures are hand-computed; Claude Code's are those of the recorded 2.1.328 `multi_turn`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cctrace import config as config_mod
from cctrace.model.types import Observation, Trace
from cctrace.store import cost

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "transcripts" / "multi_turn"


def _cost_states() -> list[cost.ClaudeCodeCost]:
    meta = json.loads((FIXTURE / "scenario.json").read_text())
    lines = (FIXTURE / meta["transcript"]).read_text().splitlines()
    records = [json.loads(line) for line in lines if line.strip()]
    return [cost.ClaudeCodeCost.from_record(r) for r in records if r["type"] == "cost-state"]


# ------------------------------------------------------------------ learning from Claude Code


def test_opus_5_5_prices_solved_exactly_from_claude_codes_own_counts():
    states = _cost_states()
    assert [s.total_usd for s in states] == [0.008048, 0.017748, 0.023152]
    # $4 / $20 / $0.20 / $5 per million input / output / cache read / cache write tokens.
    assert cost.learn_prices(states) == {"claude-opus-5-5": {
        "input": 4e-06, "output": 2e-05, "input_cache_read": 2e-07,
        "input_cache_creation": 5e-06}}


def test_learned_prices_reproduce_every_count_and_bad_counts_teach_nothing():
    states = _cost_states()
    learned = cost.learn_prices(states)["claude-opus-5-5"]
    for state in states:
        usage = state.usage_of("claude-opus-5-5")
        assert sum(n * learned[k] for k, n in usage.items()) == pytest.approx(
            state.total_usd, abs=1e-12)
    unknown = cost.ClaudeCodeCost(1.0, {"m": {"inputTokens": 10, "costUSD": 1.0}}, True)
    negative = cost.ClaudeCodeCost(0.0, {"m": {"inputTokens": 10, "outputTokens": 10,
                                               "costUSD": -1.0}})
    assert cost.learn_prices([unknown]) == {} and cost.learn_prices([negative]) == {}
    # Two counts that contradict each other (same tokens, other cost) are not learned.
    a = cost.ClaudeCodeCost(1, {"m": {"inputTokens": 10, "costUSD": 0.001}})
    b = cost.ClaudeCodeCost(1, {"m": {"inputTokens": 20, "costUSD": 0.001}})
    assert cost.learn_prices([a]) == {"m": {"input": 1e-4}}
    assert cost.learn_prices([a, b]) == {}


def test_model_usage_splits_one_hour_cache_writes_from_the_rest():
    entry = {"inputTokens": 5, "outputTokens": 7, "cacheReadInputTokens": 11,
             "cacheCreationInputTokens": 100, "cacheCreationEphemeral1hInputTokens": 30,
             "costUSD": 0.1}
    assert cost.model_usage_details(entry) == {
        "input": 5, "output": 7, "input_cache_read": 11, "input_cache_creation_1h": 30,
        "input_cache_creation": 70}


def test_a_forks_own_count_leaves_its_parents_out():
    parent = cost.ClaudeCodeCost(0.03, {"m": {"inputTokens": 100, "outputTokens": 10,
                                              "costUSD": 0.03}})
    fork = cost.ClaudeCodeCost(0.035, {"m": {"inputTokens": 120, "outputTokens": 10,
                                             "costUSD": 0.035}}).forked_from(parent)
    assert fork.own_usd == pytest.approx(0.005, abs=1e-15)
    assert fork.tokens() == {"m": {"input": 20}}


# ------------------------------------------------------------------ overrides


def test_overrides_with_default_cache_prices_and_a_tier():
    (o,) = cost.parse_overrides({"claude-opus-5-*": {
        "input": 4, "output": 20, "cache_read": 0.2,
        "tiers": [{"above_input_tokens": 200_000, "input": 8, "output": 30}]}})
    assert o.matches("CLAUDE-OPUS-5-5") and not o.matches("claude-opus-4-5")
    assert o.prices == pytest.approx({"input": 4e-6, "output": 2e-5, "input_cache_read": 2e-7,
                                      "input_cache_creation": 5e-6,
                                      "input_cache_creation_1h": 8e-6})
    pricing = cost.Pricing((o,))
    small = {"input": 1000, "output": 100, "input_cache_read": 10_000}
    got, source = pricing.price("claude-opus-5-5", small)
    assert source == "override"
    assert got["total"] == pytest.approx(0.004 + 0.002 + 0.002)
    big = {"input": 150_000, "input_cache_read": 60_000, "output": 100}
    got, _ = pricing.price("claude-opus-5-5", big)
    # above 200k input tokens: input 8, output 30, cache read still 0.2 (not overridden)
    assert got["total"] == pytest.approx(150_000 * 8e-6 + 60_000 * 2e-7 + 100 * 3e-5)


def test_an_override_beats_the_table():
    (o,) = cost.parse_overrides({"claude-sonnet-4-5-20250929": {"input": 1, "output": 2}})
    got, source = cost.Pricing((o,)).price("claude-sonnet-4-5-20250929", {"input": 10**6})
    assert (got["total"], source) == (1.0, "override")
    got, source = cost.Pricing().price("claude-sonnet-4-5-20250929", {"input": 10**6})
    assert (got["total"], source) == (pytest.approx(3.0), "table")


@pytest.mark.parametrize(("raw", "message"), [
    ([1], "[prices] must be a table of models"),
    ({"m": 3}, "[prices.m] must be a table (input = ..., output = ...)"),
    ({"m": {"input": 1}}, "prices.m: output is required (USD per million tokens)"),
    ({"m": {"input": 1, "output": "2"}},
     "prices.m.output must be a number of USD per million tokens (0 or more), not '2'"),
    ({"m": {"input": -1, "output": 2}},
     "prices.m.input must be a number of USD per million tokens (0 or more), not -1"),
    ({"m": {"input": 1, "output": 2, "cache_reads": 1}},
     "prices.m: unknown field 'cache_reads'; use input, output, cache_read, cache_write, "
     "cache_write_1h (USD per million tokens)"),
    ({"m": {"input": 1, "output": 2, "tiers": {"above_input_tokens": 1}}},
     "prices.m.tiers must be an array of tables ([[prices.m.tiers]])"),
    ({"m": {"input": 1, "output": 2, "tiers": [{"input": 3}]}},
     "prices.m.tiers[1].above_input_tokens must be a whole number of tokens (0 or more), "
     "not None"),
])
def test_bad_prices_are_refused_with_the_reason(raw, message):
    with pytest.raises(cost.PriceError) as err:
        cost.parse_overrides(raw)
    assert str(err.value) == message


def test_config_file_prices_loaded_and_errors_name_the_file(tmp_path):
    path = tmp_path / "config.toml"
    path.write_text('[prices."claude-opus-5-5"]\ninput = 4\noutput = 20\n')
    cfg = config_mod.load(str(tmp_path), keychain=False)
    assert [o.pattern for o in cfg.prices] == ["claude-opus-5-5"]
    path.write_text('[prices."claude-opus-5-5"]\ninput = 4\n')
    with pytest.raises(config_mod.ConfigError) as err:
        config_mod.load(str(tmp_path), keychain=False)
    assert str(err.value) == (f"{path}: prices.claude-opus-5-5: output is required "
                              "(USD per million tokens)")


# ------------------------------------------------------------------ price_rows


def test_price_rows_counts_unpriced_tokens_and_names_their_models():
    rows = [{"model": "claude-sonnet-4-5-20250929", "usage": {"input": 1000, "output": 100}},
            {"model": "claude-opus-5-5", "usage": {"input": 30, "output": 20}},
            {"model": None, "usage": {"input": 5}}]
    got = cost.price_rows(rows)
    assert got.cost == pytest.approx(0.003 + 0.0015)
    assert (got.source, got.total_tokens, got.unpriced_tokens) == ("table", 1155, 55)
    assert got.unpriced_models == ["claude-opus-5-5", "(no model)"]
    assert got.notice() == "55 tokens of 1155 unpriced (claude-opus-5-5, (no model))"
    learned = cost.Pricing(learned=cost.learn_prices(_cost_states()))
    got = cost.price_rows(rows, learned)
    # opus-5-5 now at Claude Code's own prices; the weakest source names the total.
    assert got.by_source == pytest.approx({"table": 0.0045, "claude-code": 30 * 4e-6 + 20 * 2e-5})
    assert (got.source, got.unpriced_tokens, got.notice()) == ("table", 5,
                                                                "5 tokens of 1155 unpriced "
                                                                "((no model))")


def test_price_rows_takes_claude_codes_count_for_the_calls_it_covers():
    state = cost.ClaudeCodeCost(0.5, {}, False, time_ns=100)
    rows = [{"model": "claude-opus-5-5", "usage": {"input": 10}, "start_ns": 50},
            {"model": "claude-sonnet-4-5-20250929", "usage": {"input": 1000}, "start_ns": 200}]
    got = cost.price_rows(rows, claude_code=state)
    assert got.cost == pytest.approx(0.5 + 0.003)
    assert got.by_source == pytest.approx({"claude-code": 0.5, "table": 0.003})
    assert (got.source, got.unpriced_tokens, got.total_tokens) == ("table", 0, 1010)
    guessed = cost.ClaudeCodeCost(0.5, {}, True, time_ns=300)
    got = cost.price_rows(rows, claude_code=guessed)
    assert (got.cost, got.source) == (0.5, "estimate")
    assert cost.price_rows([]).to_dict() == {
        "cost": None, "cost_source": None, "total_tokens": 0, "unpriced_tokens": 0,
        "cost_by_source": {}, "unpriced_models": []}


def test_apply_costs_names_the_source_in_metadata():
    gen = Observation(id="g", trace_id="t", parent_id=None, type="generation", name="x",
                      start_ns=0, end_ns=1, model="claude-opus-5-5", usage={"input": 100})
    trace = Trace(id="t", session_id="s", name="n", start_ns=0, end_ns=1,
                  observations=[gen])
    cost.apply_costs([trace])
    assert gen.cost is None and "cost_source" not in gen.metadata
    cost.apply_costs([trace], cost.Pricing(learned={"claude-opus-5-5": {"input": 4e-6}}))
    assert gen.cost == pytest.approx({"input": 4e-4, "total": 4e-4})
    assert gen.metadata["cost_source"] == "claude-code"


def test_allocate_shares_claude_codes_count_by_model_and_spreads_unrecorded_models():
    state = cost.ClaudeCodeCost(0.6, {
        "claude-opus-5-5": {"inputTokens": 30, "costUSD": 0.4},
        "claude-haiku-x": {"inputTokens": 5, "costUSD": 0.2}},  # no recorded call used it
        False, time_ns=100)
    rows = [{"model": "claude-opus-5-5", "usage": {"input": 10}, "start_ns": 10},
            {"model": "claude-opus-5-5", "usage": {"input": 30}, "start_ns": 20},
            {"model": "claude-sonnet-4-5-20250929", "usage": {"input": 1000}, "start_ns": 200}]
    got = cost.allocate(rows, state)
    # opus: 0.4 by tokens (nothing prices it) 1:3, plus the 0.2 of haiku pro rata
    assert got[0] == (pytest.approx(0.1 + 0.05), "claude-code")
    assert got[1] == (pytest.approx(0.3 + 0.15), "claude-code")
    assert got[2] == (pytest.approx(0.003), "table")  # after the count: the table's price
    assert sum(g[0] for g in got[:2]) == pytest.approx(state.total_usd)
    assert cost.price_rows(rows, claude_code=state).cost == pytest.approx(0.6 + 0.003)


def test_a_count_that_covers_no_stored_call_is_not_used():
    state = cost.ClaudeCodeCost(0.6, {"m": {"inputTokens": 30, "costUSD": 0.6}}, False, 100)
    later = [{"model": "claude-sonnet-4-5-20250929", "usage": {"input": 1000}, "start_ns": 200}]
    got = cost.price_rows(later, claude_code=state)
    assert (got.cost, got.source) == (pytest.approx(0.003), "table")
    assert cost.price_rows([], claude_code=state).cost is None
