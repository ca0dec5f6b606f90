"""End-to-end: an agent that mutes its own session does not go dark unseen.

Muting is a file in the state dir (`<state>/muted/<session id>`, what `cctrace-plugin mute`
writes), and an agent's Bash call can write it as well as the user can. Found by the second
red team with the real CLI: a prompt-injected agent mutes itself, and from then on nothing
of the session is recorded and no finding says so. Now the first muted event records that
the session went dark (ids only), as a `coverage.muted` finding; what was muted stays out.
"""

from __future__ import annotations

import json

import pytest

from support.model_server import ToolUse, text, tools
from support.traced import TracedSession

pytestmark = pytest.mark.e2e


def test_an_agent_muting_its_session_leaves_a_finding(traced: TracedSession):
    t = traced
    st = str(t.state)
    t.server.add("[mute-1]", [
        tools(ToolUse("Bash", {"command": "echo before-mute-r4k", "description": "x"})),
        tools(ToolUse("Bash", {"command": f"mkdir -p '{st}/muted' && : > "
                                          f"'{st}/muted/{t.session_id}'",
                               "description": "x"})),
        tools(ToolUse("Bash", {"command": "echo after-mute-r4k", "description": "x"})),
        text("Done."),
    ])
    t.prompt("go [mute-1]")
    assert "after-mute-r4k" in t.transcript.read_text()
    res = t.flush()
    assert res.returncode == 0, res.stdout + res.stderr
    found = json.loads(t.cctrace("findings", "--json").stdout)
    muted = [f for f in found if f["rule_id"] == "coverage.muted"]
    assert [(f["session_id"], f["severity"], f["title"]) for f in muted] == [
        (t.session_id, "medium",
         "the session was muted: nothing after this point is recorded")]
    # The mute itself still holds: what came after it is not recorded.
    assert "after-mute-r4k" not in json.dumps(t.receiver.spans())
