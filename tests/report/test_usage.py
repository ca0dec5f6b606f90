"""The usage layer: periods, 5-hour blocks, burn rate, token types, unpriced tokens."""

from __future__ import annotations

from datetime import timezone
from zoneinfo import ZoneInfo

import pytest

from cctrace.report import usage as u
from store.helpers import SEC, T0

H = 3600 * SEC
DAY = 24 * H


def gen(at: int, cost: float | None = 1.0, *, model: str = "claude-sonnet-4-5",
        session: str = "s1", project: str = "p", usage: dict | None = None,
        detail: dict | None = None) -> dict:
    return {"type": "generation", "name": model, "model": model, "start_ns": at,
            "end_ns": at + SEC, "level": "DEFAULT",
            "usage": usage if usage is not None else {"input": 10, "output": 20},
            "cost": detail, "cost_total": cost, "session_id": session, "project": project}


def test_token_types_cost_split_and_unpriced_tokens():
    rows = [
        gen(T0, 0.5, usage={"input": 1, "output": 2, "input_cache_read": 30,
                            "input_cache_creation": 400, "input_cache_creation_1h": 5000,
                            "web_search": 3, "flag": True},
            detail={"input": 0.1, "output": 0.2, "input_cache_read": 0.05,
                    "input_cache_creation": 0.04, "input_cache_creation_1h": 0.01,
                    "total": 0.5}),  # 0.1 of the total no key explains: "other"
        gen(T0 + SEC, None, model="claude-opus-5-5", usage={"input": 7, "output": 8}),
        gen(T0 + 2 * SEC, 0.25, usage={"input": 1}, detail=None),
    ]
    t = u.total(rows)
    assert t.tokens == {"input": 9, "output": 10, "cache_read": 30, "cache_write": 5400,
                        "other": 3}
    assert t.total_tokens == 5452 and t.generations == 3
    assert t.cost == 0.75 and t.unpriced_tokens == 15
    assert t.cost_by_type == pytest.approx({"input": 0.1, "output": 0.2, "cache_read": 0.05,
                                            "cache_write": 0.05, "other": 0.35})
    assert t.to_dict()["tokens"] == {"input": 9, "output": 10, "cache_read": 30,
                                     "cache_write": 5400, "other": 3}


def test_all_unpriced_has_no_cost():
    t = u.total([gen(T0, None)])
    assert t.to_dict()["cost"] is None and t.unpriced_tokens == 30 and not t.priced


def test_days_weeks_months_in_the_chosen_zone():
    # 2026-01-04 23:30 UTC is a Sunday (ISO week 1); in Paris it is Monday 00:30 (week 2).
    late = T0 + 3 * DAY + 23 * H + 30 * 60 * SEC
    rows = [gen(T0), gen(late, 2.0), gen(T0 + 40 * DAY, 4.0)]
    utc = u.by_period(rows, "daily", timezone.utc)
    assert [(r.key, r.totals.cost) for r in utc] == [
        ("2026-01-01", 1.0), ("2026-01-04", 2.0), ("2026-02-10", 4.0)]
    paris = u.by_period(rows, "daily", ZoneInfo("Europe/Paris"))
    assert [r.key for r in paris] == ["2026-01-01", "2026-01-05", "2026-02-10"]
    assert [(r.key, r.totals.cost) for r in u.by_period(rows, "weekly", timezone.utc)] == [
        ("2026-W01", 3.0), ("2026-W07", 4.0)]
    assert [r.key for r in u.by_period(rows, "weekly", ZoneInfo("Europe/Paris"))] == [
        "2026-W01", "2026-W02", "2026-W07"]
    assert [(r.key, r.totals.cost) for r in u.by_period(rows, "monthly", timezone.utc)] == [
        ("2026-01", 3.0), ("2026-02", 4.0)]


def test_sessions_most_expensive_first_with_models_and_projects():
    rows = [gen(T0, 1.0, session="a"), gen(T0 + SEC, 5.0, session="b", model="claude-opus-5"),
            gen(T0 + 2 * SEC, 0.5, session="a", model="claude-haiku-4-5", project="q")]
    out = u.by_period(rows, "session")
    assert [(r.key, r.totals.cost) for r in out] == [("b", 5.0), ("a", 1.5)]
    assert sorted(out[1].models) == ["claude-haiku-4-5", "claude-sonnet-4-5"]
    assert out[1].projects == {"p", "q"}
    assert out[1].models["claude-haiku-4-5"].cost == 0.5


def test_select_by_project_and_model_substring_ignoring_case():
    rows = [gen(T0, project="WebApp"), gen(T0, project="cli", model="claude-opus-5-5")]
    assert len(u.select(rows, project="webapp")) == 1
    assert [r["project"] for r in u.select(rows, model="OPUS")] == ["cli"]
    assert u.select(rows, project="web", model="opus") == []


def test_blocks_start_at_the_hour_and_split_after_five_hours():
    t = T0 + 10 * H  # 10:00 UTC
    rows = [gen(t + 17 * 60 * SEC, 1.0),            # 10:17 -> block 10:00-15:00
            gen(t + 4 * H + 59 * 60 * SEC, 2.0),    # 14:59 same block
            gen(t + 5 * H + 10 * 60 * SEC, 4.0),    # 15:10 -> block 15:00-20:00
            gen(t + 10 * H + 30 * 60 * SEC, 8.0)]   # 20:30 -> block 20:00-01:00
    out = u.blocks(rows, now_ns=t + 10 * H + 40 * 60 * SEC)
    assert [(b.key, b.totals.cost, b.active) for b in out] == [
        ("block 2026-01-01T10:00Z", 3.0, False),
        ("block 2026-01-01T15:00Z", 4.0, False),
        ("block 2026-01-01T20:00Z", 8.0, True)]
    assert out[0].end_ns - out[0].start_ns == 5 * H
    assert u.largest_block_cost(out) == 4.0


def test_a_block_is_over_at_its_end_even_with_recent_activity():
    rows = [gen(T0 + 10 * H, 1.0), gen(T0 + 14 * H + 50 * 60 * SEC, 1.0)]
    (b,) = u.blocks(rows, now_ns=T0 + 15 * H)
    assert not b.active
    (b,) = u.blocks(rows, now_ns=T0 + 15 * H - SEC)
    assert b.active


def test_burn_rate_and_projection_to_the_block_end():
    t = T0 + 10 * H
    rows = [gen(t + 15 * 60 * SEC, 1.0, usage={"input": 600}),
            gen(t + 75 * 60 * SEC, 2.0, usage={"input": 600})]   # an hour later
    (b,) = u.blocks(rows, now_ns=t + 2 * H)
    assert b.burn() == (3.0, 20.0)           # $3 over one hour; 1,200 tokens over 60 min
    assert b.projection(t + 2 * H) == 3.0 + 3.0 * 3   # three hours left until 15:00
    doc = b.to_dict(now_ns=t + 2 * H)
    assert (doc["cost_per_hour"], doc["tokens_per_minute"], doc["projected_cost"]) == (
        3.0, 20.0, 12.0)


def test_one_call_has_no_burn_rate_and_past_blocks_no_projection():
    (b,) = u.blocks([gen(T0, 1.0)], now_ns=T0 + SEC)
    assert b.burn() is None and b.projection(T0 + SEC) is None
    (b,) = u.blocks([gen(T0, 1.0), gen(T0 + H, 1.0)], now_ns=T0 + 6 * H)
    assert b.burn() == (2.0, 1.0) and b.projection(T0 + 6 * H) is None
