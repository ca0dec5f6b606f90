"""`audit.digest` stays byte-for-byte the function it was: SHA-256 of the sort_keys
compact JSON of `dataclasses.asdict(value)` (or of the value), for any value.

The fast path (no `asdict`, fast string escaping) must agree with that reference on real
observations and traces built from the recorded fixtures and on values that must fall back
(nested dataclasses, objects rendered with `str`, dict subclasses, non-str keys).
"""

from __future__ import annotations

import collections
import dataclasses
import datetime
import hashlib
import json
import math
from pathlib import Path

import pytest

from cctrace.audit import _canonical_fields, digest
from cctrace.model.build import BuildContext, build_traces
from cctrace.model.types import Observation, Trace
from cctrace.transcript.locate import sidechain_loader
from cctrace.transcript.reader import read_new

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "transcripts"


def reference(value):
    """The digest as it was defined before the fast path (kept verbatim)."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        value = dataclasses.asdict(value)
    raw = json.dumps(value, sort_keys=True, separators=(",", ":"), default=str,
                     ensure_ascii=False)
    return hashlib.sha256(raw.encode("utf-8", "surrogatepass")).hexdigest()


def _fixture_traces() -> list[Trace]:
    out = []
    for path in sorted(FIXTURES.glob("*/*.jsonl")):
        if path.name == "hooks.jsonl":
            continue
        result = read_new(str(path), None)
        out += build_traces(result.records, BuildContext(
            load_sidechain=sidechain_loader(str(path)), final=True, user_id="u")).traces
    return out


def test_recorded_fixtures_digest_as_before() -> None:
    traces = _fixture_traces()
    observations = [o for t in traces for o in t.observations]
    assert len(observations) > 50
    fast = 0
    for obs in observations:
        assert digest(obs) == reference(obs)
        fast += _canonical_fields(obs) is not None
    assert fast == len(observations)  # the fast path is what was checked
    for trace in traces:  # nested dataclasses: the general path
        assert _canonical_fields(trace) is None
        assert digest(trace) == reference(trace)


def _obs(**kw) -> Observation:
    base = dict(id="a" * 16, trace_id="b" * 32, parent_id=None, type="tool", name="Bash",
                start_ns=1, end_ns=2)
    base.update(kw)
    return Observation(**base)


@dataclasses.dataclass
class Inner:
    x: int = 1


class Text(str):
    pass


BIG = ('out "quoted" \\ path\n\ttab\r\n' * 400) + "é€😀\u2028\x7f"
CASES = [
    _obs(),
    _obs(output=BIG, input={"command": BIG, "z": [1, 2.5, None, True]}),
    _obs(output="\x00" + BIG, metadata={"b": 1, "a": {"d": [], "c": {}}}),
    _obs(output="\ud800 lone surrogate" * 300),
    _obs(usage={"input": 3, "output": 4}, cost={"total": 0.1 + 0.2}, model="m"),
    _obs(output=float("nan"), input=math.inf, metadata={"k": -0.0}),
    _obs(input=(1, "two", [3]), output=[{"x": (4,)}]),
    _obs(output=Inner(), input=[Inner(2)]),                       # nested dataclasses
    _obs(output=datetime.datetime(2026, 1, 1), input=b"bytes"),    # default=str values
    _obs(metadata=collections.OrderedDict(b=1, a=2)),              # dict subclass
    _obs(metadata={1: "int key", 2: "x"}),                         # non-str keys
    _obs(output=Text("a str subclass " * 300)),
    _obs(name=Text("n"), level="ERROR", status_message="boom"),
    _obs(start_ns=-5, end_ns=10**30, completion_start_ns=0, model=None),
    _obs(start_ns=True, end_ns=__import__("enum").IntEnum("E", "a b").b),  # int subclasses
]


@pytest.mark.parametrize("obs", CASES, ids=range(len(CASES)))
def test_tricky_values_digest_as_before(obs: Observation) -> None:
    assert digest(obs) == reference(obs)


def test_values_that_fail_fail_the_same_way() -> None:
    loop: list = []
    loop.append(loop)
    for bad in (_obs(metadata={(1, 2): "tuple key"}), _obs(output=loop)):
        with pytest.raises(Exception) as ref_err:
            reference(bad)
        with pytest.raises(type(ref_err.value)):
            digest(bad)


def test_plain_values_and_counter_keep_their_digest() -> None:
    for value in ({"b": [1, "x"], "a": None}, "text", [1, 2], collections.Counter(a=2)):
        assert digest(value) == reference(value)
    counter_obs = _obs(metadata=collections.Counter(a=2))
    with pytest.raises(TypeError):
        reference(counter_obs)  # asdict rebuilds a Counter from pairs: tuple keys
    with pytest.raises(TypeError):
        digest(counter_obs)
