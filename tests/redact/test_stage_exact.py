"""Exact values for `redact/stage.py`: bounds, memo, fail-closed markers, sweep pass.

Fast unit tests, run first by the mutation driver (`bench/mutation.py -m redact.stage`).
"""

from __future__ import annotations

from cctrace.model.types import Observation, Trace
from cctrace.redact import stage

SECRET = "SECRETabcdef0123456789"


def _pieces(secret: str, n: int = 12) -> list[str]:
    return [secret[i:i + n] for i in range(len(secret) - n + 1)]


def _absent(out: str) -> None:
    for piece in _pieces(SECRET):
        assert piece not in out, piece


class Counting:
    def __init__(self) -> None:
        self.calls: list[str] = []

    def redact_text(self, text: str) -> str:
        self.calls.append(text)
        return text.replace(SECRET, "[R]")


class Returns:
    def __init__(self, value) -> None:
        self.value = value

    def redact_text(self, text: str):
        return self.value


class Sweeping(Counting):
    """Detects nothing; its sweep removes SECRET (a value learned elsewhere)."""

    def redact_text(self, text: str) -> str:
        self.calls.append(text)
        return text

    def sweep(self, text: str) -> str:
        return text.replace(SECRET, "[S]")


def test_constants() -> None:
    assert stage.WITHHELD == "[WITHHELD:unscannable]"
    assert stage.TOO_DEEP == "[WITHHELD:too-deep]"
    assert stage.SCAN_MAX_CHARS == 8 * 1024 * 1024
    assert stage.MAX_DEPTH == 200
    assert stage.too_large("abc") == "[WITHHELD:too-large chars=3]"
    assert stage.NullRedactor().redact_text(SECRET) == SECRET


def test_scan_budget_is_exact_and_the_null_redactor_has_none() -> None:
    r = Counting()
    fit = SECRET + "x" * (stage.SCAN_MAX_CHARS - len(SECRET))
    assert stage.redact_value(fit, r) == "[R]" + "x" * (stage.SCAN_MAX_CHARS - len(SECRET))
    over = fit + "y"
    out = stage.redact_value(over, r)
    assert out == f"[WITHHELD:too-large chars={stage.SCAN_MAX_CHARS + 1}]"
    _absent(out)
    assert len(r.calls) == 1
    assert stage.redact_value(over, stage.NullRedactor()) == over


def test_memo_redacts_every_text_once_per_pass() -> None:
    r = Counting()
    long = SECRET + "z" * (256 - len(SECRET))
    out = stage.redact_value([long, long, long], r)
    assert out == ["[R]" + "z" * (256 - len(SECRET))] * 3
    assert r.calls == [long]
    r = Counting()
    short = SECRET[:5]
    assert stage.redact_value({short: [short, SECRET, short], "k": SECRET}, r) == {
        short: [short, "[R]", short], "k": "[R]"}
    assert r.calls == [short, SECRET, "k"]
    # A new pass (another call) redacts again: the memo is the pass's own.
    assert stage.redact_value([short], r) == [short]
    assert r.calls == [short, SECRET, "k", short]


def test_fail_closed_on_errors_and_on_non_strings() -> None:
    class Broken:
        def redact_text(self, text: str) -> str:
            raise ValueError(text)

    for r in (Broken(), Returns(None), Returns(b"x"), Returns(1)):
        assert stage.redact_value({"k": SECRET}, r) == {stage.WITHHELD: stage.WITHHELD}
    long = SECRET * 20
    assert stage.redact_value([long, long], Broken()) == [stage.WITHHELD] * 2


def test_depth_bound_is_exact() -> None:
    def nest(n: int) -> object:
        v: object = SECRET
        for _ in range(n):
            v = [v]
        return v

    def unwrap(v: object) -> object:
        while isinstance(v, list):
            v = v[0]
        return v

    assert unwrap(stage.redact_value(nest(200), Counting())) == "[R]"
    assert unwrap(stage.redact_value(nest(201), Counting())) == stage.TOO_DEEP
    deep = {"a": nest(199)}   # the dict is level 0: its list at 199 holds the string
    assert unwrap(stage.redact_value(deep, Counting())["a"]) == "[R]"
    assert unwrap(stage.redact_value({"a": nest(200)}, Counting())["a"]) == stage.TOO_DEEP


def test_walk_keys_scalars_tuples_and_unknown_objects() -> None:
    class Obj:
        def __str__(self) -> str:
            return "obj " + SECRET

    class Bad:
        def __str__(self) -> str:
            raise RuntimeError("no")

    r = Counting()
    value = {SECRET: (SECRET, 1), 7: None, "f": 1.5, "b": False, "o": Obj(), "x": Bad()}
    out = stage.redact_value(value, r)
    assert out == {"[R]": ["[R]", 1], 7: None, "f": 1.5, "b": False, "o": '"obj [R]"',
                   "x": stage.WITHHELD}


def test_every_field_of_a_trace_and_the_mark() -> None:
    obs = Observation(id="1" * 16, trace_id="2" * 32, parent_id=None, type="tool", name=SECRET,
                      start_ns=1, end_ns=2, input=[SECRET], output={"o": SECRET},
                      status_message=SECRET, metadata={"m": SECRET},
                      model_parameters={"p": SECRET})
    bare = Observation(id="3" * 16, trace_id="2" * 32, parent_id=None, type="tool", name="n",
                       start_ns=1, end_ns=2)
    t = Trace(id="2" * 32, session_id="s", name=SECRET, start_ns=1, end_ns=2, input=SECRET,
              output=SECRET, user_id=SECRET, tags=[SECRET, "t"], metadata={"k": SECRET},
              observations=[obs, bare])
    t2 = Trace(id="4" * 32, session_id="s", name="n", start_ns=1, end_ns=2)
    assert not stage.is_redacted(t)
    traces = [t, t2]
    assert stage.redact_traces(traces, Counting()) is traces
    assert stage.is_redacted(t) is True and stage.is_redacted(t2) is True
    assert (t.name, t.input, t.output, t.user_id, t.tags, t.metadata) == \
        ("[R]", "[R]", "[R]", "[R]", ["[R]", "t"], {"k": "[R]"})
    assert (obs.name, obs.input, obs.output, obs.status_message, obs.metadata,
            obs.model_parameters) == ("[R]", ["[R]"], {"o": "[R]"}, "[R]", {"m": "[R]"},
                                      {"p": "[R]"})
    assert bare.status_message is None and bare.model_parameters is None
    assert t2.user_id is None
    _absent(repr(traces))


def test_the_sweep_pass_runs_after_detection_on_every_field() -> None:
    r = Sweeping()
    assert stage.redact_value({"a": [SECRET]}, r) == {"a": ["[S]"]}
    obs = Observation(id="1" * 16, trace_id="2" * 32, parent_id=None, type="tool", name="n",
                      start_ns=1, end_ns=2, output=SECRET)
    t = Trace(id="2" * 32, session_id="s", name="n", start_ns=1, end_ns=2, input=SECRET,
              observations=[obs])
    stage.redact_traces([t], r)
    assert (t.input, obs.output) == ("[S]", "[S]")
    _absent(repr(t))

    class NotCallable(Counting):
        sweep = "not a function"

    assert stage.redact_value(SECRET, NotCallable()) == "[R]"
