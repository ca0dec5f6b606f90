"""Coverage and bypass findings: no false alarm on real recorded sessions; each bypass of
the hooks (missing tool events, no events, spool gaps, config changes, edits by a tool call)
is reported, and a running or just-finished turn is not judged yet."""

from __future__ import annotations

import json
import os
import shutil
from dataclasses import replace

import pytest

from cctrace.audit import coverage
from cctrace.config import Config
from cctrace.model.types import Observation, Trace
from cctrace.store.db import HookEvent, Store
from cctrace.worker import pipeline
from support import replay

# v<X_Y_Z>_* folders hold older releases' sessions: tests/compat checks them.
FIXTURES = sorted(p.name for p in replay.FIXTURES.iterdir() if (p / "hooks.jsonl").exists()
                  and not p.name.startswith(("v1_", "v2_")))
LATER = 10**30  # "now" long after every recorded turn


def _replayed(name, tmp_path, state):
    env = dict(os.environ, CCTRACE_HOME=state,
               CCTRACE_WORKER_PYTHON=shutil.which("true") or "/bin/true")
    replay.spool_fixture(name, tmp_path / "t", env)
    pipeline.drain(state, Config(state_dir=state))
    with Store.open(state) as store:
        (summary,) = store.sessions()
        return store.session_events(summary.id), store.session_tree(summary.id)


@pytest.mark.parametrize("name", FIXTURES)
def test_real_sessions_are_fully_covered(name, tmp_path, _isolated_state):
    events, views = _replayed(name, tmp_path, str(_isolated_state))
    findings = coverage.reconcile(events, views, now_ns=LATER,
                                  known_seqs=[e.seq for e in events])
    ratios = coverage.coverage_of(findings)
    assert ratios and set(ratios.values()) == {1.0}, findings
    assert not [f for f in findings if f.severity != "info"], findings


def test_tool_calls_without_hooks_lower_coverage(tmp_path, _isolated_state):
    events, views = _replayed("parallel_tools", tmp_path, str(_isolated_state))
    tool_ids = sorted({e.tool_use_id for e in events if e.tool_use_id})
    dropped = tool_ids[0]
    # The hooks were removed before that call: neither tool event reached cctrace.
    kept = [e for e in events if e.tool_use_id != dropped]
    findings = coverage.reconcile(kept, views, now_ns=LATER)
    (miss,) = [f for f in findings if f.rule_id == "coverage.missing_tool_hooks"]
    assert miss.detail["tool_use_id"] == dropped and miss.observation_id
    (ratio,) = coverage.coverage_of(findings).values()
    assert ratio < 1.0
    # Only the PostToolUse is missing: still reported, with what is missing.
    kept = [e for e in events if not (e.tool_use_id == dropped and e.event == "PostToolUse")]
    (miss,) = [f for f in coverage.reconcile(kept, views, now_ns=LATER)
               if f.rule_id == "coverage.missing_tool_hooks"]
    assert miss.detail["pre"] and not miss.detail["post"] and "PostToolUse" in miss.title


def test_turn_not_judged_before_it_is_complete_and_settled(tmp_path, _isolated_state):
    events, views = _replayed("parallel_tools", tmp_path, str(_isolated_state))
    kept = [e for e in events if e.event not in ("PostToolUse", "PostToolUseFailure")]
    end = max(v.trace.end_ns for v in views)
    assert coverage.reconcile(kept, views, now_ns=end + 1) == []
    running = [replace(v, complete=False) for v in views]
    assert coverage.reconcile(kept, running, now_ns=LATER) == []


def test_session_without_any_hook_event(tmp_path, _isolated_state):
    _, views = _replayed("multi_turn", tmp_path, str(_isolated_state))
    first = min(v.trace.start_ns for v in views)
    (f,) = [f for f in coverage.reconcile([], views, now_ns=LATER, installed_since_ns=first)
            if f.rule_id == "coverage.no_hook_events"]
    assert f.severity == "high" and f.scores["cctrace.coverage"] == 0.0
    # Backfilled history from before the install is not a bypass.
    later = max(v.trace.end_ns for v in views) + 1
    assert not [f for f in coverage.reconcile([], views, now_ns=LATER, installed_since_ns=later)
                if f.rule_id == "coverage.no_hook_events"]


def test_spool_gaps():
    (gap,) = coverage.spool_gaps([1, 2, 3, 7, 8], now_ns=1)
    assert gap.kind == "tamper" and gap.detail == {"from": 4, "to": 6, "missing": 3}
    assert gap.scores["cctrace.tamper"] == 1.0
    assert coverage.spool_gaps([5, 6, 7], now_ns=1) == []


def _ev(seq, event, state):
    return HookEvent(seq=seq, received_ns=seq, session_id="s", event=event,
                     payload={"cwd": "/p", coverage.HOOKS_KEY: state})


def test_hook_config_changes_are_tamper_findings(tmp_path):
    home, project = tmp_path / "home", tmp_path / "proj"
    (home / ".claude").mkdir(parents=True)
    settings = home / ".claude" / "settings.json"
    ours = {"hooks": {"PreToolUse": [{"hooks": [{"type": "command",
                                                 "command": "/x/cctrace/hook/entry.py"}]}]}}
    settings.write_text(json.dumps(ours))
    before = coverage.hook_config_state(str(project), str(home))
    assert before["installed"] and not before["disable_all"]
    settings.write_text(json.dumps({"hooks": {}}))
    after = coverage.hook_config_state(str(project), str(home))
    assert after["hash"] != before["hash"] and not after["installed"]
    settings.write_text(json.dumps({**ours, "disableAllHooks": True}))
    off = coverage.hook_config_state(str(project), str(home))

    events = [_ev(1, "SessionStart", before), _ev(2, "PreToolUse", before),
              _ev(3, "Stop", after)]
    rules = {f.rule_id for f in coverage.reconcile(events, [], now_ns=LATER)}
    assert rules == {"tamper.hook_config_changed", "tamper.cctrace_uninstalled"}
    events = [_ev(1, "SessionStart", before), _ev(2, "Stop", off)]
    found = coverage.reconcile(events, [], now_ns=LATER)
    assert "tamper.hooks_disabled" in {f.rule_id for f in found}
    assert all(f.scores["cctrace.tamper"] == 1.0 for f in found)
    assert coverage.reconcile([_ev(1, "SessionStart", before), _ev(2, "Stop", before)], [],
                              now_ns=LATER) == []


def test_a_mute_is_a_coverage_finding_each_time_it_begins():
    events = [HookEvent(seq=4, received_ns=40, session_id="s", event="Stop", payload={}),
              HookEvent(seq=5, received_ns=50, session_id="s", event="CctraceMuted",
                        payload={}),
              HookEvent(seq=9, received_ns=90, session_id="s", event="CctraceMuted",
                        payload={})]
    found = coverage.reconcile(events, [], now_ns=LATER, session_id="s")
    assert [(f.kind, f.rule_id, f.severity, f.title, f.time_ns, f.session_id, f.detail,
             f.tags, f.scores) for f in found] == [
        ("coverage", "coverage.muted", "medium",
         "the session was muted: nothing after this point is recorded", t, "s",
         {"seq": seq}, [coverage.EVASION], {}) for seq, t in ((5, 50), (9, 90))]
    assert len({f.id for f in found}) == 2
    assert coverage.MUTE_BEGAN == "CctraceMuted"


def test_annotate_events_hashes_current_settings(tmp_path):
    events = [HookEvent(1, 1, "s", "SessionStart", payload={"cwd": str(tmp_path)}),
              HookEvent(2, 2, None, "unknown", payload={"unusable": True})]
    coverage.annotate_events(events, home=str(tmp_path))
    assert set(events[0].payload[coverage.HOOKS_KEY]) == {"hash", "disable_all", "installed"}
    assert coverage.HOOKS_KEY not in events[1].payload


def _tool_trace(name, tool_input, state_dir=None):
    obs = Observation(id="o" * 16, trace_id="t" * 32, parent_id="r" * 16, type="tool",
                      name=name, start_ns=1, end_ns=2, input=tool_input,
                      metadata={"tool_use_id": "toolu_1"})
    trace = Trace(id="t" * 32, session_id="s", name="turn", start_ns=0, end_ns=3,
                  observations=[obs])
    pre = HookEvent(1, 1, "s", "PreToolUse", tool_use_id="toolu_1")
    post = HookEvent(2, 2, "s", "PostToolUse", tool_use_id="toolu_1")
    return [f.rule_id for f in coverage.reconcile([pre, post], [trace], now_ns=LATER,
                                                  state_dir=state_dir)
            if f.kind == "tamper"]


@pytest.mark.parametrize("name,tool_input", [
    ("Write", {"file_path": "/home/u/.claude/settings.json", "content": "{}"}),
    ("Edit", {"file_path": "~/.claude/settings.local.json", "old_string": "a", "new_string": ""}),
    ("Edit", {"file_path": "/repo/.claude/settings.json", "old_string": "hooks"}),
    ("Bash", {"command": "sed -i '/hooks/d' ~/.claude/settings.json"}),
    ("Bash", {"command": "echo '{}' > \"$HOME/.claude/settings.json\""}),
    ("Bash", {"command": "python3 -c 'import json' ~/.claude/settings.json"}),
    ("Bash", {"command": "cctrace uninstall --all"}),
    ("Bash", {"command": "jq '.disableAllHooks=true' s.json > t"}),
    ("Write", {"file_path": "/state/config.toml", "content": "[capture]\nlevel='metadata'"}),
])
def test_tool_call_editing_hooks_or_config_is_tamper(name, tool_input):
    assert _tool_trace(name, tool_input, state_dir="/state") == ["tamper.settings_edited"]


@pytest.mark.parametrize("name,tool_input", [
    ("Read", {"file_path": "/home/u/.claude/settings.json"}),
    ("Bash", {"command": "cat ~/.claude/settings.json"}),
    ("Write", {"file_path": "/repo/settings.json", "content": "{}"}),
    ("Bash", {"command": "ls -la"}),
    ("Write", {"file_path": "/repo/config.toml", "content": ""}),
])
def test_ordinary_tool_calls_are_not_tamper(name, tool_input):
    assert _tool_trace(name, tool_input, state_dir="/state") == []


def test_tool_hooks_without_ids_are_matched_by_tool_name(tmp_path, _isolated_state):
    """Claude Code 1.0.x sends no tool_use_id: events are paired with calls by tool name
    and order, so a full session is covered and a dropped hook is still found."""
    events, views = _replayed("parallel_tools", tmp_path, str(_isolated_state))
    legacy = [replace(e, tool_use_id=None) for e in events]
    assert any(e.event == "PreToolUse" for e in legacy)
    findings = coverage.reconcile(legacy, views, now_ns=LATER)
    assert set(coverage.coverage_of(findings).values()) == {1.0}, findings
    assert not [f for f in findings if f.severity != "info"], findings
    dropped = next(e for e in legacy if e.event == "PreToolUse")
    fewer = [e for e in legacy if e.seq != dropped.seq]
    findings = coverage.reconcile(fewer, views, now_ns=LATER)
    (miss,) = [f for f in findings if f.rule_id == "coverage.missing_tool_hooks"]
    assert miss.detail["tool"] == dropped.payload["tool_name"] and not miss.detail["pre"]
    assert list(coverage.coverage_of(findings).values())[0] < 1.0
