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


class Learner:
    """A redactor that learns what it redacts and sweeps it (the SecretRedactor shape)."""

    def __init__(self, grow: int = 0) -> None:
        self.learned: dict[str, str] = {}
        self.sweeps = 0
        self.grow = grow

    @property
    def learned_count(self) -> int:
        return len(self.learned)

    def redact_text(self, text: str) -> str:
        if "SECRET=abc" in text:
            self.learned["abc"] = "[L]"
            text = text.replace("SECRET=abc", "SECRET=[L]")
        return text + "+" * self.grow

    def sweep(self, text: str) -> str:
        self.sweeps += 1
        return text.replace("abc", "[L]") if self.learned else text


def _two(input_: str, output: str) -> Trace:
    trace = _trace()
    trace.observations[0].input = input_
    trace.observations[0].output = output
    return trace


def test_the_sweep_pass_is_skipped_only_when_it_would_change_nothing(monkeypatch) -> None:
    quiet = Learner()
    stage.redact_traces([_two("nothing here", "abc stays")], quiet)
    assert quiet.sweeps == 0  # nothing learned: no walk over the batch
    taught = Learner()
    trace = _two("SECRET=abc", "then abc alone")
    stage.redact_traces([trace], taught)
    assert taught.sweeps > 0
    assert trace.observations[0].input == "SECRET=[L]"
    assert trace.observations[0].output == "then [L] alone"  # swept from another field
    # A text the first pass made longer than the scan budget is withheld by the second
    # pass, learned values or not: that pass still runs.
    monkeypatch.setattr(stage, "SCAN_MAX_CHARS", 300)
    growing = Learner(grow=30)
    trace = _two("short", "x" * 280)
    stage.redact_traces([trace], growing)
    assert growing.sweeps > 0
    assert trace.observations[0].output == "[WITHHELD:too-large chars=310]"
