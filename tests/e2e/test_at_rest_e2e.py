"""End-to-end with the real CLI: a failed Bash on a denied file leaves its content nowhere
at rest (hook event `error` included), a purged session stays purged through `flush` and
`import`, and `verify` proves the store before and after."""

from __future__ import annotations

import json
import os

import pytest

from support.absence import assert_absent, settled, state_store_text
from support.model_server import ToolUse, text, tools
from support.traced import TracedSession

pytestmark = pytest.mark.e2e
PLAN = "BLUEHERON-7731 launch window 2027-03-01"


def _state_hits(state) -> list[str]:
    settled(str(state))
    hits = []
    for folder, _, files in os.walk(state):
        for name in files:
            path = os.path.join(folder, name)
            if PLAN.encode() in open(path, "rb").read():
                hits.append(os.path.relpath(path, state))
    return hits


def test_failed_bash_on_a_denied_file_purge_import_verify(traced: TracedSession,
                                                            _isolated_state):
    from cctrace.store.db import Store

    t = traced
    (t.home.project / "secrets").mkdir()
    (t.home.project / "secrets" / "plan.txt").write_text(PLAN + "\n")
    t.server.add("[rest-1]", [
        tools(ToolUse("Bash", {"command": "cat secrets/plan.txt; exit 3",
                               "description": "Show the plan"})),
        text("It failed."),
    ])
    t.prompt("Show me the plan [rest-1]")
    res = t.flush()
    assert res.returncode == 0, res.stdout + res.stderr

    with Store.open(str(_isolated_state)) as store:
        events = store.session_events(t.session_id)
        failed = [e for e in events if e.event == "PostToolUseFailure"]
        assert failed, [e.event for e in events]
        assert failed[0].payload["error"]["omitted"] is True
        assert PLAN not in json.dumps([e.payload for e in events])
        assert all(PLAN not in json.dumps(f.detail) for f in store.findings())
    assert _state_hits(_isolated_state) == []
    assert PLAN not in json.dumps(t.receiver.spans())
    assert_absent(PLAN, t.receiver.spans(), state_store_text(str(_isolated_state)))

    verify = t.cctrace("verify", "--json")
    assert verify.returncode == 0, verify.stdout + verify.stderr
    assert json.loads(verify.stdout)["store_rows"] > 0

    purge = t.cctrace("purge", "--session", t.session_id, "--local-only")
    assert purge.returncode == 0, purge.stdout + purge.stderr
    again = t.cctrace("import", str(t.transcript), "--live-minutes", "0")
    assert again.returncode == 0, again.stdout + again.stderr
    assert t.flush().returncode == 0
    sessions = t.cctrace("sessions", "--json")
    assert t.session_id not in sessions.stdout
    verify = t.cctrace("verify")
    assert verify.returncode == 0, verify.stdout + verify.stderr
