"""The redaction stage reaches every string of a trace and fails closed."""

from __future__ import annotations

from cctrace.model.types import Observation, Trace
from cctrace.redact import stage


class Upper:
    def redact_text(self, text: str) -> str:
        return text.replace("SECRET", "[R]")


class Broken:
    def redact_text(self, text: str) -> str:
        raise RuntimeError("detector crashed")


def _trace() -> Trace:
    obs = Observation(
        id="1" * 16,
        trace_id="2" * 32,
        parent_id=None,
        type="tool",
        name="Bash SECRET",
        start_ns=1,
        end_ns=2,
        input={"cmd": ["echo SECRET"], "SECRET": 1},
        output="SECRET out",
        status_message="failed SECRET",
        metadata={"k": ("SECRET",)},
        model_parameters={"p": "SECRET"},
    )
    return Trace(
        id="2" * 32,
        session_id="s",
        name="SECRET",
        start_ns=1,
        end_ns=2,
        input="SECRET",
        output=["SECRET"],
        user_id="SECRET",
        tags=["SECRET"],
        metadata={"x": {"y": "SECRET"}},
        observations=[obs],
    )


def test_every_string_is_redacted():
    trace = _trace()
    assert not stage.is_redacted(trace)
    stage.redact_traces([trace], Upper())
    assert stage.is_redacted(trace)
    assert "SECRET" not in repr(trace)


def test_fail_closed():
    trace = _trace()
    stage.redact_traces([trace], Broken())
    assert "SECRET" not in repr(trace)
    assert trace.observations[0].output == stage.WITHHELD


def test_redact_value_keeps_scalars():
    assert stage.redact_value({"a": [1, 2.5, True, None, "SECRET"]}, Upper()) == {
        "a": [1, 2.5, True, None, "[R]"]
    }
