"""Span mapping, checked on the decoded OTLP protobuf (what a receiver actually sees)."""

from __future__ import annotations

import json
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest
from opentelemetry.proto.trace.v1.trace_pb2 import Status

from cctrace import __version__
from cctrace.export.encode import encode
from cctrace.export.spans import make_resource, sanitize_environment, to_spans


def _value(v):
    kind = v.WhichOneof("value")
    if kind == "array_value":
        return [_value(x) for x in v.array_value.values]
    return getattr(v, kind)


def _decode(trace):
    resource = make_resource("Dev Box!", "r1")
    req = ExportTraceServiceRequest()
    req.ParseFromString(encode(to_spans(trace, trace.observations, resource)))
    return req


def _spans_by_id(req):
    out = {}
    for rs in req.resource_spans:
        for ss in rs.scope_spans:
            for span in ss.spans:
                out[span.span_id.hex()] = (span, {a.key: _value(a.value) for a in span.attributes})
    return out


def test_trace_level_attributes_on_every_span(make_trace):
    trace = make_trace(n_tools=2)
    spans = _spans_by_id(_decode(trace))
    assert len(spans) == len(trace.observations)
    for _span, attrs in spans.values():
        assert attrs["langfuse.trace.name"] == "claude-code"
        assert attrs["langfuse.session.id"] == "sess-1"
        assert attrs["session.id"] == "sess-1"
        assert attrs["langfuse.user.id"] == "user-1"
        assert attrs["langfuse.trace.tags"] == ["claude-code", "repo:demo"]
        assert attrs["langfuse.release"] == "r1"
        assert attrs["langfuse.environment"] == "dev-box"
        assert json.loads(attrs["langfuse.trace.metadata.repo"]) == "demo"
        assert json.loads(attrs["langfuse.trace.metadata.turn"]) == 1


def test_langfuse_version_is_claude_codes_and_cctraces_goes_in_metadata(make_trace):
    trace = make_trace(n_tools=1)
    trace.metadata = {**trace.metadata, "version": "2.1.328"}
    spans = _spans_by_id(_decode(trace))
    for _span, attrs in spans.values():
        assert attrs["langfuse.version"] == "2.1.328"
        assert json.loads(attrs["langfuse.trace.metadata.cctrace_version"]) == __version__
    # A transcript that names no Claude Code release sends no version of its own.
    del trace.metadata["version"]
    for _span, attrs in _spans_by_id(_decode(trace)).values():
        assert "langfuse.version" not in attrs


def test_user_id_omitted_when_unset(make_trace):
    trace = make_trace()
    trace.user_id = None
    for _span, attrs in _spans_by_id(_decode(trace)).values():
        assert "langfuse.user.id" not in attrs


def test_generation_attributes(make_trace):
    trace = make_trace()
    gen = trace.observations[1]
    span, attrs = _spans_by_id(_decode(trace))[gen.id]
    assert span.name == "claude"
    assert attrs["langfuse.observation.type"] == "generation"
    assert json.loads(attrs["langfuse.observation.input"]) == gen.input
    assert json.loads(attrs["langfuse.observation.output"]) == gen.output
    assert attrs["langfuse.observation.model.name"] == gen.model
    assert json.loads(attrs["langfuse.observation.model.parameters"]) == {"max_tokens": 1000}
    assert json.loads(attrs["langfuse.observation.usage_details"]) == gen.usage
    assert json.loads(attrs["langfuse.observation.cost_details"]) == gen.cost
    assert attrs["langfuse.observation.level"] == "DEFAULT"
    assert json.loads(attrs["langfuse.observation.completion_start_time"]) == (
        "2023-11-14T22:13:20.623456Z"
    )
    assert json.loads(attrs["langfuse.observation.metadata.stop_reason"]) == "end_turn"
    assert attrs["gen_ai.request.model"] == gen.model
    assert attrs["gen_ai.usage.input_tokens"] == 100
    assert attrs["gen_ai.usage.output_tokens"] == 20
    assert "langfuse.trace.input" not in attrs


def test_strings_are_sent_raw_and_cost_only_when_set(make_trace):
    trace = make_trace()
    tool = trace.observations[2]
    _span, attrs = _spans_by_id(_decode(trace))[tool.id]
    assert attrs["langfuse.observation.output"] == "a\nb"
    assert attrs["langfuse.observation.type"] == "tool"
    assert "langfuse.observation.cost_details" not in attrs
    assert "langfuse.observation.usage_details" not in attrs
    assert "gen_ai.request.model" not in attrs


def test_error_level_sets_otel_error_status(make_trace):
    trace = make_trace()
    err = trace.observations[-1]
    span, attrs = _spans_by_id(_decode(trace))[err.id]
    assert attrs["langfuse.observation.level"] == "ERROR"
    assert attrs["langfuse.observation.status_message"] == "file not found"
    assert span.status.code == Status.STATUS_CODE_ERROR
    assert span.status.message == "file not found"
    ok_span, _ = _spans_by_id(_decode(trace))[trace.observations[1].id]
    assert ok_span.status.code == Status.STATUS_CODE_UNSET


def test_nesting_and_backdated_times(make_trace):
    trace = make_trace(n_tools=2)
    spans = _spans_by_id(_decode(trace))
    for obs in trace.observations:
        span, _ = spans[obs.id]
        assert span.trace_id.hex() == trace.id
        assert span.start_time_unix_nano == obs.start_ns
        assert span.end_time_unix_nano == obs.end_ns
        if obs.parent_id is None:
            assert span.parent_span_id == b""
        else:
            assert span.parent_span_id.hex() == obs.parent_id


def test_root_carries_trace_input_output(make_trace):
    trace = make_trace()
    root = trace.observations[0]
    _span, attrs = _spans_by_id(_decode(trace))[root.id]
    assert json.loads(attrs["langfuse.trace.input"]) == {"prompt": "hello"}
    assert attrs["langfuse.trace.output"] == "done"
    trace.input = {"prompt": "explicit"}
    _span, attrs = _spans_by_id(_decode(trace))[root.id]
    assert json.loads(attrs["langfuse.trace.input"]) == {"prompt": "explicit"}


def test_resource_and_scope(make_trace):
    req = _decode(make_trace())
    [rs] = req.resource_spans
    res = {a.key: _value(a.value) for a in rs.resource.attributes}
    assert res["service.name"] == "cctrace"
    assert res["service.version"] == __version__
    assert res["langfuse.environment"] == "dev-box"
    assert res["langfuse.release"] == "r1"
    [ss] = rs.scope_spans
    assert ss.scope.name == "cctrace"


def test_only_given_observations_become_spans(make_trace):
    trace = make_trace(n_tools=3)
    subset = trace.observations[2:4]
    spans = to_spans(trace, subset, make_resource())
    assert [format(s.context.span_id, "016x") for s in spans] == [o.id for o in subset]


@pytest.mark.parametrize("bad", ["xyz", "0" * 16, "ABCDEF0123456789", "abc"])
def test_invalid_span_id_is_refused(make_trace, bad):
    trace = make_trace()
    trace.observations[1].id = bad
    with pytest.raises(ValueError, match="span id"):
        to_spans(trace, trace.observations, make_resource())


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("default", "default"),
        ("Production", "production"),
        ("my env/1", "my-env-1"),
        ("", "default"),
        (None, "default"),
        ("!!!", "default"),
        ("a" * 60, "a" * 40),
        ("dev_2-x", "dev_2-x"),
    ],
)
def test_sanitize_environment(raw, expected):
    assert sanitize_environment(raw) == expected


@given(st.text(max_size=80))
def test_sanitized_environment_is_always_valid(raw):
    out = sanitize_environment(raw)
    assert re.fullmatch(r"[a-z0-9_-]{1,40}", out)
