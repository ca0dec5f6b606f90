"""End-to-end: a copy of a denied file, made in one turn and read in a later one.

The call that copies (`cp secrets/list.txt notes.txt`) loses its output, but the copy has
an ordinary name. Within one worker batch `policy.copies` remembered it; a later turn is
another batch (here after `cctrace flush`), so before the copies were kept in the store
(`policy_copies`, keyed hashes) its `cat notes.txt` went out in clear. The content is
nothing a detector recognises, and no `.env` teaches it: only the policy stands between it
and the wire. Real Claude Code CLI, scripted model.
"""

from __future__ import annotations

import re

import pytest

from support.absence import plant
from support.model_server import ToolUse, bash, text, tools
from support.traced import TracedSession
from support.withheld import ORDINARY, later_turn, withheld_everywhere

pytestmark = pytest.mark.e2e

PLANTED = "customers alice-and-bob-w8k2p5"


def test_a_copy_made_in_an_earlier_turn_is_withheld_in_a_later_one(traced: TracedSession):
    t = traced
    plant(t.home.project, "secrets/list.txt", PLANTED + "\n")
    (t.home.project / "other.txt").write_text(ORDINARY + "\n")
    t.server.add("[copy-1]", [tools(bash("cp secrets/list.txt notes.txt")), text("Copied.")])
    t.server.add("[copy-2]", [tools(bash("cat notes.txt")), tools(bash("cat other.txt")),
                              text("Read.")])
    t.prompt("Look around [copy-1]")
    assert PLANTED in later_turn(t, "copy-2")  # the tool really printed it
    withheld_everywhere(t, PLANTED, "**/secrets/** (copied by an earlier call)")


BG_PLANTED = "background-printed-r4t6y8u0"


def test_a_denied_background_commands_output_file_is_withheld_in_a_later_turn(
        traced: TracedSession):
    """2.1.x writes a background command's output to `tasks/<id>.output` and tells the
    model to `Read` it; the command read a denied file, so that file is a copy of it."""
    t = traced
    plant(t.home.project, "secrets/b.txt", BG_PLANTED + "\n")
    (t.home.project / "other.txt").write_text(ORDINARY + "\n")
    t.server.add("[bg-1]", [tools(ToolUse("Bash", {"command": "sleep 1; cat secrets/b.txt",
                                                   "description": "Print it",
                                                   "run_in_background": True})),
                            text("Started."), text("Finished.")])
    # Where 2.1.x keeps it: /tmp/claude-<uid>/<the project's path, one word>/<session>/tasks/
    # (a glob: the later call does not know the id).
    folder = re.sub(r"[^A-Za-z0-9]", "-", str(t.home.project))
    t.server.add("[bg-2]", [tools(bash(f"cat /tmp/claude-*/{folder}/*/tasks/*.output")),
                            tools(bash("cat other.txt")), text("Read.")])
    t.prompt("Look around [bg-1]")
    first = t.transcript.read_text()
    if "tasks/" not in first or "/tmp/claude-" not in first:
        pytest.skip("this Claude Code keeps no background output file under /tmp/claude-*")
    assert BG_PLANTED in later_turn(t, "bg-2")  # the later call really printed it
    withheld_everywhere(t, BG_PLANTED, "**/secrets/** (the output of an earlier call)")


BIG_PLANTED = "persisted-output-z5x7c9v1"


def test_a_withheld_calls_large_output_saved_by_claude_code_is_withheld_when_read(
        traced: TracedSession):
    """2.1.x saves a large output to `<session>/tool-results/<id>.txt` and tells the model
    to `Read` it: for a call that read a denied file, that file is a copy of it."""
    t = traced
    lines = "".join(f"row {i:05d} {BIG_PLANTED}\n" for i in range(3000))  # ~100 KB
    plant(t.home.project, "secrets/big.txt", lines)
    (t.home.project / "other.txt").write_text(ORDINARY + "\n")
    t.server.add("[big-1]", [tools(bash("cat secrets/big.txt")), text("Read.")])
    saved = f"{t.home.projects_dir}/*/tool-results/*.txt"
    t.server.add("[big-2]", [tools(bash(f"tail -n 3 {saved}")), tools(bash("cat other.txt")),
                             text("Read.")])
    t.prompt("Look around [big-1]")
    first = t.transcript.read_text()
    if "<persisted-output>" not in first:
        pytest.skip("this Claude Code saves no large output to a file")
    assert BIG_PLANTED in later_turn(t, "big-2")  # printed again
    withheld_everywhere(t, BIG_PLANTED, "**/secrets/** (the output of an earlier call)")
