"""Hostile input to the hook's stdin handling and the transcript parser/builder.

Three layers, all always run: the committed fuzz corpus (`fuzz/corpus/`, inputs atheris
found interesting) replayed through the targets; hypothesis properties over structured
and raw inputs (a short run here; `HYPOTHESIS_PROFILE=long` for a long one); and the real
hook process on a handful of hostile payloads (exit 0, nothing on stdout, no hang).
"""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from support.hookrun import hook_argv, pin_worker

REPO = Path(__file__).resolve().parents[2]


def _load_targets():
    # By path: `tests/fuzz` is itself a package named `fuzz`, which shadows the top level.
    spec = importlib.util.spec_from_file_location("cctrace_fuzz_targets",
                                                  REPO / "fuzz" / "targets.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


targets = _load_targets()

settings.register_profile("ci", max_examples=60, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("long", max_examples=20_000, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow])
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

CORPUS = REPO / "fuzz" / "corpus"
ENTRY = REPO / "src" / "cctrace" / "hook" / "entry.py"


@pytest.mark.parametrize("path", sorted((CORPUS / "hook").iterdir()), ids=lambda p: p.name)
def test_hook_corpus(path):
    targets.hook_target(path.read_bytes())


@pytest.mark.parametrize("path", sorted((CORPUS / "transcript").iterdir()),
                         ids=lambda p: p.name)
def test_transcript_corpus(path):
    targets.transcript_target(path.read_bytes())


json_leaf = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True),
                      st.text(max_size=40))
json_value = st.recursive(json_leaf, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=12), inner, max_size=4)),
    max_leaves=20)
HOOK_KEYS = ["hook_event_name", "session_id", "transcript_path", "cwd", "tool_name",
             "tool_use_id", "tool_input", "tool_response", "prompt", "agent_id"]


@given(st.binary(max_size=3000))
def test_hook_raw_bytes(data):
    targets.hook_target(data)


@given(st.dictionaries(st.sampled_from(HOOK_KEYS), json_value, max_size=8),
       st.sampled_from([b"", b" ", b"\n", b"\x00", b"}", b"\xff"]))
def test_hook_structured_payloads(doc, tail):
    targets.hook_target(json.dumps(doc).encode() + tail)


record_type = st.sampled_from(["user", "assistant", "system", "attachment", "summary",
                               "queue-operation", "future-type", ""])
block = st.fixed_dictionaries({"type": st.sampled_from(["text", "tool_use", "tool_result",
                                                        "thinking", "image", "x"])},
                              optional={"id": st.text(max_size=8), "text": json_value,
                                        "tool_use_id": st.text(max_size=8),
                                        "input": json_value, "content": json_value,
                                        "is_error": json_value, "name": json_value})
message = st.fixed_dictionaries({}, optional={
    "id": st.text(max_size=6), "role": st.sampled_from(["user", "assistant"]),
    "model": st.text(max_size=20), "content": st.one_of(st.text(max_size=30),
                                                        st.lists(block, max_size=4), json_leaf),
    "usage": st.one_of(json_value, st.fixed_dictionaries({}, optional={
        "input_tokens": json_leaf, "output_tokens": json_leaf})),
    "stop_reason": st.one_of(st.none(), st.sampled_from(["end_turn", "tool_use"]))})
record = st.fixed_dictionaries({"type": record_type}, optional={
    "uuid": st.text(max_size=6), "parentUuid": st.one_of(st.none(), st.text(max_size=6)),
    "timestamp": st.one_of(st.sampled_from(["2026-01-01T00:00:00.000Z",
                                            "1999-12-31T23:59:59Z", "garbage"]),
                           json_leaf),
    "message": st.one_of(message, json_value), "isSidechain": json_leaf,
    "toolUseResult": json_value, "subtype": json_leaf, "sessionId": json_leaf,
    "agentId": json_leaf, "isMeta": json_leaf})


@given(st.lists(record, max_size=25), st.sampled_from([b"", b"{\"type\":", b"\n\n", b"\xff"]))
def test_transcript_structured_records(records, tail):
    data = b"\n".join(json.dumps(r).encode() for r in records) + b"\n" + tail
    targets.transcript_target(data)


@given(st.binary(max_size=3000))
def test_transcript_raw_bytes(data):
    targets.transcript_target(data)


HOSTILE = [
    b"", b"\x00" * 1000, b"{" * 100_000, b"[" * 50_000 + b"]" * 50_000,
    b'{"hook_event_name": "Stop", "x": "' + b"\xff\xfe" * 1000 + b'"}',
    b'{"hook_event_name": "' + b"A" * 10_000 + b'"}',
    b'{"hook_event_name": "Stop\\u0000; rm -rf /"}',
    json.dumps({"hook_event_name": "Stop", "transcript_path": "/dev/zero"}).encode(),
    b'{"hook_event_name": 1e999999}',
]


@pytest.mark.parametrize("payload", HOSTILE, ids=range(len(HOSTILE)))
def test_real_hook_process_exits_0_silently(payload, _isolated_state):
    pin_worker(_isolated_state, "/bin/true")
    res = subprocess.run(hook_argv(_isolated_state, entry=ENTRY), input=payload,
                         capture_output=True, env=dict(os.environ), timeout=30)
    assert res.returncode == 0 and res.stdout == b""
