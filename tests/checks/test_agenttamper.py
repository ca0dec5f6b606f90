"""The doctor's `agent` check: `audit.agent_tamper` findings fail it until looked at."""

from __future__ import annotations

import os

from cctrace.audit import selferase
from cctrace.checks import agenttamper
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
