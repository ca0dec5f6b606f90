"""End-to-end: the model repeats what a withheld read showed it.

`cat secrets/d.txt` is withheld, but the model read the file and quotes a value of it in
its answer and in a file it writes, where nothing names the denied file and no detector
knows the value's shape. The worker learns the withheld output's secret-looking values
and sweeps them everywhere. Real Claude Code CLI, scripted model.
"""

from __future__ import annotations

import json

import pytest

from support.absence import leaks, plant, settled, state_store_text
from support.model_server import ToolUse, bash, text, tools
from support.traced import TracedSession

pytestmark = pytest.mark.e2e

VALUE = "erin-and-frank-p9o8i7u6"


def test_a_value_the_model_repeats_from_a_withheld_read_is_swept(traced: TracedSession):
    t = traced
    plant(t.home.project, "secrets/d.txt", f"customers: {VALUE}\nregion: eu-west\n")
    t.server.add("[rep-1]", [
        tools(bash("cat secrets/d.txt")),
        tools(ToolUse("Write", {"file_path": t.p("notes.txt"), "content": f"list {VALUE}\n"})),
        text(f"The customers are {VALUE}, in region eu-west."),
    ])
    t.prompt("Look around [rep-1]")
    res = t.flush()
    assert res.returncode == 0, res.stdout + res.stderr

    assert (t.home.project / "notes.txt").read_text() == f"list {VALUE}\n"  # it really ran
    wire = json.dumps(t.receiver.spans())
    assert not leaks(VALUE, wire)
    assert "[REDACTED:withheld_value:" in wire and "region eu-west" in wire
    settled(str(t.state))
    assert not leaks(VALUE, state_store_text(str(t.state)))
