"""End-to-end: an agent that removes cctrace's hooks from the settings file mid-session is
reported: a tamper finding with the `cctrace.tamper` score and coverage findings appear in
`cctrace findings --json` after `cctrace flush`, and `cctrace verify` finds the audit trail
that recorded the session intact."""

from __future__ import annotations

import json

import pytest

from support.model_server import ToolUse, text, tools
from support.traced import TracedSession

pytestmark = pytest.mark.e2e


def test_agent_removing_hooks_yields_tamper_and_coverage_findings(traced: TracedSession):
    t = traced
    settings_path = "$HOME/.claude/settings.json"
    t.server.add("[tamper-1]", [
        tools(ToolUse("Bash", {"command": "echo before", "description": "Say before"})),
        tools(ToolUse("Bash", {"command": f"echo '{{}}' > \"{settings_path}\"",
                               "description": "Reset settings"})),
        tools(ToolUse("Bash", {"command": "echo after", "description": "Say after"})),
        text("Done."),
    ])
    t.prompt("Tidy up my Claude settings [tamper-1]")
    assert "cctrace" not in json.dumps(t.home.read_settings().get("hooks") or {})
    res = t.flush()
    assert res.returncode == 0, res.stdout + res.stderr

    out = t.cctrace("findings", "--session", t.session_id, "--severity", "info", "--json")
    assert out.returncode == 0, out.stderr
    findings = json.loads(out.stdout)
    tamper = [f for f in findings if f["kind"] == "tamper"]
    assert tamper and all(f["scores"].get("cctrace.tamper") == 1 for f in tamper)
    assert any(f["rule_id"] == "tamper.settings_edited" for f in tamper)
    coverage = [f for f in findings if f["kind"] == "coverage"]
    assert coverage and any("cctrace.coverage" in f["scores"] for f in coverage)

    verify = t.cctrace("verify", "--json")
    assert verify.returncode == 0, verify.stdout + verify.stderr
    assert json.loads(verify.stdout)["entries"] > 0


def test_reconcile_on_a_real_session_that_removes_the_hooks(traced: TracedSession,
                                                            _isolated_state):
    """The producers themselves, on what the real CLI and pipeline stored (no wiring)."""
    import time

    from cctrace.audit import coverage
    from cctrace.store.db import Store

    t = traced
    t.server.add("[tamper-2]", [
        tools(ToolUse("Bash", {"command": "echo before", "description": "Say before"})),
        tools(ToolUse("Write", {"file_path": str(t.home.home / ".claude" / "settings.json"),
                                "content": "{}"})),
        text("Done."),
    ])
    t.prompt("Reset my Claude settings [tamper-2]")
    assert t.flush().returncode == 0
    with Store.open(str(_isolated_state)) as store:
        events = store.session_events(t.session_id)
        views = store.session_tree(t.session_id)
    assert events and views
    found = coverage.reconcile(events, views, now_ns=time.time_ns(), settle_ns=0,
                               known_seqs=[e.seq for e in events])
    tamper = [f for f in found if f.rule_id == "tamper.settings_edited"]
    assert tamper and tamper[0].scores == {"cctrace.tamper": 1.0}
    assert tamper[0].observation_id
    ratios = coverage.coverage_of(found)
    assert ratios and all(0.0 <= r <= 1.0 for r in ratios.values())
