"""`json_string` writes exactly what `json.dumps(s, ensure_ascii=False)` writes."""

from __future__ import annotations

import json
import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cctrace.model import jsontext
from cctrace.model.jsontext import FAST_MIN, json_string

# Characters the fast path handles itself (escapes and pass-through) plus ones that send a
# string to the stdlib escaper (\x00, \x08, \x0c, \x1f).
COMMON = list("abc xyz09") + ["\\", '"', "\n", "\r", "\t", "\x7f", "é", "€", "\u2028",
                                "😀", "\ud800", "\udfff", "/", "'"]
RARE = ["\x00", "\x08", "\x0c", "\x1b", "\x1f"]


def _reference(s: str) -> str:
    return json.dumps(s, ensure_ascii=False)


def test_fuzz_long_strings_match_json_dumps() -> None:
    rng = random.Random(5)
    for i in range(400):
        alphabet = COMMON + (RARE if i % 4 == 0 else [])
        n = rng.randint(FAST_MIN - 10, FAST_MIN * 4)
        s = "".join(rng.choice(alphabet) if rng.random() < 0.2 else "a" for _ in range(n))
        assert json_string(s) == _reference(s), i


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(COMMON + RARE), max_size=64), st.integers(0, 2))
def test_property_matches_json_dumps(chunk: str, pad: int) -> None:
    # Long enough for the fast path when padded; short ones check the stdlib path.
    s = chunk + "p" * (FAST_MIN * pad) + chunk
    assert json_string(s) == _reference(s)


def test_the_fast_path_is_taken_for_long_common_text(monkeypatch) -> None:
    # If the stdlib escaper were always used, this test could not tell the paths apart.
    calls = []
    monkeypatch.setattr(jsontext, "encode_basestring", lambda s: calls.append(s) or "x")
    s = 'line "one"\\n\tend\r\n' * 500 + "é😀"
    assert json_string(s) == _reference(s)
    assert calls == []
    assert json_string("\x00" + s) == "x" and len(calls) == 1


def test_str_subclass_and_short_strings_use_the_stdlib_escaper() -> None:
    class S(str):
        pass

    long = S("q\"uote\n" * 1000)
    assert json_string(long) == _reference(long)
    assert json_string("") == '""' and json_string("a\nb") == _reference("a\nb")


@pytest.mark.parametrize("s", ["\\" * 5000, '"' * 5000, "\n\r\t" * 2000, "\\n" * 3000])
def test_escape_only_strings(s: str) -> None:
    assert json_string(s) == _reference(s)


def test_recent_literals_are_reused_by_identity_only(monkeypatch) -> None:
    s = 'a "b"\n' * 1000
    first = json_string(s)
    assert json_string(s) is first  # same object: handed out once more
    assert id(s) not in jsontext._recent and json_string(s) == first
    # An entry left by another object that had this id must not be returned.
    other = "x" * FAST_MIN
    jsontext._recent[id(other)] = ("not other", '"stale"')
    jsontext._recent_chars += 16
    assert json_string(other) == _reference(other)


def test_recent_literals_stay_within_their_budget(monkeypatch) -> None:
    monkeypatch.setattr(jsontext, "RECENT_MAX_CHARS", 200_000)
    monkeypatch.setattr(jsontext, "_recent", {})
    monkeypatch.setattr(jsontext, "_recent_chars", 0)
    keep = [f"{i}\n" * 5000 for i in range(40)]
    for s in keep:
        assert json_string(s) == _reference(s)
        assert jsontext._recent_chars <= 200_000
        assert jsontext._recent_chars == sum(len(a) + len(b) for a, b in jsontext._recent.values())
