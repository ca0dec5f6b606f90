"""What Langfuse shows of a turn: readable error texts, background subagents on a sane
timeline and linked to the call that launched them (issue 14, item 5). On the recorded
2.1.328 fixtures `api_error` and `subagent`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cctrace.model import ids
from cctrace.model.build import BuildContext, build_traces
from cctrace.model.content import error_text
from cctrace.transcript.locate import sidechain_loader
from cctrace.transcript.reader import read_new

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "transcripts"


def _built(name: str, ctx: dict | None = None):
    folder = FIXTURES / name
    path = folder / json.loads((folder / "scenario.json").read_text())["transcript"]
    records = read_new(str(path)).records
    return records, build_traces(records, BuildContext(
        load_sidechain=sidechain_loader(str(path)), final=True, **(ctx or {}))).traces


@pytest.mark.parametrize(("error", "text"), [
    ({"message": '500 {"type":"error","error":{"type":"api_error","message":"injected 500"}}',
      "status": 500, "formatted": "500 injected 500"}, "HTTP 500: injected 500 (api_error)"),
    ({"status": 529, "error": {"type": "error", "error": {"type": "overloaded_error",
                                                          "message": "Overloaded"}}},
     "HTTP 529: Overloaded (overloaded_error)"),
    ({"status": 400, "formatted": "400 bad request"}, "HTTP 400: 400 bad request"),
    ({"message": "Connection error."}, "Connection error."),
    ({}, "API error"),
    ("Request timed out", "Request timed out"),
    (None, None),
])
def test_error_text_is_the_apis_message_and_status_never_a_repr(error, text):
    assert error_text(error) == text


def test_api_error_events_read_as_text():
    _, traces = _built("api_error")
    events = [o for t in traces for o in t.observations if o.name == "api_error"]
    assert [e.status_message for e in events] == [
        "HTTP 500: injected 500 (api_error) (retry 1 of 10)",
        "HTTP 529: injected 529 (overloaded_error) (retry 1 of 10)",
    ]
    assert all("{" not in e.status_message for e in events)


def test_background_subagent_starts_with_its_turn_and_names_the_launching_trace():
    records, traces = _built("subagent")
    launch, note = traces[0], traces[1]
    (tool,) = [o for o in launch.observations if o.type == "tool" and o.name == "Agent"]
    assert tool.metadata["async"] is True
    (agent,) = [o for o in note.observations if o.type == "agent" and o.parent_id]
    root = note.observations[0]
    assert root.parent_id is None
    # The subagent began before its completion was fed back: the turn starts with it.
    prompt_ns = next(r.timestamp_ns for r in records
                     if r.type == "user" and "<task-notification>" in r.text)
    assert agent.start_ns < prompt_ns
    assert root.start_ns == note.start_ns == agent.start_ns
    assert all(o.start_ns >= root.start_ns for o in note.observations)
    assert agent.metadata["launched_by_tool_use_id"] == tool.metadata["tool_use_id"]
    assert agent.metadata["launched_by_trace_id"] == launch.id
    assert tool.metadata["agent_id"] == agent.metadata["agent_id"]


def test_launching_trace_of_an_earlier_build_comes_from_the_context():
    records, _ = _built("subagent")
    note_at = next(i for i, r in enumerate(records)
                   if r.type == "user" and "<task-notification>" in r.text)
    folder = FIXTURES / "subagent"
    path = folder / json.loads((folder / "scenario.json").read_text())["transcript"]
    asked = []

    def trace_of_tool(tool_id: str) -> str | None:
        asked.append(tool_id)
        return "launch-trace"

    traces = build_traces(records[note_at:], BuildContext(
        load_sidechain=sidechain_loader(str(path)), final=True,
        trace_of_tool=trace_of_tool)).traces
    (agent,) = [o for o in traces[0].observations if o.type == "agent" and o.parent_id]
    assert agent.metadata["launched_by_trace_id"] == "launch-trace"
    assert asked == [agent.metadata["launched_by_tool_use_id"]]
    assert ids.span_id("agent", agent.metadata["agent_id"]) == agent.id
