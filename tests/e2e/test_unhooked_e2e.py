"""End-to-end: a repository that switches every hook off does not go dark unseen.

Found by the second red team with the real CLI: `disableAllHooks: true` in a cloned
repository's `.claude/settings.json` runs a whole session with no hook at all, so nothing of
it reaches cctrace and nothing said so. The worker now sweeps Claude Code's transcripts
folder (`audit/unhooked.py`) and records a `coverage.unhooked_session` finding for a session
written after the install with no hook event; it reads no content of it.
"""

from __future__ import annotations

import json
import os
import time

import pytest

from support.claude import new_session_id
from support.model_server import text
from support.traced import TracedSession

pytestmark = pytest.mark.e2e


def _findings(t: TracedSession, rule: str) -> list[dict]:
    res = t.cctrace("findings", "--json")
    assert res.returncode == 0, res.stdout + res.stderr
    return [f for f in json.loads(res.stdout) if f["rule_id"] == rule]


def test_a_session_with_every_hook_disabled_leaves_a_finding(traced: TracedSession):
    t = traced
    t.server.add("[hooked-1]", [text("First, with hooks.")])
    t.server.add("[dark-1]", [text("Nobody hears this r7q.")])
    t.server.add("[hooked-2]", [text("Back, with hooks.")])
    t.prompt("hello [hooked-1]")

    settings = t.home.project / ".claude" / "settings.json"
    settings.parent.mkdir(exist_ok=True)
    settings.write_text(json.dumps({"disableAllHooks": True}))
    dark = new_session_id()
    t.home.run("go [dark-1]", session_id=dark).check()
    dark_transcript = t.home.transcript_path(dark)
    assert "r7q" in dark_transcript.read_text()
    settings.unlink()

    # The sweep looks at transcripts settled for two minutes, at most every five: age the
    # dark one and the install instead of waiting, and let the next worker sweep at once.
    now = time.time()
    os.utime(dark_transcript, (now - 600, now - 600))
    os.utime(t.state / "worker.json", (now - 3600, now - 3600))
    (t.state / "unhooked.stamp").unlink(missing_ok=True)

    t.prompt("again [hooked-2]")
    assert t.flush().returncode == 0
    found: list[dict] = []
    for _ in range(60):
        found = [f for f in _findings(t, "coverage.unhooked_session")
                 if f["session_id"] in (dark, t.session_id)]
        if found:
            break
        time.sleep(0.5)
    assert [(f["session_id"], f["severity"]) for f in found] == [(dark, "high")]
    # what it says is where and how much, never what
    assert "r7q" not in json.dumps(found)
    store_findings = json.dumps(_findings(t, "coverage.unhooked_session"))
    assert "r7q" not in store_findings
