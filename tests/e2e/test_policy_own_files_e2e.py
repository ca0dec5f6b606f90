"""End-to-end: Claude Code's own transcript read back by the agent in a later turn.

The transcript keeps every tool output in clear, the content of denied files the policy
withheld included: `grep <word> ~/.claude/projects/<project>/<session>.jsonl` in a later
turn (another worker batch) printed it again under an ordinary-looking name. Claude
Code's transcripts, its login and its prompt history are on the built-in deny list. Real
Claude Code CLI, scripted model.
"""

from __future__ import annotations

import pytest

from support.absence import plant
from support.model_server import bash, text, tools
from support.traced import TracedSession
from support.withheld import ORDINARY, later_turn, withheld_everywhere

pytestmark = pytest.mark.e2e

PLANTED = "customers carol-and-dan-m3n5b7"


def test_reading_the_sessions_transcript_later_is_withheld(traced: TracedSession):
    t = traced
    plant(t.home.project, "secrets/c.txt", PLANTED + "\n")
    (t.home.project / "other.txt").write_text(ORDINARY + "\n")
    t.server.add("[own-1]", [tools(bash("cat secrets/c.txt")), text("Read.")])
    t.server.add("[own-2]", [tools(bash(f"grep -o 'customers [a-z0-9-]*' {t.transcript}")),
                             tools(bash("cat other.txt")), text("Found.")])
    t.prompt("Look around [own-1]")
    assert PLANTED in later_turn(t, "own-2")  # the grep really printed it
    withheld_everywhere(t, PLANTED, "**/.claude/projects/**/*.jsonl")
