"""The statusline: its line from the worker's summary, its cheap imports, and the summary the
worker writes after a real recorded session goes through the pipeline."""

from __future__ import annotations

import io
import json
import os
import stat
import subprocess
import sys

import pytest

import cctrace
from cctrace.config import Config
from cctrace.report import summary
from cctrace.statusline import line
from cctrace.store.db import Store
from cctrace.worker import pipeline
from store.helpers import SEC, T0, turn
from support import replay
from worker.test_pipeline import env  # noqa: F401 - a fixture: no background worker

ENTRY = os.path.join(os.path.dirname(cctrace.__file__), "statusline", "entry.py")
H = 3600 * SEC
HEAVY = {"json", "re", "enum", "subprocess", "sqlite3", "datetime", "typing", "dataclasses",
         "argparse", "collections", "functools", "threading", "logging", "pathlib", "locale"}

SUMMARY = {"v": 1, "written_ns": T0 + 2 * H,
           "days": {"2026-01-01": 3.1, "2025-12-31": 9.0},
           "block": {"start_ns": T0, "end_ns": T0 + 5 * H, "first_ns": T0 + 15 * 60 * SEC,
                     "last_ns": T0 + 75 * 60 * SEC, "cost": 2.05, "tokens": 1000},
           "sessions": {"s1": {"cost": 0.42, "findings": 2, "worst": "high"},
                        "s2": {"cost": 1.5, "findings": 0},
                        "s3": {"cost": 1.5, "tokens": 90, "unpriced_tokens": 10},
                        "s4": {"cost": None, "tokens": 90, "unpriced_tokens": 90}}}


def test_the_line_from_a_summary():
    now = T0 + 2 * H + 47 * 60 * SEC  # 02:47: 2h13m to the block's end at 05:00
    assert line.render(SUMMARY, {"session_id": "s1"}, now, "2026-01-01") == (
        "cctrace · session $0.42 · today $3.10 · block $2.05 ($2.05/h, 2h13m left)"
        " · ⚠ 2 findings (high)")
    assert line.render(SUMMARY, {"session_id": "s2"}, now, "2026-01-01") == (
        "cctrace · session $1.50 · today $3.10 · block $2.05 ($2.05/h, 2h13m left)")


def test_unpriced_tokens_are_never_silently_left_out():
    now = T0 + 5 * H
    assert line.render(SUMMARY, {"session_id": "s3"}, now, "x").startswith(
        "cctrace · session $1.50 + unpriced · today $0.00")
    assert line.render(SUMMARY, {"session_id": "s4"}, now, "x").startswith(
        "cctrace · session unpriced · today $0.00")


def test_claude_codes_own_figure_only_where_ours_is_missing_or_partial():
    now = T0 + 5 * H
    cc = {"cost": {"total_cost_usd": 0.73}}
    assert line.render(SUMMARY, {"session_id": "s4", **cc}, now, "x").startswith(
        "cctrace · session unpriced (Claude Code: $0.73) · today")
    assert line.render(SUMMARY, {"session_id": "s3", **cc}, now, "x").startswith(
        "cctrace · session $1.50 + unpriced (Claude Code: $0.73) · today")
    assert line.render(SUMMARY, {"session_id": "new", **cc}, now, "x").startswith(
        "cctrace · session - (Claude Code: $0.73) · today")
    assert line.render(SUMMARY, {"session_id": "s2", **cc}, now, "x").startswith(
        "cctrace · session $1.50 · today")
    assert line.render(SUMMARY, {"session_id": "new", "cost": {"total_cost_usd": 0}}, now,
                       "x").startswith("cctrace · session - · today")


def test_unknown_session_new_day_and_block_over():
    after = T0 + 5 * H  # the block's end
    assert line.render(SUMMARY, {"session_id": "new"}, after, "2026-01-02") == (
        "cctrace · session - · today $0.00 · no block")
    assert line.render(None, {"session_id": "s1"}, after, "2026-01-02") == (
        "cctrace · no data yet (the worker writes it after the first model call)")
    assert line.render(SUMMARY, "not an object", T0 + H, "2026-01-01") == (
        "cctrace · session - · today $3.10 · block $2.05 ($2.05/h, 4h00m left)")


def test_a_damaged_or_foreign_summary_is_no_summary(tmp_path):
    (tmp_path / line.SUMMARY_FILE).write_text('{"v": 1, "days": ')
    assert line.read_summary(str(tmp_path)) is None
    (tmp_path / line.SUMMARY_FILE).write_text('{"v": 99}')
    assert line.read_summary(str(tmp_path)) is None
    (tmp_path / line.SUMMARY_FILE).write_text(json.dumps(SUMMARY))
    assert line.read_summary(str(tmp_path)) == SUMMARY


def test_compose_puts_the_users_first_line_first():
    assert line.compose("~/src  main*\nsecond\n", "cctrace · x") == "~/src  main*  cctrace · x"
    assert line.compose("", "cctrace · x") == "cctrace · x"


def run_entry(state, payload: dict, *extra: str, flags: tuple[str, ...] = ()):
    return subprocess.run([sys.executable, "-I", "-S", *flags, ENTRY, f"--state-dir={state}",
                           *extra], input=json.dumps(payload).encode(), capture_output=True,
                          timeout=60)


def test_entry_prints_the_line_and_imports_nothing_heavy(tmp_path):
    doc = {**SUMMARY, "block": None}
    (tmp_path / line.SUMMARY_FILE).write_text(json.dumps(doc))
    proc = run_entry(tmp_path, {"session_id": "s2", "cost": {"total_cost_usd": 1}},
                     flags=("-X", "importtime"))
    assert proc.returncode == 0
    today = doc["days"].get(__import__("time").strftime("%Y-%m-%d"), 0.0)
    assert proc.stdout.decode() == (f"cctrace · session $1.50 · today ${today:,.2f} · "
                                    "no block\n")
    names = [ln.rsplit("|", 1)[1].strip() for ln in proc.stderr.decode().splitlines()[1:]
             if "|" in ln]
    assert "cctrace.statusline.line" in names
    assert not {n for n in names if n.split(".")[0] in HEAVY or n in HEAVY}
    assert not [n for n in names if n.startswith("cctrace.") and n not in {
        "cctrace.statusline", "cctrace.statusline.line", "cctrace.statedir", "cctrace.spool",
        "cctrace.spool.jsonlite"}]


def test_entry_composes_the_users_command_with_the_same_stdin(tmp_path):
    proc = run_entry(tmp_path, {"session_id": "abc"}, "--then",
                     "python3 -c 'import json,sys; print(json.load(sys.stdin)[\"session_id\"])'")
    assert proc.returncode == 0
    assert proc.stdout.decode() == ("abc  cctrace · no data yet (the worker writes it after "
                                    "the first model call)\n")


def test_a_failing_user_command_leaves_ours(tmp_path):
    proc = run_entry(tmp_path, {}, "--then", "exit 3")
    assert proc.stdout.decode().startswith("cctrace · no data yet")


def test_cli_form_reads_this_shells_state_dir(_isolated_state, monkeypatch, capsys):
    from cctrace.cli.main import main

    os.makedirs(_isolated_state, exist_ok=True)
    (_isolated_state / line.SUMMARY_FILE).write_text(json.dumps({**SUMMARY, "block": None}))
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b'{"session_id": "s1"}')))
    assert main(["statusline"]) == 0
    assert capsys.readouterr().out.startswith("cctrace · session $0.42 · today $")


def test_summary_write_is_atomic_and_private(tmp_path):
    path = summary.write(str(tmp_path), SUMMARY)
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    with pytest.raises(TypeError):
        summary.write(str(tmp_path), {"v": 1, "bad": object()})
    assert json.loads(open(path).read()) == SUMMARY  # the old file is intact
    assert os.listdir(tmp_path) == [line.SUMMARY_FILE]  # no temp file left behind


def test_summary_figures_from_the_store(_isolated_state):
    now = T0 + 2 * H
    with Store.open() as store:
        store.insert_traces([turn("s-old", "o", T0 - 30 * H)])        # yesterday, 18:00
        store.insert_traces([turn("s-a", "a", T0 + 10 * 60 * SEC, subagent=True)])
        store.insert_traces([turn("s-a", "b", T0 + 70 * 60 * SEC)])
        doc = summary.build(store, now)
    gen, sub = 0.0165, 0.000105
    assert doc["sessions"]["s-a"]["cost"] == pytest.approx(2 * gen + sub, rel=1e-12)
    assert doc["sessions"]["s-a"]["tokens"] == 2 * 21500 + 15
    assert doc["sessions"]["s-old"]["cost"] == pytest.approx(gen, rel=1e-12)
    b = doc["block"]
    assert (b["start_ns"], b["end_ns"]) == (T0, T0 + 5 * H)
    assert (b["first_ns"], b["last_ns"]) == (T0 + 10 * 60 * SEC + SEC, T0 + 70 * 60 * SEC + SEC)
    assert b["cost"] == pytest.approx(2 * gen + sub, rel=1e-12)


def test_the_worker_keeps_the_summary_after_a_recorded_session(tmp_path, env,  # noqa: F811
                                                                _isolated_state):
    state = str(_isolated_state)
    replay.spool_fixture("subagent", tmp_path / "t", env)
    cfg = Config(state_dir=state)
    while pipeline.step(state, cfg).events:
        pass
    doc = line.read_summary(state)
    assert doc is not None
    with Store.open(state) as store:
        (s,) = store.sessions()
        (row,) = store._read("SELECT COUNT(*) AS n FROM observations WHERE type='generation'")
    assert row["n"] > 2
    got = doc["sessions"][s.id]
    # claude-opus-5-5 is not in the shipped price table; the transcript's cost-state record
    # (Claude Code's own count, issue 14) prices the session: $0.015756, nothing unpriced.
    assert got["cost"] == pytest.approx(0.015756, abs=1e-12)
    assert got["tokens"] == sum(s.tokens.values()) and got["unpriced_tokens"] == 0
    proc = run_entry(state, {"session_id": s.id})
    assert proc.stdout.decode().startswith("cctrace · session $0.02 · today $")


def test_the_worker_rebuilds_the_summary_once_per_burst(tmp_path, env,  # noqa: F811
                                                         _isolated_state,
                                                         monkeypatch):
    """A rebuild after the first stored slice, none for the slices right after it, one
    when the spool is drained (the next step finds nothing)."""
    state = str(_isolated_state)
    replay.spool_fixture("multi_turn", tmp_path / "t", env)
    monkeypatch.setattr(pipeline, "SPOOL_SLICE", 2)
    monkeypatch.setattr(pipeline, "SUMMARY_INTERVAL_S", 3600.0)  # no clock in the test
    monkeypatch.setattr(pipeline, "_summary_due", {})
    monkeypatch.setattr(pipeline, "_summary_last", {})
    calls: list[int] = []
    monkeypatch.setattr(summary, "refresh", lambda *a, **k: calls.append(len(calls)))
    cfg = Config(state_dir=state)
    steps = []
    while True:
        steps.append((pipeline.step(state, cfg).events, len(calls)))
        if not steps[-1][0]:
            break
    assert len(steps) >= 4  # several slices with events, then the empty one
    assert [n for _, n in steps] == [1] * (len(steps) - 1) + [2]


def test_an_agents_tampering_shows_in_every_session():
    now = T0 + 2 * H + 47 * 60 * SEC
    doc = {**SUMMARY, "agent_tamper": 1}
    assert line.render(doc, {"session_id": "s2"}, now, "2026-01-01") == (
        "cctrace · session $1.50 · today $3.10 · block $2.05 ($2.05/h, 2h13m left)"
        " · ⚠ 1 agent tamper finding (cctrace doctor)")
    assert line.render({**SUMMARY, "agent_tamper": 3}, {"session_id": "s1"}, now,
                       "2026-01-01").endswith(
        " · ⚠ 2 findings (high) · ⚠ 3 agent tamper findings (cctrace doctor)")
    for odd in (0, True, "2", None):
        assert "agent" not in line.render({**SUMMARY, "agent_tamper": odd},
                                          {"session_id": "s2"}, now, "2026-01-01")


def test_the_summary_counts_agent_tamper_findings_only(_isolated_state):
    from cctrace.audit import selferase
    from cctrace.findings import Finding

    with Store.open() as store:
        assert summary.build(store, T0)["agent_tamper"] == 0
        store.add_findings([
            selferase.finding("cctrace config set a.b", ["x"], now_ns=T0),
            selferase.finding("cctrace rules guard disable", ["x"], now_ns=T0 + 1),
            Finding("0" * 16, "tamper", "tamper.settings_edited", "high", "t", T0, "s1")])
        assert summary.build(store, T0)["agent_tamper"] == 2
