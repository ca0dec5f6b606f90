"""End-to-end: Claude Code's own transcript read back by the agent in a later turn.

The transcript keeps every tool output in clear, the content of denied files the policy
withheld included: `grep <word> ~/.claude/projects/<project>/<session>.jsonl` in a later
turn (another worker batch) printed it again under an ordinary-looking name. Claude
Code's transcripts, its login and its prompt history are on the built-in deny list. Real
Claude Code CLI, scripted model.
"""

from __future__ import annotations

import json

import pytest

from support.absence import leaks, plant, settled, state_store_text
from support.model_server import bash, text, tools
from support.traced import TracedSession

pytestmark = pytest.mark.e2e

PLANTED = "customers carol-and-dan-m3n5b7"


def test_reading_the_sessions_transcript_later_is_withheld(traced: TracedSession):
    t = traced
    plant(t.home.project, "secrets/c.txt", PLANTED + "\n")
    (t.home.project / "other.txt").write_text("ordinary-notes-k2m4\n")
    t.server.add("[own-1]", [tools(bash("cat secrets/c.txt")), text("Read.")])
    t.server.add("[own-2]", [tools(bash(f"grep -o 'customers [a-z0-9-]*' {t.transcript}")),
                             tools(bash("cat other.txt")), text("Found.")])
    t.prompt("Look around [own-1]")
    assert t.flush().returncode == 0
    first = t.transcript.read_text()
    t.prompt("Look around [own-2]")
    res = t.flush()
    assert res.returncode == 0, res.stdout + res.stderr

    assert PLANTED in t.transcript.read_text()[len(first):]  # the grep really printed it
    wire = json.dumps(t.receiver.spans())
    assert "ordinary-notes-k2m4" in wire
    assert not leaks(PLANTED, wire)
    assert "[WITHHELD:path-policy **/.claude/projects/**/*.jsonl]" in wire
    settled(str(t.state))
    stored = state_store_text(str(t.state))
    assert "ordinary-notes-k2m4" in stored and not leaks(PLANTED, stored)
