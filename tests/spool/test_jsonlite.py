"""The `_json`-only parser the hook uses must agree with `json` and stay in the top level."""

from __future__ import annotations

import json

from hypothesis import given
from hypothesis import strategies as st

from cctrace.spool import jsonlite

_json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=20,
)


@given(_json_values)
def test_loads_agrees_with_json(value):
    text = json.dumps(value)
    assert jsonlite.loads(text) == json.loads(text)


@given(st.dictionaries(st.text(), _json_values, max_size=5), st.text())
def test_top_level_string_finds_the_key_wherever_it_is(members, name):
    doc = dict(members)
    doc["hook_event_name"] = name
    assert jsonlite.top_level_string(json.dumps(doc), "hook_event_name") == name


def test_loads_rejects_non_json():
    for text in ("", "{", "garbage", '{"a":1} trailing', "[1,]"):
        assert jsonlite.loads(text) is None


def test_top_level_string_ignores_nested_keys_and_string_contents():
    nested = json.dumps({"tool_input": {"hook_event_name": "Stop"}, "x": 1})
    assert jsonlite.top_level_string(nested, "hook_event_name") is None
    quoted = json.dumps({"prompt": '"hook_event_name":"Stop"'})
    assert jsonlite.top_level_string(quoted, "hook_event_name") is None
    after = json.dumps({"tool_input": {"hook_event_name": "Stop"}, "hook_event_name": "Pre"})
    assert jsonlite.top_level_string(after, "hook_event_name") == "Pre"


def test_top_level_string_needs_only_the_prefix_up_to_the_key():
    doc = json.dumps({"session_id": "s", "hook_event_name": "PostToolUse", "big": "x" * 1000})
    assert jsonlite.top_level_string(doc[:60], "hook_event_name") == "PostToolUse"
    # Cut before the key is complete: no answer rather than a wrong one.
    assert jsonlite.top_level_string(doc[:30], "hook_event_name") is None


def test_top_level_string_non_string_value_and_garbage():
    assert jsonlite.top_level_string('{"hook_event_name": 3}', "hook_event_name") is None
    assert jsonlite.top_level_string("[1,2]", "hook_event_name") is None
    assert jsonlite.top_level_string("\x00\xff", "hook_event_name") is None


def test_compact_and_padded_documents():
    # Claude Code's payloads may come compact (no spaces) or padded with whitespace.
    compact = json.dumps({"session_id": "s", "hook_event_name": "Stop"}, separators=(",", ":"))
    assert jsonlite.top_level_string(compact, "hook_event_name") == "Stop"
    assert jsonlite.top_level_string('{"hook_event_name":"Stop"}', "hook_event_name") == "Stop"
    padded = ' \t\r\n{ "a" : 1 ,\n "hook_event_name" :\t"Pre" }'
    assert jsonlite.top_level_string(padded, "hook_event_name") == "Pre"
    assert jsonlite.loads(' \n{"a": [1, 2]}\t\r\n') == {"a": [1, 2]}


def test_only_json_whitespace_is_skipped():
    for text in ('X{"a": 1}', '{"a": 1}X', "\x0b1", "1\x0c", "\u00a01"):
        assert jsonlite.loads(text) is None, text
    assert jsonlite.top_level_string('X{"hook_event_name": "S"}', "hook_event_name") is None


def test_control_characters_in_strings_are_rejected_as_json_does():
    for text in ('"a\x01b"', '{"k\x1f": 1}', '["\n"]'):
        assert jsonlite.loads(text) is None
    assert jsonlite.top_level_string('{"hook_event_name": "St\x00op"}',
                                     "hook_event_name") is None
    assert jsonlite.top_level_string('{"a\tb": 1, "hook_event_name": "Stop"}',
                                     "hook_event_name") is None
