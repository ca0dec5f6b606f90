"""`cctrace usage`: its figures equal `report`'s and a direct SQL sum over the store, with
subagent generations included; tables, filters, time zones, `blocks --live` and its Ctrl-C."""

from __future__ import annotations

import io
import json
import os
import re
import shutil
import signal
import subprocess
import sys
from argparse import Namespace
from datetime import timezone
from pathlib import Path

import pytest

import cctrace
from cctrace.cli import usage as cli_usage
from cctrace.cli.main import CliError, main
from cctrace.report import usage as u
from cctrace.store.db import Store
from store.helpers import SEC, T0, turn
from support.replay import FIXTURES

SAMPLES = Path(cctrace.__file__).parent / "data" / "samples"
KEYS = ("input", "output", "input_cache_read", "input_cache_creation",
        "input_cache_creation_1h")


@pytest.fixture
def imported(tmp_path, capsys, _isolated_state):
    """The shipped samples (sonnet 4.5, priced by the table; a foreground subagent) and the
    recorded background-subagent session (opus 5.5: not in the price table, priced by the
    transcript's cost-state record, Claude Code's own count of $0.015756)."""
    src = tmp_path / "projects"
    shutil.copytree(SAMPLES, src / "samples", ignore=shutil.ignore_patterns("README.md"))
    shutil.copytree(FIXTURES / "subagent", src / "subagent",
                    ignore=shutil.ignore_patterns("hooks.jsonl", "runs", "scenario.json"))
    assert main(["import", str(src), "--quiet", "--live-minutes", "0", "--no-export"]) == 0
    capsys.readouterr()
    return str(_isolated_state)


def run_json(capsys, *argv) -> dict:
    assert main(list(argv)) == 0
    return json.loads(capsys.readouterr().out)


def sql_totals(state: str) -> dict:
    with Store.open(state) as store:
        (row,) = store._read(
            "SELECT COUNT(*) AS n, SUM(cost_total) AS cost,"
            " SUM(CASE WHEN cost_total IS NULL THEN"
            + " + ".join(f" COALESCE(json_extract(usage, '$.{k}'), 0)" for k in KEYS)
            + " ELSE 0 END) AS unpriced,"
            + ", ".join(f" SUM(COALESCE(json_extract(usage, '$.{k}'), 0)) AS {k}" for k in KEYS)
            + " FROM observations WHERE type = 'generation'")
        (sub,) = store._read(
            "SELECT COUNT(*) AS n FROM observations g JOIN observations a ON a.id = g.parent_id"
            " WHERE g.type = 'generation' AND a.type = 'agent' AND a.parent_id IS NOT NULL")
    return {**dict(row), "subagent_generations": sub["n"]}


def test_usage_report_and_sql_agree_with_subagents(capsys, imported):
    sql = sql_totals(imported)
    assert sql["subagent_generations"] >= 2  # subagent calls are in the store...
    # ...and both kinds of model: views price when they read (issue 14), so the figure to
    # agree with is `sessions`' (table prices, and Claude Code's own count for opus 5.5).
    sessions = run_json(capsys, "sessions", "--json")["sessions"]
    # every transcript here holds Claude Code's cost-state records: its count is the cost
    assert {s["cost_source"] for s in sessions} == {"claude-code"}
    expected = sum(s["cost"] for s in sessions)
    (opus,) = [s for s in sessions if "claude-opus-5-5" in s["models"]]
    assert opus["cost"] == 0.015756000000000003  # totalCostUSD as Claude Code wrote it
    report = run_json(capsys, "report", "--json")["totals"]
    for view in ("daily", "weekly", "monthly", "session", "blocks"):
        doc = run_json(capsys, "usage", view, "--json")
        t = doc["totals"]
        assert t["generations"] == sql["n"] == report["generations"]
        assert t["cost"] == pytest.approx(expected, rel=1e-12, abs=0)
        assert t["cost"] == report["cost"]
        assert t["unpriced_tokens"] == 0 == report["unpriced_tokens"]
        assert t["tokens"]["input"] == sql["input"] == report["tokens"]["input"]
        assert t["tokens"]["output"] == sql["output"] == report["tokens"]["output"]
        assert t["tokens"]["cache_read"] == sql["input_cache_read"]
        assert t["tokens"]["cache_write"] == (sql["input_cache_creation"]
                                              + sql["input_cache_creation_1h"])
        assert t["total_tokens"] == sum(report["tokens"].values())
        # The rows add up to the totals.
        assert sum(r["generations"] for r in doc["rows"]) == sql["n"]
        assert sum(r["total_tokens"] for r in doc["rows"]) == t["total_tokens"]
        assert sum(r["cost"] or 0 for r in doc["rows"]) == pytest.approx(expected,
                                                                         rel=1e-12, abs=0)


def test_session_rows_equal_the_sessions_command(capsys, imported):
    rows = run_json(capsys, "usage", "session", "--json")["rows"]
    sessions = {s["id"]: s for s in run_json(capsys, "sessions", "--json")["sessions"]}
    assert len(rows) == len(sessions) == 5
    for r in rows:
        s = sessions[r["key"]]
        assert r["total_tokens"] == sum(s["tokens"].values())
        if s["cost"] is None:
            assert r["cost"] is None and r["unpriced_tokens"] == r["total_tokens"]
        else:
            assert r["cost"] == pytest.approx(s["cost"], rel=1e-12, abs=0)
    costs = [r["cost"] or 0 for r in rows]
    assert costs == sorted(costs, reverse=True)  # most expensive first


def test_breakdown_per_model_and_token_type(capsys, imported):
    doc = run_json(capsys, "usage", "monthly", "--json", "--breakdown", "--timezone", "UTC")
    (month,) = doc["rows"]
    models = month["by_model"]
    assert sorted(models) == ["claude-opus-5-5", "claude-sonnet-4-5-20250929"]
    # opus 5.5: the session's calls share Claude Code's own count of it
    assert models["claude-opus-5-5"]["cost"] == pytest.approx(0.015756, rel=1e-12, abs=0)
    assert models["claude-opus-5-5"]["unpriced_tokens"] == month["unpriced_tokens"] == 0
    assert sum(m["total_tokens"] for m in models.values()) == month["total_tokens"]
    split = models["claude-sonnet-4-5-20250929"]["cost_by_type"]
    assert sum(split.values()) == pytest.approx(month["cost"] - 0.015756, rel=1e-12, abs=0)
    assert split["cache_write"] > 0 and split["output"] > 0
    assert main(["usage", "monthly", "--breakdown", "--timezone", "UTC"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].split() == ["MONTH", "INPUT", "OUTPUT", "CACHE", "RD", "CACHE", "WR",
                              "TOTAL", "COST", "MODELS"]
    assert out[2].startswith("  opus-5-5") or out[3].startswith("  opus-5-5")
    # One money format (cctrace.report.fmt): an amount under half a cent is "<$0.01".
    assert any(re.match(r"cost by type: input <?\$\d", line.strip()) for line in out)
    assert not any("unpriced" in line for line in out)


def test_filters_project_model_since_until(capsys, _isolated_state):
    with Store.open() as store:
        store.insert_traces([turn("s-a", "a", T0, cwd="/src/webapp")])
        store.insert_traces([turn("s-b", "b", T0 + 86400 * SEC, cwd="/src/cli",
                                  model="claude-opus-4-1-20250805")])
    rows = run_json(capsys, "usage", "daily", "--json", "--timezone", "UTC")["rows"]
    assert [r["key"] for r in rows] == ["2026-01-01", "2026-01-02"]
    only = run_json(capsys, "usage", "daily", "--json", "--project", "WEB", "--timezone", "UTC")
    assert [r["key"] for r in only["rows"]] == ["2026-01-01"]
    only = run_json(capsys, "usage", "daily", "--json", "--model", "opus", "--timezone", "UTC")
    assert [r["key"] for r in only["rows"]] == ["2026-01-02"]
    # A date alone: --until includes that day, --since starts at its midnight (in --timezone).
    only = run_json(capsys, "usage", "daily", "--json", "--timezone", "UTC",
                    "--since", "2026-01-01", "--until", "2026-01-01")
    assert [r["key"] for r in only["rows"]] == ["2026-01-01"]
    assert only["since_ns"] == T0 and only["until_ns"] == T0 + 86400 * SEC
    # In UTC+14 the first turn (00:00 UTC) is already on the 1st at 14:00; Honolulu: the 31st.
    far = run_json(capsys, "usage", "daily", "--json", "--timezone", "Pacific/Honolulu")
    assert [r["key"] for r in far["rows"]] == ["2025-12-31", "2026-01-01"]


def test_table_and_empty_store(capsys, _isolated_state):
    assert main(["usage", "daily"]) == 0
    assert capsys.readouterr().out == "No model calls recorded in this range.\n"
    with Store.open() as store:
        store.insert_traces([turn("s-a", "a", T0, subagent=True)])
    assert main(["usage", "daily", "--timezone", "UTC"]) == 0
    assert capsys.readouterr().out.splitlines() == [
        "DAY           INPUT   OUTPUT CACHE RD CACHE WR    TOTAL      COST  MODELS",
        "2026-01-01     1.0k      505    20.0k        0    21.5k     $0.02  sonnet-4-5",
        "TOTAL          1.0k      505    20.0k        0    21.5k     $0.02",
    ]
    with Store.open() as store:  # a second, more expensive session
        store.insert_traces([turn("s-b-and-more", "b", T0 + 86400 * SEC)])
        store.insert_traces([turn("s-b-and-more", "c", T0 + 86400 * SEC + 60 * SEC)])
    assert main(["usage", "session", "--timezone", "UTC"]) == 0
    assert capsys.readouterr().out.splitlines() == [
        "SESSION       INPUT   OUTPUT CACHE RD CACHE WR    TOTAL      COST  LAST        PROJECT",
        "s-b-and-       2.0k     1.0k    40.0k        0    43.0k     $0.03  2026-01-02  myproj",
        "s-a            1.0k      505    20.0k        0    21.5k     $0.02  2026-01-01  myproj",
        "TOTAL          3.0k     1.5k    60.0k        0    64.5k     $0.05",
    ]


@pytest.mark.parametrize("argv, message", [
    (["--timezone", "Mars/Olympus"], "--timezone: unknown time zone 'Mars/Olympus'"),
    (["--since", "yesterday"], "--since: cannot read 'yesterday'"),
    (["--since", "2026-02-30"], "--since: '2026-02-30' is not a date"),
    (["--since", "2026-01-02", "--until", "2026-01-01"], "--until must be after --since"),
])
def test_bad_arguments_are_clear_errors(capsys, argv, message):
    assert main(["usage", "daily", *argv]) == 2
    assert message in capsys.readouterr().err


def _live_args(**kw) -> Namespace:
    base = dict(view="blocks", live=True, refresh=5.0, count=None, limit=None, json=False,
                project=None, model=None)
    return Namespace(**{**base, **kw})


def test_live_draws_a_bounded_number_of_frames(_isolated_state):
    now = T0 + 2 * 3600 * SEC
    with Store.open() as store:
        store.insert_traces([turn("s-a", "a", T0 + 10 * 60 * SEC)])
        store.insert_traces([turn("s-a", "b", T0 + 70 * 60 * SEC)])
    naps: list[float] = []
    out = io.StringIO()
    code = cli_usage.run_live(_live_args(count=3, limit="0.1"), timezone.utc, out,
                              sleep=naps.append, clock=lambda: now)
    assert code == 0 and naps == [5.0, 5.0]  # three frames, two pauses between them
    frames = out.getvalue().split("\n\n")
    assert len([f for f in frames if f]) == 3
    assert frames[0].splitlines() == [
        "cctrace usage · 5-hour block · 2026-01-01 02:00:00",
        "Block: 00:00-05:00 (3h00m left)",
        "Cost: $0.03 · 43.0k tokens · 2 model calls · 1 session(s)",
        "Burn rate: $0.03/hour · 716 tokens/min",
        "Projected at block end: $0.13",
        "Limit $0.10 (--limit; a local estimate, not your plan's limit): 33% used, "
        "projected 132%",
    ]


def test_live_stops_cleanly_on_ctrl_c_in_process(_isolated_state):
    out = io.StringIO()

    def interrupted(_seconds: float) -> None:
        raise KeyboardInterrupt

    code = cli_usage.run_live(_live_args(), timezone.utc, out, sleep=interrupted,
                              clock=lambda: T0)
    assert code == 0
    assert out.getvalue() == ("cctrace usage · 5-hour block · 2026-01-01 00:00:00\n"
                              "No active block (no activity recorded yet).\n\n\n")


def test_live_exits_zero_on_sigint(_isolated_state):
    """The real command in its own process: SIGINT (Ctrl-C) ends it with 0, no traceback."""
    env = {**os.environ, "CCTRACE_HOME": str(_isolated_state)}
    proc = subprocess.Popen([sys.executable, "-m", "cctrace.cli.main", "usage", "blocks",
                             "--live", "--refresh", "30"], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, env=env)
    # The first frame is drawn: the loop is running (then sleeping 30 s).
    assert proc.stdout.readline().startswith(b"cctrace usage")
    assert proc.stdout.readline() == b"No active block (no activity recorded yet).\n"
    proc.send_signal(signal.SIGINT)
    err = proc.stderr.read()
    assert proc.wait(timeout=60) == 0 and err == b""


def test_limit_max_is_the_most_expensive_past_block():
    rows = [cli_usage.u.UsageRow("block x", 0, 1)]
    rows[0].totals.add({"start_ns": 0, "usage": {"input": 1}, "cost_total": 2.5})
    assert cli_usage._limit("max", rows) == (2.5, "most expensive block of the last 48 h")
    assert cli_usage._limit("$4", rows) == (4.0, "--limit")
    with pytest.raises(CliError, match="neither a dollar amount nor 'max'"):
        cli_usage._limit("lots", rows)
    assert u.largest_block_cost([]) is None


def test_live_json_one_object_per_frame(_isolated_state):
    now = T0 + 2 * 3600 * SEC
    with Store.open() as store:
        store.insert_traces([turn("s-a", "a", T0 + 10 * 60 * SEC)])
    out = io.StringIO()
    assert cli_usage.run_live(_live_args(count=2, json=True), timezone.utc, out,
                              sleep=lambda _s: None, clock=lambda: now) == 0
    frames = [json.loads(x) for x in out.getvalue().splitlines()]
    assert [f["now_ns"] for f in frames] == [now, now]
    active = frames[0]["active"]
    assert (active["key"], active["active"], active["start_ns"]) == (
        "block 2026-01-01T00:00Z", True, T0)
    assert active["cost"] == pytest.approx(0.0165, rel=1e-12)


@pytest.mark.parametrize("view", list(u.PERIODS))
def test_every_view_has_help(capsys, view):
    with pytest.raises(SystemExit) as done:
        main(["usage", view, "--help"])
    assert done.value.code == 0
    text = capsys.readouterr().out
    assert text.startswith(f"usage: cctrace usage {view} [-h]")
    for flag in ("--since", "--until", "--project", "--model", "--breakdown", "--timezone",
                 "--json"):
        assert flag in text
    assert ("--live" in text) == (view == "blocks")


def test_blocks_table_with_a_limit_on_the_active_block(capsys, _isolated_state):
    import time

    with Store.open() as store:  # one call ten minutes ago: an active block, no rate yet
        store.insert_traces([turn("s-a", "a", time.time_ns() - 600 * SEC)])
        store.insert_traces([turn("s-a", "old", T0)])  # a past block, $0.0165 too
    assert main(["usage", "blocks", "--limit", "0.10"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[-1] == ("Limit $0.10 (--limit; a local estimate, not your plan's limit): "
                       "16% used")
    assert [line.split()[-2] if "ACTIVE" in line else None for line in out[1:3]] == [
        None, "ACTIVE"]
    assert main(["usage", "blocks", "--limit", "max"]) == 0
    assert capsys.readouterr().out.splitlines()[-1] == (
        "Limit $0.02 (most expensive block shown; a local estimate, not your plan's limit): "
        "100% used")
