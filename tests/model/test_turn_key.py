"""A turn's trace id: its prompt's uuid (unchanged: those ids are already in users'
Langfuse), else the prompt's byte offset within its session's file, never the offset
alone (two files would give one id, and the later turn be taken for a copy)."""

from __future__ import annotations

from cctrace.model import ids
from cctrace.model.build import BuildContext, build_traces, turn_key
from cctrace.transcript.records import Record
from transcript.synth import assistant, text, usage, user

UUID = "0b7c9f1e-2d4a-4c1e-9a55-3f1d2e6b8c70"


def _turn(prompt: dict) -> list[Record]:
    [reply] = assistant("m-1", [text("ok")], 1, stop="end_turn", use=usage())
    return [Record(prompt, 0), Record(reply, 300)]


def _no_uuid(session: str | None) -> dict:
    prompt = user("hello", 0)
    del prompt["uuid"]
    if session is None:
        del prompt["sessionId"]
    else:
        prompt["sessionId"] = session
    return prompt


def test_a_prompt_with_a_uuid_keeps_the_id_it_always_had():
    prompt = {**user("hello", 0), "uuid": UUID}
    for ctx in (BuildContext(), BuildContext(session_id="s-a"), BuildContext(session_id="s-b")):
        [trace] = build_traces(_turn(prompt), ctx).traces
        # The values main computed before the fallback changed (pinned, not recomputed).
        assert trace.id == "f0f3219487292436c142134afef998af"
        assert trace.root.id == "0c9600be9efa30af"
    assert turn_key(Record(prompt, 0), "s-a") == UUID


def test_the_same_offset_in_two_sessions_gives_two_ids():
    a = build_traces(_turn(_no_uuid(None)), BuildContext(session_id="s-a")).traces[0]
    b = build_traces(_turn(_no_uuid(None)), BuildContext(session_id="s-b")).traces[0]
    assert a.id == ids.trace_id("offset:s-a:0")
    assert b.id == ids.trace_id("offset:s-b:0")
    assert a.id != b.id and a.root.id != b.root.id
    assert (a.session_id, b.session_id) == ("s-a", "s-b")
    # Read again, the same file gives the same id (a re-read turn updates its trace).
    again = build_traces(_turn(_no_uuid(None)), BuildContext(session_id="s-a")).traces[0]
    assert again.id == a.id and again.root.id == a.root.id


def test_the_prompts_own_session_comes_first():
    # The session the record names (2.0.x keeps the parent's on copied prompts) is the
    # trace's session and its key, so a copy without uuid is still told apart by content.
    trace = build_traces(_turn(_no_uuid("s-parent")), BuildContext(session_id="s-fork")
                         ).traces[0]
    assert trace.id == ids.trace_id("offset:s-parent:0")
    assert trace.session_id == "s-parent"


def test_without_any_session_the_offset_alone():
    # `cctrace rules test FILE`: nothing names a session, nothing is stored.
    trace = build_traces(_turn(_no_uuid(None)), BuildContext()).traces[0]
    assert trace.id == "33d4b45b2cdb3533baa6aa12b5e1877e" == ids.trace_id("offset:0")
    assert turn_key(Record(_no_uuid(None), 42), "") == "offset:42"
    assert turn_key(Record(_no_uuid(None), 42), "s") == "offset:s:42"
