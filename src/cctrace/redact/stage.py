"""The single redaction stage: walks traces and payloads and rewrites every string.

Fail closed: a string the redactor cannot scan is withheld, never passed on raw. The stage
marks each trace it processed (`Trace.metadata` is not used for that: a private attribute
is), and `store` refuses unmarked traces, so no caller can bypass it.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any, Protocol

from cctrace.model.types import Observation, Trace

WITHHELD = "[WITHHELD:unscannable]"
TOO_DEEP = "[WITHHELD:too-deep]"
_MARK = "_cctrace_redacted"
# The scan budget of one string: a longer one is withheld whole, never cut and then sent
# (a cut before redaction can split a secret; a scan of it would stall the worker).
SCAN_MAX_CHARS = 8 * 1024 * 1024
# Nesting deeper than this is withheld (the transcript reader already clamps records far
# below Python's recursion limit; this is the stage's own bound).
MAX_DEPTH = 200


class Redactor(Protocol):
    """Anything that turns a string into its redacted form."""

    def redact_text(self, text: str) -> str: ...


class NullRedactor:
    """Passes text through unchanged (capture level `full`)."""

    def redact_text(self, text: str) -> str:
        return text


def too_large(text: str) -> str:
    return f"[WITHHELD:too-large chars={len(text)}]"


def _safe(redactor: Redactor) -> Callable[[str], str]:
    scans = not isinstance(redactor, NullRedactor)
    # Every text is redacted once per pass however often it occurs: a tool result is in
    # the tool observation and again in the next generation's input, and short texts
    # (keys, roles, tool names, ids, paths) recur thousands of times per batch; a verdict
    # is a pure function of the text within a pass. (The memo lives as long as the pass.)
    memo: dict[str, str] = {}
    # The longest text this pass computed (`run.longest[0]`; what it returns from memo,
    # too_large and WITHHELD are no longer): lets `redact_traces` skip a no-op sweep.
    longest = [0]

    def run(text: str) -> str:
        done = memo.get(text)
        if done is not None:
            return done
        if scans and len(text) > SCAN_MAX_CHARS:
            return too_large(text)
        try:
            out = redactor.redact_text(text)
        except Exception:  # noqa: BLE001 - fail closed on any detector failure
            return WITHHELD
        if not isinstance(out, str):
            return WITHHELD
        memo[text] = out
        if len(out) > longest[0]:
            longest[0] = len(out)
        return out

    run.longest = longest  # type: ignore[attr-defined]
    return run


def redact_value(value: Any, redactor: Redactor) -> Any:
    """Redact every string inside a JSON-like value (keys included); other scalars pass."""
    for fn in _passes(redactor):
        value = _walk(value, fn)
    return value


def _walk(value: Any, fn: Callable[[str], str], depth: int = 0) -> Any:
    if isinstance(value, str):
        return fn(value)
    if isinstance(value, (dict, list, tuple)) and depth >= MAX_DEPTH:
        return TOO_DEEP
    # A string item (most of them) is redacted here rather than in a call of its own.
    if isinstance(value, dict):
        return {(fn(k) if isinstance(k, str) else k):
                (fn(v) if type(v) is str else _walk(v, fn, depth + 1))
                for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [fn(v) if type(v) is str else _walk(v, fn, depth + 1) for v in value]
    if value is None or isinstance(value, (bool, int, float)):
        return value
    # Unknown objects are rendered to JSON text first, so they are scanned like the rest.
    try:
        return fn(json.dumps(value, default=str))
    except Exception:  # noqa: BLE001
        return WITHHELD


def _redact_observation(obs: Observation, fn: Callable[[str], str]) -> None:
    obs.name = fn(obs.name)
    obs.input = _walk(obs.input, fn)
    obs.output = _walk(obs.output, fn)
    if obs.status_message is not None:
        obs.status_message = fn(obs.status_message)
    obs.metadata = _walk(obs.metadata, fn)
    if obs.model_parameters is not None:
        obs.model_parameters = _walk(obs.model_parameters, fn)


def _passes(redactor: Redactor) -> list[Callable[[str], str]]:
    """The stage's passes: detection, then (for redactors that learn the values they
    found) a sweep of those values over everything, so a secret detected in one field is
    gone from every other field of the batch too."""
    fns = [_safe(redactor)]
    sweep = getattr(redactor, "sweep", None)
    if callable(sweep):
        fns.append(_safe(_Sweeper(sweep)))
    return fns


class _Sweeper:
    def __init__(self, sweep: Callable[[str], str]) -> None:
        self.redact_text = sweep


def redact_traces(traces: list[Trace], redactor: Redactor) -> list[Trace]:
    """Redact traces in place and mark them as having passed the stage."""
    first, *sweeps = _passes(redactor)
    _redact_traces_once(traces, first)
    for fn in sweeps:
        # A sweep with nothing learned (by this batch or before) returns every text as it
        # is, short of withholding one over the scan budget: when no text is that long,
        # the walk over the whole batch would change nothing.
        if (getattr(redactor, "learned_count", None) == 0
                and first.longest[0] <= SCAN_MAX_CHARS):  # type: ignore[attr-defined]
            continue
        _redact_traces_once(traces, fn)
    for trace in traces:
        setattr(trace, _MARK, True)
    return traces


def _redact_traces_once(traces: list[Trace], fn: Callable[[str], str]) -> None:
    for trace in traces:
        trace.name = fn(trace.name)
        trace.input = _walk(trace.input, fn)
        trace.output = _walk(trace.output, fn)
        trace.tags = [fn(t) for t in trace.tags]
        trace.metadata = _walk(trace.metadata, fn)
        if trace.user_id is not None:
            trace.user_id = fn(trace.user_id)
        for obs in trace.observations:
            _redact_observation(obs, fn)


def is_redacted(trace: Trace) -> bool:
    """True once `redact_traces` has processed this trace object."""
    return bool(getattr(trace, _MARK, False))
