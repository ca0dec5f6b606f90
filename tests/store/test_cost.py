"""Local pricing against the shipped table; expected figures are hand-computed from it."""

from __future__ import annotations

import json
from importlib import resources

import pytest

from cctrace.model.types import Observation, Trace
from cctrace.store import cost


def test_shipped_table_is_langfuse_default_list_unchanged():
    raw = json.loads(
        resources.files("cctrace").joinpath("data", "model-prices.json").read_text("utf-8")
    )
    assert isinstance(raw, list) and len(raw) > 100
    assert any(m["modelName"] == "claude-sonnet-4-5-20250929" for m in raw)


def test_sonnet_4_5_all_claude_usage_keys():
    usage = {"input": 1000, "output": 500, "input_cache_read": 20000, "input_cache_creation": 4000}
    got = cost.price("claude-sonnet-4-5-20250929", usage)
    # 1000*3e-6, 500*1.5e-5, 20000*3e-7, 4000*3.75e-6
    assert got == pytest.approx(
        {"input": 0.003, "output": 0.0075, "input_cache_read": 0.006,
         "input_cache_creation": 0.015, "total": 0.0315}
    )


def test_opus_4_1():
    got = cost.price("claude-opus-4-1-20250805", {"input": 100, "output": 200})
    assert got == pytest.approx({"input": 0.0015, "output": 0.015, "total": 0.0165})


def test_haiku_3_5_with_one_hour_cache_write():
    got = cost.price(
        "claude-3-5-haiku-20241022",
        {"input": 10000, "output": 1000, "input_cache_creation_1h": 1000},
    )
    assert got == pytest.approx(
        {"input": 0.008, "output": 0.004, "input_cache_creation_1h": 0.0016, "total": 0.0136}
    )


@pytest.mark.parametrize(
    "model",
    ["claude-sonnet-4-5", "us.anthropic.claude-sonnet-4-5-20250929-v1:0",
     "anthropic/claude-sonnet-4-5-20250929", "CLAUDE-SONNET-4-5-20250929"],
)
def test_aliases_of_one_model_share_its_price(model):
    assert cost.price(model, {"input": 1_000_000}) == pytest.approx({"input": 3.0, "total": 3.0})


def test_unknown_model_and_empty_model_have_no_price():
    assert cost.price("claude-imaginary-9", {"input": 10}) is None
    assert cost.price("", {"input": 10}) is None


def test_unpriced_keys_are_free_and_non_counts_ignored():
    got = cost.price("claude-opus-4-1-20250805", {"input": 1, "total": 99, "weird": True})
    assert got == pytest.approx({"input": 1.5e-05, "total": 1.5e-05})


def test_attribute_tier_fast_mode_from_model_parameters():
    usage = {"input": 1000, "output": 100}
    standard = cost.price("claude-opus-4-8", usage)
    fast = cost.price("claude-opus-4-8", usage, model_parameters={"speed": "fast"})
    assert standard == pytest.approx({"input": 0.005, "output": 0.0025, "total": 0.0075})
    assert fast == pytest.approx({"input": 0.01, "output": 0.005, "total": 0.015})


def test_usage_tier_large_context_sums_matching_keys():
    # gemini-2.5-pro: "Large Context" when input|prompt|cached keys sum > 200000.
    small = cost.price("gemini-2.5-pro", {"input": 200_000, "output": 10})
    large = cost.price("gemini-2.5-pro", {"input": 150_000, "input_cached_tokens": 50_001,
                                          "output": 10})
    assert small["input"] == pytest.approx(200_000 * 1.25e-06)
    assert large["input"] == pytest.approx(150_000 * 2.5e-06)
    assert large["output"] == pytest.approx(10 * 1.5e-05)


def _table(tiers, start=None):
    item = {"modelName": "m", "matchPattern": "(?i)^m$", "pricingTiers": tiers}
    if start:
        item["startDate"] = start
    return cost.parse_table([item])


def test_tiers_checked_in_priority_order_default_last():
    tiers = [
        {"isDefault": True, "priority": 0, "conditions": [], "prices": {"input": 1.0}},
        {"isDefault": False, "priority": 2, "prices": {"input": 3.0}, "conditions": [
            {"usageDetailPattern": "input", "operator": "gte", "value": 10,
             "caseSensitive": False}]},
        {"isDefault": False, "priority": 1, "prices": {"input": 2.0}, "conditions": [
            {"usageDetailPattern": "input", "operator": "gte", "value": 100,
             "caseSensitive": False}]},
    ]
    (entry,) = _table(tiers)
    assert cost.choose_tier(entry, {"input": 5})["prices"]["input"] == 1.0
    assert cost.choose_tier(entry, {"input": 50})["prices"]["input"] == 3.0
    assert cost.choose_tier(entry, {"input": 500})["prices"]["input"] == 2.0


def test_case_sensitive_usage_pattern():
    tiers = [
        {"isDefault": True, "priority": 0, "conditions": [], "prices": {"x": 1.0}},
        {"isDefault": False, "priority": 1, "prices": {"x": 2.0}, "conditions": [
            {"usageDetailPattern": "^Input$", "operator": "gt", "value": 0,
             "caseSensitive": True}]},
    ]
    (entry,) = _table(tiers)
    assert cost.choose_tier(entry, {"input": 5})["prices"]["x"] == 1.0
    assert cost.choose_tier(entry, {"Input": 5})["prices"]["x"] == 2.0


def test_entry_not_in_force_before_its_start_date():
    entries = _table([{"isDefault": True, "conditions": [], "prices": {"input": 1.0}}],
                     start="2025-01-01T00:00:00Z")
    before = 1_600_000_000 * 10**9
    after = 1_800_000_000 * 10**9
    assert cost.find_model("m", before, entries) is None
    assert cost.find_model("m", after, entries) is entries[0]


def test_apply_costs_prices_generations_only_and_keeps_existing():
    gen = Observation(id="a" * 16, trace_id="b" * 32, parent_id="c" * 16, type="generation",
                      name="g", start_ns=1, end_ns=2, model="claude-opus-4-1-20250805",
                      usage={"input": 100, "output": 200})
    kept = Observation(id="d" * 16, trace_id="b" * 32, parent_id="c" * 16, type="generation",
                       name="g2", start_ns=1, end_ns=2, model="claude-opus-4-1-20250805",
                       usage={"input": 1}, cost={"total": 42.0})
    tool = Observation(id="e" * 16, trace_id="b" * 32, parent_id="c" * 16, type="tool",
                       name="Bash", start_ns=1, end_ns=2, model="claude-opus-4-1-20250805",
                       usage={"input": 1})
    trace = Trace(id="b" * 32, session_id="s", name="t", start_ns=1, end_ns=2,
                  observations=[gen, kept, tool])
    cost.apply_costs([trace])
    assert gen.cost == pytest.approx({"input": 0.0015, "output": 0.015, "total": 0.0165})
    assert kept.cost == {"total": 42.0}
    assert tool.cost is None



def test_attribute_conditions_look_only_at_their_source():
    # opus-4-8's fast tier names model_parameters: the same key in metadata does not count.
    usage = {"output": 1000}
    assert cost.price("claude-opus-4-8", usage, metadata={"speed": "fast"})["total"] == (
        pytest.approx(0.025))
    tiers = [
        {"isDefault": True, "priority": 0, "conditions": [], "prices": {"x": 1.0}},
        {"isDefault": False, "priority": 1, "prices": {"x": 2.0}, "conditions": [
            {"source": "metadata", "key": "tier", "operator": "in", "values": ["flex"]}]},
    ]
    (entry,) = _table(tiers)
    assert cost.choose_tier(entry, {}, metadata={"tier": "flex"})["prices"]["x"] == 2.0
    assert cost.choose_tier(entry, {}, model_parameters={"tier": "flex"})["prices"]["x"] == 1.0
