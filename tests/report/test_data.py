"""Report aggregation: figures by day, project, model and tool, and agreement with the store."""

from __future__ import annotations

from datetime import timezone

import pytest

from cctrace.report import build_report, load_report
from cctrace.report.data import (
    Bucket,
    cache_hit_ratio,
    day_period,
    percentile,
    rollup,
    session_rows,
    turn_costs,
)
from cctrace.store.db import Store
from report.helpers import generation as _g
from report.helpers import tool as _tool
from store.helpers import SEC, T0, turn

DAY = 86400 * SEC


def _gen(day: int, model: str, usage: dict, cost: float | None, project: str = "p",
         session: str = "s1") -> dict:
    return {"type": "generation", "name": model, "model": model, "start_ns": T0 + day * DAY,
            "end_ns": T0 + day * DAY + SEC, "level": "DEFAULT", "usage": usage,
            "cost_total": cost, "session_id": session, "project": project}


def test_groups_days_projects_models_and_fills_empty_days():
    facts = {"observations": [
        _gen(0, "m1", {"input": 10, "output": 5, "input_cache_read": 90}, 1.0),
        _gen(2, "m2", {"input": 100, "output": 1}, 0.5, project="q", session="s2"),
        _gen(2, "m1", {"input": 1, "flag": True}, None),
    ], "traces": [
        {"session_id": "s1", "project": "p", "start_ns": T0, "end_ns": T0 + SEC, "complete": 1},
        {"session_id": "s2", "project": "q", "start_ns": T0 + 2 * DAY, "end_ns": T0,
         "complete": 1},
    ]}
    r = build_report(facts, None, tz=timezone.utc)
    assert [b.key for b in r.by_day] == ["2026-01-01", "2026-01-02", "2026-01-03"]
    assert [b.cost for b in r.by_day] == [1.0, 0.0, 0.5]
    assert r.by_day[2].tokens == {"input": 101, "output": 1}  # a JSON true is no count
    assert [(b.key, b.cost, b.sessions, b.turns) for b in r.by_project] == [
        ("p", 1.0, 1, 1), ("q", 0.5, 1, 1)]
    assert [(b.key, b.generations) for b in r.by_model] == [("m1", 2), ("m2", 1)]
    assert r.totals.cost == 1.5 and r.totals.total_tokens == 207 and r.totals.sessions == 2
    assert r.totals.cache_hit_ratio == pytest.approx(90 / 201)
    assert not r.findings_available and r.findings == []


def test_tool_stats_failure_rates_and_slowest():
    facts = {"observations": [_tool("Bash", ms) for ms in (10, 20, 30, 1000)]
             + [_tool("Bash", 5, failed=True), _tool("Read", 7)], "traces": []}
    r = build_report(facts, tz=timezone.utc)
    bash, read = r.tools
    assert (bash.name, bash.calls, bash.failures) == ("Bash", 5, 1)
    assert bash.failure_rate == pytest.approx(0.2)
    assert (bash.p50_ms, bash.p95_ms, bash.max_ms) == (20, 1000, 1000)
    assert (read.calls, read.failures) == (1, 0)
    assert r.slowest_calls[0].duration_ms == 1000 and r.slowest_calls[-1].duration_ms == 5
    assert (r.tool_calls, r.tool_failures) == (6, 1)


def test_findings_filtered_to_the_period_and_counted():
    class F:
        def __init__(self, sev, t):
            self.id, self.kind, self.rule_id, self.severity = "x", "rule", "r.x", sev
            self.title, self.time_ns, self.session_id = f"{sev} thing", t, "s1"

    found = [F("high", T0), F("high", T0 + 5), F("low", T0 - DAY)]
    r = build_report({"observations": [], "traces": []}, found, since_ns=T0)
    assert r.findings_available and r.findings_by_severity == {"high": 2}
    assert len(r.findings) == 2


def test_helpers():
    assert cache_hit_ratio({}) is None
    assert cache_hit_ratio({"input": 1, "input_cache_read": 3}) == 0.75
    assert percentile([], 0.5) == 0 and percentile([1, 2, 3, 4], 0.5) == 2
    assert percentile([1, 2, 3, 4], 0.95) == 4


def test_report_agrees_with_the_store():
    sid, sid2 = "aaaa0000-0000-0000-0000-000000000001", "bbbb0000-0000-0000-0000-000000000002"
    with Store.open() as store:
        store.insert_traces([turn(sid, "a", T0, tool_error=True)])
        store.insert_traces([turn(sid, "b", T0 + DAY, subagent=True)])
        store.insert_traces([turn(sid2, "c", T0 + 3 * DAY, cwd="/w/other",
                                  model="claude-opus-4-1-20250805")])
        report = load_report(store, tz=timezone.utc)
        sessions = store.sessions()
        since = load_report(store, since_ns=T0 + DAY, tz=timezone.utc)
    assert report.totals.cost == pytest.approx(sum(s.cost or 0 for s in sessions))
    assert report.totals.total_tokens == sum(sum(s.tokens.values()) for s in sessions)
    assert report.totals.generations == sum(s.generations for s in sessions)
    assert report.tool_calls == sum(s.tool_calls for s in sessions)
    assert report.tool_failures == 1
    assert report.totals.turns == sum(s.turns for s in sessions) == 3
    assert report.totals.sessions == 2
    for s in sessions:
        (b,) = [b for b in report.by_project if b.key == s.project]
        assert b.cost == pytest.approx(s.cost) and b.tokens == s.tokens
    assert [b.key for b in report.by_day] == ["2026-01-01", "2026-01-02", "2026-01-03",
                                              "2026-01-04"]
    assert {b.key for b in report.by_model} == {"claude-sonnet-4-5-20250929",
                                                "claude-opus-4-1-20250805"}
    assert since.totals.turns == 2 and since.tool_failures == 0


# ------------------------------------------------------------------ report v2's pieces


def test_rollup_by_iso_week_and_month():
    days = [Bucket("2026-01-04", cost=1.0, tokens={"input": 1}, generations=1, turns=1,
                   priced=True),  # a Sunday: ISO week 1
            Bucket("2026-01-05", cost=2.0, tokens={"input": 2, "output": 3}, generations=2,
                   turns=1, priced=True),  # Monday: week 2
            Bucket("2026-02-01", tokens={"input": 5}, generations=1)]  # unpriced
    weeks = rollup(days, "week")
    assert [(b.key, b.cost, b.tokens, b.generations, b.turns, b.priced) for b in weeks] == [
        ("2026-W01", 1.0, {"input": 1}, 1, 1, True),
        ("2026-W02", 2.0, {"input": 2, "output": 3}, 2, 1, True),
        ("2026-W05", 0.0, {"input": 5}, 1, 0, False)]
    months = rollup(days, "month")
    assert [(b.key, b.cost, b.total_tokens) for b in months] == [("2026-01", 3.0, 6),
                                                                  ("2026-02", 0.0, 5)]
    assert day_period("2026-12-31", "week") == "2026-W53"
    with pytest.raises(ValueError):
        day_period("2026-01-01", "year")


def test_sessions_most_expensive_first_with_their_turns():
    facts = {"observations": [
        _g("t1", "cheap", 0.1, {"input": 10}),
        _g("t2", "dear", 0.5, {"input": 20}, model="a"),
        _g("t3", "dear", 0.25, {"output": 5}, model="b", start=60 * SEC),
        {**_tool("Bash", 10, failed=True, session="dear"), "trace_id": "t3"},
        {**_tool("Bash", 10, session="dear"), "trace_id": "t3"},
    ], "traces": [
        {"trace_id": "t1", "session_id": "cheap", "project": "p", "start_ns": T0,
         "end_ns": T0 + SEC, "complete": 1},
        {"trace_id": "t3", "session_id": "dear", "project": "p", "start_ns": T0 + 60 * SEC,
         "end_ns": T0 + 70 * SEC, "complete": 1},
        {"trace_id": "t2", "session_id": "dear", "project": "p", "start_ns": T0,
         "end_ns": T0 + 5 * SEC, "complete": 1},
    ]}
    dear, cheap = session_rows(facts)
    assert (dear.id, dear.cost, dear.turns, dear.generations, dear.tool_calls,
            dear.tool_failures, dear.tokens, dear.models) == (
        "dear", 0.75, 2, 2, 2, 1, {"input": 20, "output": 5}, ["a", "b"])
    assert (dear.start_ns, dear.end_ns) == (T0, T0 + 70 * SEC)
    assert [(t.start_ns, t.generations, t.cost, t.tokens, t.tools) for t in dear.tree] == [
        (T0, 1, 0.5, 20, {}), (T0 + 60 * SEC, 1, 0.25, 5, {"Bash": [2, 1]})]
    assert (cheap.id, cheap.cost, cheap.turns) == ("cheap", 0.1, 1)
    assert turn_costs(facts["observations"]) == [0.1, 0.25, 0.5]


def test_info_findings_are_counted_but_listed_only_when_asked():
    class F:
        def __init__(self, sev, t):
            self.id, self.kind, self.rule_id, self.severity = "x", "rule", "r.x", sev
            self.title, self.time_ns, self.session_id = f"{sev} thing", t, "s1"

    found = [F("info", T0 + 9), F("low", T0 + 8), F("high", T0 + 1), F("high", T0 + 2),
             F("medium", T0 + 7)]
    empty = {"observations": [], "traces": []}
    r = build_report(empty, found)
    assert r.findings_by_severity == {"info": 1, "low": 1, "high": 2, "medium": 1}
    assert [(f["severity"], f["time_ns"] - T0) for f in r.findings] == [
        ("high", 2), ("high", 1), ("medium", 7), ("low", 8)]
    r = build_report(empty, found, include_info=True)
    assert [f["severity"] for f in r.findings][-1] == "info" and r.findings_info_shown
