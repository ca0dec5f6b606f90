"""The doctor's `agent` check: `audit.agent_tamper` findings fail it until looked at."""

from __future__ import annotations

import os

from cctrace.audit import selferase
from cctrace.checks import agenttamper, registry
from cctrace.checks.base import FAIL, OK
from cctrace.findings import Finding
from cctrace.store.db import Store


def test_no_finding_is_ok_and_any_fails_naming_the_latest():
    home = os.environ["CCTRACE_HOME"]
    with Store.open() as store:
        store.add_findings([Finding("0" * 16, "tamper", "tamper.settings_edited", "high",
                                    "t", 5, "s1")])
    ok = agenttamper.check_agent_tamper(home)
    assert (ok.name, ok.status, ok.detail) == (
        "agent", OK, "no erasure or change of cctrace from inside a session")
    with Store.open() as store:
        store.add_findings([selferase.finding("cctrace config set audit.enabled", ["x"],
                                              now_ns=10),
                            selferase.finding("cctrace purge --session s1", ["x"], ["s1"],
                                              now_ns=20)])
    bad = agenttamper.check_agent_tamper(home)
    assert (bad.status, bad.detail, bad.data) == (
        FAIL, "2 erasure(s) or change(s) of cctrace made as if by an agent (latest: cctrace "
        "purge --session s1)", {"findings": 2})


def test_the_failing_check_names_itself_and_what_to_run():
    home = os.environ["CCTRACE_HOME"]
    with Store.open() as store:
        store.add_findings([selferase.finding("cctrace setup", ["x"], now_ns=10)])
    bad = agenttamper.check_agent_tamper(home)
    assert bad.json() == {
        "name": "agent", "status": FAIL, "detail": "1 erasure(s) or change(s) of cctrace "
        "made as if by an agent (latest: cctrace setup)",
        "fix": "cctrace findings --kind tamper (they name the command and why; the audit log "
        "holds them, `cctrace verify` shows if one goes)", "data": {"findings": 1}}


def test_a_finding_whose_action_was_cut_out_of_the_store_still_fails_the_check():
    # The row's detail rewritten without its action (which `cctrace verify` names as a
    # changed row): the check still fails, naming no command.
    home = os.environ["CCTRACE_HOME"]
    with Store.open() as store:
        store.add_findings([Finding("1" * 16, "tamper", selferase.RULE, "high", "t", 5, None,
                                    detail={"reasons": ["x"]})])
    bad = agenttamper.check_agent_tamper(home)
    assert (bad.status, bad.detail) == (
        FAIL, "1 erasure(s) or change(s) of cctrace made as if by an agent (latest: ?)")


def test_doctor_before_setup_runs_no_agent_check_and_creates_no_state_dir(tmp_path):
    state = tmp_path / "not-set-up"
    checks = registry.run_checks(offline=True, cwd=str(tmp_path), env={"HOME": str(tmp_path),
                                 "PATH": ""}, state_dir=str(state), now_s=0.0,
                                 probe_claude=False)
    assert [c.name for c in checks if c.name == "agent"] == []
    assert not state.exists()
