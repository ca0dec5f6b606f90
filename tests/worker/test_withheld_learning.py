"""What the policy withheld is learned by the redactor: the model read it and repeats it.

A turn reads a denied file (withheld), then the model quotes a value of it in its answer,
in a `Write` of another file and in a command. Nothing there names the denied file and
the value has no format a detector knows: only the values learned from the withheld
output (`worker.redactors.learn_withheld`) keep it out of the store and the export.
"""

from __future__ import annotations

from cctrace.worker import redactors
from support.absence import leaks, state_store_text
from transcript.synth import assistant, flatten, text, tool_result, tool_use, user
from worker.test_user_shell import process

VALUE = "carol-and-dan-m3n5b7x9"


def test_a_value_the_model_repeats_from_a_withheld_read_is_swept(tmp_path, monkeypatch):
    monkeypatch.setattr(redactors, "_learned", {})  # this test's own worker memory
    state = str(tmp_path / "state")
    transcript = tmp_path / "sess-1.jsonl"
    records = flatten(
        user("set things up", 0.0),
        assistant("m1", [tool_use("t1", "Read", {"file_path": "/home/dev/proj/secrets/c.txt"})],
                  1, stop="tool_use"),
        tool_result("t1", f"     1→customers: {VALUE}\n     2→region: eu-west\n", 2),
        assistant("m2", [text(f"The customers are {VALUE}."),
                         tool_use("t2", "Write", {"file_path": "/home/dev/proj/notes.txt",
                                                  "content": f"list {VALUE}"})],
                  3, stop="tool_use"),
        tool_result("t2", "written", 4),
        assistant("m3", [text("Done, region eu-west.")], 5, stop="end_turn"),
    )
    process(state, transcript, records)
    stored = state_store_text(state)
    assert not leaks(VALUE, stored)
    assert "[REDACTED:withheld_value:" in stored
    assert "region eu-west" in stored  # an ordinary word of the file is no value
