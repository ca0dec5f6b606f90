"""`to_spans` computes the trace-level attributes once per trace; the spans and the OTLP
bytes are exactly what one `to_span` call per observation gives, on recorded sessions."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cctrace.export import spans as spans_mod
from cctrace.export.encode import encode
from cctrace.export.spans import make_resource, to_span, to_spans
from cctrace.model.build import BuildContext, build_traces
from cctrace.transcript.locate import sidechain_loader
from cctrace.transcript.reader import read_new

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "transcripts"


def _traces():
    out = []
    for path in sorted(FIXTURES.glob("*/*.jsonl")):
        if path.name != "hooks.jsonl":
            result = read_new(str(path), None)
            out += build_traces(result.records, BuildContext(
                load_sidechain=sidechain_loader(str(path)), final=True, user_id="u",
                release="r1")).traces
    return out


def test_batch_spans_and_payload_bytes_equal_per_span_mapping() -> None:
    resource = make_resource("dev", "r1")
    traces = _traces()
    assert traces
    for trace in traces:
        trace.tags = ["a", "b"]
        batch = to_spans(trace, trace.observations, resource)
        single = [to_span(trace, o, resource) for o in trace.observations]
        assert [dict(s.attributes) for s in batch] == [dict(s.attributes) for s in single]
        assert [list(s.attributes) for s in batch] == [list(s.attributes) for s in single]
        assert encode(batch) == encode(single)
        if len(batch) > 1:  # no two spans share one mutable tag list
            assert batch[0].attributes["langfuse.trace.tags"] is not \
                batch[1].attributes["langfuse.trace.tags"]


JSONISH = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=20,
)


@settings(max_examples=200, deadline=None)
@given(JSONISH)
def test_attribute_json_is_json_dumps(value) -> None:
    ref = json.dumps(value, ensure_ascii=False, default=str)
    assert spans_mod._json(value) == ref  # noqa: SLF001
    assert spans_mod._text(value) == (value if isinstance(value, str) else ref)  # noqa: SLF001


@pytest.mark.parametrize("value", [{"when": __import__("datetime").date(2026, 1, 2)}, b"x"])
def test_unknown_objects_are_rendered_with_str_as_before(value) -> None:
    assert spans_mod._json(value) == json.dumps(value, ensure_ascii=False, default=str)  # noqa: SLF001
