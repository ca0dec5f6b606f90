"""Turning `Trace`/`Observation` into OpenTelemetry `ReadableSpan`s with Langfuse attributes.

Pure: no clock, no I/O. Span and trace ids come from our deterministic ids and start/end
times are the transcript's, so the same observation always becomes the same span (Langfuse
duplicates a re-sent span rather than updating it, so ids must be stable). Attribute names
follow Langfuse's OTel mapping (shared/reference/langfuse.md); value encodings copy what the
official Python SDK 5.0.4 sends (strings raw, everything else JSON; metadata values always
JSON; completion start as a JSON ISO string). Trace-level attributes go on every span so
Langfuse filters work per observation (`to_spans` marks them as the spans' shared front,
so the encoders handle them once per trace). A few OTel GenAI semantic-convention
attributes are added for plain collectors; Langfuse prefers its own `langfuse.observation.*`
keys over them, so they never double-count usage there.
"""

from __future__ import annotations

import json
import re
from datetime import datetime, timezone
from typing import Any

from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import ReadableSpan
from opentelemetry.sdk.util.instrumentation import InstrumentationScope
from opentelemetry.trace import SpanContext, SpanKind, Status, StatusCode, TraceFlags

from cctrace import __version__
from cctrace.model.types import Observation, Trace

SCOPE_NAME = "cctrace"
SCOPE = InstrumentationScope(SCOPE_NAME, __version__)
ENV_MAX = 40
_HEX32 = re.compile(r"^[0-9a-f]{32}$")
_HEX16 = re.compile(r"^[0-9a-f]{16}$")
_ENV_BAD = re.compile(r"[^a-z0-9_-]+")


def sanitize_environment(value: str | None) -> str:
    """Langfuse's environment rule: lower-case `[a-z0-9-_]`, at most 40 chars, else `default`."""
    cleaned = _ENV_BAD.sub("-", (value or "").strip().lower()).strip("-")[:ENV_MAX]
    return cleaned or "default"


def make_resource(environment: str | None = "default", release: str | None = None) -> Resource:
    """The OTel resource every cctrace span carries (built directly, so no env detection)."""
    attrs: dict[str, Any] = {
        "service.name": "cctrace",
        "service.version": __version__,
        "telemetry.sdk.language": "python",
        "telemetry.sdk.name": "opentelemetry",
        "langfuse.environment": sanitize_environment(environment),
    }
    if release:
        attrs["langfuse.release"] = release
    return Resource(attrs)


# What `json.dumps(value, ensure_ascii=False, default=str)` builds on every call, built
# once: thousands of small attribute values per batch made that setup a visible cost.
_ENCODER = json.JSONEncoder(ensure_ascii=False, default=str)


def _text(value: Any) -> str:
    # The SDK sends strings unchanged and JSON for everything else; Langfuse JSON-parses
    # the attribute when it can, so both round-trip.
    if isinstance(value, str):
        return value
    return _ENCODER.encode(value)


# The encoder's own escaper for `ensure_ascii=False` (the C one where there is one).
_JSON_STRING = json.encoder.encode_basestring


def _json(value: Any) -> str:
    # Most metadata values are strings, ints or booleans: written here as the encoder
    # writes them, without its per-call setup (subclasses, floats and containers take it).
    kind = type(value)
    if kind is str:
        return _JSON_STRING(value)
    if kind is bool:
        return "true" if value else "false"
    if kind is int:
        return int.__repr__(value)
    return _ENCODER.encode(value)


def _iso(ns: int) -> str:
    dt = datetime.fromtimestamp(ns // 1_000_000_000, tz=timezone.utc)
    micros = (ns % 1_000_000_000) // 1_000
    return dt.strftime("%Y-%m-%dT%H:%M:%S") + f".{micros:06d}Z"


def _hex_id(value: str, pattern: re.Pattern[str], what: str) -> int:
    # One unusable id makes Langfuse reject the whole batch (400), so fail here instead.
    if not isinstance(value, str) or not pattern.match(value) or int(value, 16) == 0:
        raise ValueError(f"invalid {what}: {value!r}")
    return int(value, 16)


def trace_attributes(trace: Trace) -> dict[str, Any]:
    """The trace-level attributes repeated on every span of `trace`."""
    attrs: dict[str, Any] = {"langfuse.trace.name": trace.name}
    # A trace of no session (a store-wide finding's) names none: an empty id would still
    # be a session to group it under.
    if trace.session_id:
        attrs["langfuse.session.id"] = trace.session_id
        attrs["session.id"] = trace.session_id
    attrs["langfuse.environment"] = sanitize_environment(trace.environment)
    if trace.user_id:
        attrs["langfuse.user.id"] = trace.user_id
    if trace.tags:
        attrs["langfuse.trace.tags"] = [str(t) for t in trace.tags]
    if trace.release:
        attrs["langfuse.release"] = trace.release
    # Langfuse's `version` is the Claude Code release that made the trace; without it the
    # server falls back to the resource's `service.version` (cctrace's own, kept in metadata).
    cc_version = (trace.metadata or {}).get("version")
    if isinstance(cc_version, str) and cc_version:
        attrs["langfuse.version"] = cc_version
    for key, value in (trace.metadata or {}).items():
        attrs[f"langfuse.trace.metadata.{key}"] = _json(value)
    attrs["langfuse.trace.metadata.cctrace_version"] = _json(__version__)
    return attrs


def observation_attributes(obs: Observation) -> dict[str, Any]:
    """The observation-level attributes of one span (Langfuse keys plus cheap GenAI ones)."""
    attrs: dict[str, Any] = {
        "langfuse.observation.type": obs.type,
        "langfuse.observation.level": obs.level,
    }
    if obs.input is not None:
        attrs["langfuse.observation.input"] = _text(obs.input)
    if obs.output is not None:
        attrs["langfuse.observation.output"] = _text(obs.output)
    if obs.status_message:
        attrs["langfuse.observation.status_message"] = obs.status_message
    if obs.model:
        attrs["langfuse.observation.model.name"] = obs.model
        attrs["gen_ai.request.model"] = obs.model
    if obs.model_parameters:
        attrs["langfuse.observation.model.parameters"] = _json(obs.model_parameters)
    if obs.usage:
        usage = {k: int(v) for k, v in obs.usage.items() if v is not None}
        attrs["langfuse.observation.usage_details"] = _json(usage)
        if "input" in usage:
            attrs["gen_ai.usage.input_tokens"] = usage["input"]
        if "output" in usage:
            attrs["gen_ai.usage.output_tokens"] = usage["output"]
    if obs.cost:
        attrs["langfuse.observation.cost_details"] = _json(
            {k: float(v) for k, v in obs.cost.items() if v is not None}
        )
    if obs.completion_start_ns is not None:
        attrs["langfuse.observation.completion_start_time"] = _json(_iso(obs.completion_start_ns))
    for key, value in (obs.metadata or {}).items():
        attrs[f"langfuse.observation.metadata.{key}"] = _json(value)
    return attrs


def _root_trace_io(trace: Trace, obs: Observation) -> dict[str, Any]:
    # Only on the root span: repeating the prompt on every span would multiply payload size.
    attrs: dict[str, Any] = {}
    trace_input = trace.input if trace.input is not None else obs.input
    trace_output = trace.output if trace.output is not None else obs.output
    if trace_input is not None:
        attrs["langfuse.trace.input"] = _text(trace_input)
    if trace_output is not None:
        attrs["langfuse.trace.output"] = _text(trace_output)
    return attrs


class SharedAttributes:
    """The trace-level attributes every span of one `to_spans` call begins with, and what
    the encoders derive from them once instead of once per span: their protobuf bytes per
    field number (`export.wire`) and their share of the size estimate (`export.encode`)."""

    __slots__ = ("items", "count", "encoded", "size")

    def __init__(self, items: dict[str, Any]) -> None:
        self.items = items
        self.count = len(items)
        self.encoded: dict[int, bytes] = {}
        self.size: int | None = None


class TraceSpan(ReadableSpan):
    """A `ReadableSpan` whose first `shared.count` attributes are `shared.items`, equal
    and in the same order. Its attributes are read-only from outside (a mapping proxy),
    so that holds for its life; `to_spans` makes it only when the span's own keys leave
    the trace's untouched."""

    shared: SharedAttributes  # set by `_to_span` right after the span is made


# Immutable (an int, a read-only status): one of each serves every span.
_SAMPLED = TraceFlags(TraceFlags.SAMPLED)
_UNSET = Status(StatusCode.UNSET)


def to_span(trace: Trace, obs: Observation, resource: Resource) -> ReadableSpan:
    """One observation as a finished `ReadableSpan` with its deterministic context."""
    return _to_span(trace, obs, resource, trace_attributes(trace))


def _to_span(
    trace: Trace, obs: Observation, resource: Resource, trace_attrs: dict[str, Any],
    shared: SharedAttributes | None = None,
) -> ReadableSpan:
    trace_int = _hex_id(obs.trace_id, _HEX32, "trace id")
    context = SpanContext(
        trace_id=trace_int,
        span_id=_hex_id(obs.id, _HEX16, "span id"),
        is_remote=False,
        trace_flags=_SAMPLED,
    )
    parent = None
    if obs.parent_id is not None:
        parent = SpanContext(
            trace_id=trace_int,
            span_id=_hex_id(obs.parent_id, _HEX16, "parent span id"),
            is_remote=False,
            trace_flags=_SAMPLED,
        )
    attrs = trace_attrs  # a fresh dict per span: it becomes the span's attributes
    own = observation_attributes(obs)
    if obs.parent_id is None:
        own.update(_root_trace_io(trace, obs))
    attrs.update(own)
    if obs.level == "ERROR":
        status = Status(StatusCode.ERROR, obs.status_message or None)
    else:
        status = _UNSET
    start = int(obs.start_ns)
    # The trace's attributes stay the front of the span's only when every own key was new.
    front = shared is not None and len(attrs) == shared.count + len(own)
    # A negative duration (clock skew between records) would show as nonsense latency.
    span = (TraceSpan if front else ReadableSpan)(
        name=obs.name,
        context=context,
        parent=parent,
        resource=resource,
        attributes=attrs,
        kind=SpanKind.INTERNAL,
        status=status,
        start_time=start,
        end_time=max(start, int(obs.end_ns)),
        instrumentation_scope=SCOPE,
    )
    if front:
        span.shared = shared  # type: ignore[attr-defined]
    return span


def to_spans(
    trace: Trace, observations: list[Observation], resource: Resource
) -> list[ReadableSpan]:
    """The spans for `observations` (a subset of `trace`'s, e.g. the newly stored ones)."""
    if not observations:
        return []
    # The trace-level attributes are the same for every span: computed once per trace,
    # copied per span (a list value is copied too, so no two spans share a mutable).
    trace_attrs = trace_attributes(trace)
    lists = [k for k, v in trace_attrs.items() if isinstance(v, list)]
    shared = SharedAttributes(trace_attrs)
    return [_to_span(trace, obs, resource, _fresh(trace_attrs, lists), shared)
            for obs in observations]


def _fresh(attrs: dict[str, Any], lists: list[str]) -> dict[str, Any]:
    """A copy of `attrs` (same order) whose `lists` values are copies too."""
    out = dict(attrs)
    for key in lists:
        out[key] = list(out[key])
    return out
