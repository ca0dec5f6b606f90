"""Stored hook events keep ids, names, sizes and durations only, at every capture level."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cctrace.config import Config
from cctrace.policy import Policy
from cctrace.redact.stage import NullRedactor
from cctrace.spool.reader import SpoolEntry
from cctrace.store.db import Store
from cctrace.worker import hookevents, pipeline

PLAN = "TOP SECRET launch plan: codename BLUEHERON, date 2027-03-01"


def _failed_bash() -> dict:
    return {
        "session_id": "s1", "hook_event_name": "PostToolUseFailure", "tool_name": "Bash",
        "tool_use_id": "toolu_1", "cwd": "/p", "transcript_path": "/p/t.jsonl",
        "tool_input": {"command": "cat secrets/plan.txt; exit 3"},
        "error": f"Exit code 3\n{PLAN}", "is_interrupt": False, "duration_ms": 12,
        "brand_new_field": {"text": PLAN}, "weird key!": PLAN,
        "reason": PLAN * 20,
    }


def _entry(payload: dict, seq: int = 1) -> SpoolEntry:
    return SpoolEntry(seq, 1_000, payload["hook_event_name"], payload, "/nowhere", 100)


@pytest.mark.parametrize("level", ["metadata", "redacted", "full"])
def test_a_failed_bash_leaves_no_content_in_the_stored_event(level, _isolated_state):
    policy = Policy.from_config(Config(state_dir=str(_isolated_state),
                                       raw={"capture": {"level": level}}))
    ev = pipeline.to_hook_event(_entry(_failed_bash()), NullRedactor(), policy)
    with Store.open(str(_isolated_state)) as store:
        store.insert_hook_events([ev])
        stored = store.session_events("s1")[0].payload
        tools = store.hook_tools(["toolu_1"])
    text = json.dumps(stored)
    assert "BLUEHERON" not in text and "secrets/plan.txt" not in text
    assert stored["error"] == {"omitted": True, "chars": len(_failed_bash()["error"])}
    assert stored["tool_input"]["omitted"] and stored["brand_new_field"]["omitted"]
    assert stored["reason"]["omitted"]  # an allowed name with a long value: size only
    assert "weird key!" not in stored
    assert stored["duration_ms"] == 12 and stored["tool_name"] == "Bash"
    assert set(stored) <= hookevents.stored_keys() | set(_failed_bash())
    assert tools["toolu_1"]["failed"] and tools["toolu_1"]["duration_ms"] == 12
    assert not isinstance(tools["toolu_1"]["error"], str)


def test_every_value_kept_is_a_short_scalar():
    wide = {f"f{i}": "x" for i in range(500)} | {"session_id": "s", "hook_event_name": "Stop"}
    slim = hookevents.slim_payload(wide)
    assert len(slim) <= hookevents.MAX_FIELDS + 1
    for value in slim.values():
        assert value is None or isinstance(value, (str, int, float, bool)) or (
            isinstance(value, dict) and set(value) == {"omitted", "chars"})

_values = st.recursive(st.none() | st.booleans() | st.integers() | st.text(max_size=40),
                       lambda inner: st.lists(inner, max_size=3)
                       | st.dictionaries(st.text(max_size=8), inner, max_size=3), max_leaves=8)


@settings(max_examples=80, deadline=None)
@given(st.dictionaries(st.sampled_from(sorted(hookevents.KEPT_FIELDS)) | st.text(max_size=12),
                       _values, max_size=12))
def test_only_allow_listed_short_scalars_keep_their_value(payload):
    slim = hookevents.slim_payload(payload)
    for key, value in slim.items():
        if key in hookevents.KEPT_FIELDS and key in payload and value == payload[key]:
            assert value is None or isinstance(value, (bool, int, float)) or (
                isinstance(value, str) and len(value) <= hookevents.MAX_VALUE_CHARS)
        elif key != "omitted_fields":
            assert value == {"omitted": True, "chars": value["chars"]}
