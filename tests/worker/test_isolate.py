"""Exact behaviour of `worker/isolate.py`: which records a failing probe singles out, what
is repaired and what becomes a stand-in (field by field), which errors are never the
records' fault, the slice's bound, and the counters of read problems.

Run first by `bench/mutation.py -m worker.isolate`: probes are plain functions over the
records, no store or worker; tests/worker/test_poison.py runs the same code in the worker.
"""

from __future__ import annotations

import json
import sqlite3

import pytest

from cctrace.config import ConfigError
from cctrace.transcript.reader import UNREADABLE
from cctrace.transcript.records import Record
from cctrace.worker import isolate


def _probe(seen: list[int] | None = None):
    """Raises ValueError on a prefix holding a record marked bad (like a builder would)."""
    def probe(records: list[Record]) -> None:
        if seen is not None:
            seen.append(len(records))
        for r in records:
            if r.data.get("bad"):
                raise ValueError(f"bad record at {r.offset}")
            json.dumps(r.data, ensure_ascii=False).encode("utf-8")  # a lone surrogate fails
    return probe


def _recs(n: int, bad: set[int] = frozenset()) -> list[Record]:
    return [Record({"type": "assistant", "uuid": f"u{i}", **({"bad": 1} if i in bad else {})},
                   offset=100 * i) for i in range(n)]


def _unreadable(i: int, error: str = "ValueError") -> dict:
    return {"uuid": f"u{i}", "error": error,
            "size": len(json.dumps({"type": "assistant", "uuid": f"u{i}", "bad": 1})),
            "stage": "build", "type": UNREADABLE}


def test_records_that_pass_are_returned_as_they_are():
    recs = _recs(5)
    out = isolate.isolate_records(recs, _probe())
    assert out == recs and out is not recs
    assert isolate.isolate_records([], _probe()) == []


@pytest.mark.parametrize("bad", [{0}, {4}, {2}, {1, 3}, {0, 1, 2, 3, 4}, {3, 6}])
def test_each_failing_record_and_only_it_becomes_a_stand_in(bad):
    recs = _recs(7 if 6 in bad else 5, bad)
    out = isolate.isolate_records(recs, _probe())
    for i, (before, after) in enumerate(zip(recs, out, strict=True)):
        if i in bad:
            assert after.data == _unreadable(i) and after.offset == before.offset
        else:
            assert after is before


def test_the_search_is_binary():
    seen: list[int] = []
    isolate.isolate_records(_recs(16, {11}), _probe(seen))
    # The whole slice, then prefixes of 8, 12, 10, 11 (lo=0, hi=15), the repair's try
    # (the prefix and the repaired record), the stand-in's error, and the whole slice again.
    assert seen == [16, 8, 12, 10, 11, 12, 12, 16]


def test_the_stand_in_names_the_error_of_the_record_itself():
    calls: list[int] = []

    def probe(records):
        calls.append(len(records))
        if len(records) == 3 and records[1].data.get("bad"):
            raise KeyError("k")  # the whole slice fails otherwise than the record alone
        if any(r.data.get("bad") for r in records):
            raise TypeError("t")

    out = isolate.isolate_records(_recs(3, {1}), probe)
    assert out[1].data["error"] == "TypeError"
    assert calls == [3, 2, 1, 2, 2, 3]


def test_a_lone_surrogate_is_repaired_not_dropped():
    recs = _recs(3)
    recs[1] = Record({"type": "user", "uuid": "u1", "message": {
        "role": "user", "content": "caf\ud800e", "\udc00key": 1}}, offset=100)
    out = isolate.isolate_records(recs, _probe())
    assert out[0] is recs[0] and out[2] is recs[2]
    assert out[1].offset == 100
    assert out[1].data == {"type": "user", "uuid": "u1", "message": {
        "role": "user", "content": "caf\ufffde", "\ufffdkey": 1}}
    # The original record was not changed in place.
    assert recs[1].data["message"]["content"] == "caf\ud800e"


def test_the_repair_leaves_the_records_lists_as_they_were():
    # fix_surrogates rebuilds dicts but writes into lists: the repair works on a deep copy.
    blocks = [{"type": "text", "text": "caf\ud800e"}, "x\udc00"]
    rec = Record({"type": "user", "uuid": "u0", "message": {"content": blocks}}, offset=0)
    out = isolate.isolate_records([rec], _probe())
    assert out[0].data["message"]["content"] == [{"type": "text", "text": "caf\ufffde"},
                                                 "x\ufffd"]
    assert rec.data["message"]["content"] is blocks
    assert blocks == [{"type": "text", "text": "caf\ud800e"}, "x\udc00"]


def test_a_repair_the_probe_still_refuses_is_a_stand_in():
    def probe(records):
        for r in records:
            if "\ufffd" in json.dumps(r.data, ensure_ascii=False) or any(
                    "\ud800" in str(v) for v in r.data.values()):
                raise UnicodeError("still bad")

    recs = [Record({"type": "assistant", "uuid": "u0", "text": "x\ud800"}, offset=7)]
    out = isolate.isolate_records(recs, probe)
    assert out[0].data["type"] == UNREADABLE and out[0].data["error"] == "UnicodeError"


def test_a_record_that_cannot_be_copied_is_a_stand_in():
    def gen():
        yield 1

    recs = [Record({"type": "assistant", "uuid": "u0", "bad": 1, "g": gen()}, offset=3)]
    out = isolate.isolate_records(recs, _probe())
    assert out[0].data["type"] == UNREADABLE and out[0].data["error"] == "ValueError"
    assert out[0].data["uuid"] == "u0"


@pytest.mark.parametrize("error", [OSError(5, "io"), MemoryError(), sqlite3.OperationalError(
    "locked"), ConfigError("bad policy")])
def test_environment_errors_are_never_the_records_fault(error):
    def probe(records):
        raise error

    with pytest.raises(type(error)):
        isolate.isolate_records(_recs(3), probe)


def test_an_environment_error_while_trying_the_repair_raises():
    def probe(records):
        if any("\ufffd" in json.dumps(r.data, ensure_ascii=False) for r in records):
            raise OSError(28, "disk full")  # only when the repaired record is tried
        for r in records:
            json.dumps(r.data, ensure_ascii=False).encode("utf-8")

    recs = [Record({"type": "assistant", "uuid": "u0", "text": "x\ud800"}, offset=0)]
    with pytest.raises(OSError):
        isolate.isolate_records(recs, probe)


def test_a_slice_may_hold_up_to_64_poisoned_records():
    assert isolate.MAX_POISONED == 64
    out = isolate.isolate_records(_recs(70, set(range(64))), _probe())
    assert [r.data["type"] for r in out] == [UNREADABLE] * 64 + ["assistant"] * 6
    with pytest.raises(RuntimeError) as err:
        isolate.isolate_records(_recs(70, set(range(65))), _probe())
    assert str(err.value) == "more than 64 records of one slice fail"


# -- the stand-in, field by field


def _stand_in(data, error: BaseException | None = None, offset: int = 42) -> dict:
    return isolate._stand_in(Record(data, offset), error or ValueError("v")).data


def test_stand_in_keeps_ids_times_and_places_never_content():
    data = {"type": "assistant", "uuid": "u-1", "timestamp": "2026-01-01T00:00:00.000Z",
            "isSidechain": True, "sessionId": "s-1", "cwd": "/w", "version": "2.1.3",
            "message": {"content": "secret words"}, "agentId": "a"}
    assert _stand_in(data, KeyError("k")) == {
        "uuid": "u-1", "error": "KeyError", "size": len(json.dumps(data)), "stage": "build",
        "timestamp": "2026-01-01T00:00:00.000Z", "isSidechain": True, "sessionId": "s-1",
        "cwd": "/w", "version": "2.1.3", "type": UNREADABLE}


def test_stand_in_bounds_and_types():
    data = {"uuid": 5, "timestamp": "t" * 41, "isSidechain": "true", "sessionId": "s" * 4097,
            "cwd": 3, "version": "v" * 4096}
    assert _stand_in(data, offset=9) == {
        "uuid": "offset-9", "error": "ValueError", "size": len(json.dumps(data)),
        "stage": "build", "version": "v" * 4096, "type": UNREADABLE}
    assert _stand_in({"timestamp": "t" * 40})["timestamp"] == "t" * 40
    assert "sessionId" in _stand_in({"sessionId": "s" * 4096})


def test_stand_in_of_what_is_not_an_object_or_not_json():
    assert _stand_in(["a", "list"], offset=1) == {
        "uuid": "offset-1", "error": "ValueError", "size": 2, "stage": "build",
        "type": UNREADABLE}
    loop: dict = {"uuid": "u"}
    loop["self"] = loop
    assert _stand_in(loop)["size"] == 0
    # Values JSON cannot take are sized as their text.
    assert _stand_in({"uuid": "u", "b": b"xy"})["size"] == len(json.dumps({"uuid": "u",
                                                                           "b": "b'xy'"}))


def test_a_prompt_stays_a_prompt_without_its_text():
    prompt = {"type": "user", "uuid": "u", "message": {"role": "user", "content": "secret"}}
    assert _stand_in(prompt, TypeError("t")) == {
        "uuid": "u", "error": "TypeError", "size": len(json.dumps(prompt)), "stage": "build",
        "type": "user", "message": {"role": "user",
                                    "content": "[WITHHELD:unreadable-record TypeError]"}}
    blocks = {"type": "user", "uuid": "u", "message": {"content": [
        {"type": "text", "text": "secret"}, "not a block"]}}
    assert _stand_in(blocks)["type"] == "user"


def test_a_tool_result_a_subagents_prompt_and_others_are_unreadable():
    result = {"type": "user", "uuid": "u", "message": {"content": [
        {"type": "text", "text": "x"}, {"type": "tool_result", "content": "secret"}]}}
    assert _stand_in(result)["type"] == UNREADABLE
    side = {"type": "user", "uuid": "u", "isSidechain": True, "message": {"content": "x"}}
    assert _stand_in(side)["type"] == UNREADABLE and "message" not in _stand_in(side)
    assert _stand_in({"type": "assistant", "message": {"content": "x"}})["type"] == UNREADABLE
    assert "message" not in _stand_in({"type": "system"})


def test_content_that_raises_is_read_as_no_blocks():
    class Broken(Record):
        @property
        def content(self):
            raise RecursionError("deep")

    rec = Broken({"type": "user", "uuid": "u", "message": {"content": "x"}}, 4)
    assert isolate._safe_content(rec) is False
    assert isolate._safe_content(Record({"message": {"content": "x"}})) is True
    out = isolate._stand_in(rec, ValueError("v")).data
    assert out["type"] == "user" and out["message"]["content"] == (
        "[WITHHELD:unreadable-record ValueError]")


# -- counters


class Bumps:
    def __init__(self) -> None:
        self.calls: list[tuple] = []

    def bump(self, name: str, n: int = 1) -> None:
        self.calls.append((name, n))


def test_read_problems_are_counted_by_name():
    store = Bumps()
    isolate.count_read_problems(store, {"bad_lines": 3, "reset": "truncated"},
                                {"unreadable_records": 2,
                                 "skipped_types": {"progress": 4, "bad type!": 1, "": 2}})
    assert store.calls == [
        ("transcript_bad_lines", 3), ("transcript_reset_truncated", 1),
        ("transcript_unreadable_records", 2), ("transcript_skipped_records", 7),
        ("transcript_skipped.progress", 4), ("transcript_skipped.other", 1),
        ("transcript_skipped.other", 2)]


def test_nothing_to_count_bumps_nothing():
    store = Bumps()
    isolate.count_read_problems(store, {"bad_lines": 0, "reset": None},
                                {"unreadable_records": 0, "skipped_types": {}})
    isolate.count_read_problems(store, {}, {"skipped_types": ["progress"]})
    assert store.calls == []


@pytest.mark.parametrize("kind, name", [
    ("progress", "progress"), ("a_b-C9", "a_b-C9"), ("x" * 40, "x" * 40),
    ("x" * 41, "other"), ("", "other"), ("a.b", "other"), ("a b", "other"),
    ("\u00e9t\u00e9", "other"), ("\u0661", "other"), (7, "7"), (None, "None"),
])
def test_a_record_type_is_a_counter_name_only_when_plain(kind, name):
    assert isolate._safe_type(kind) == name
