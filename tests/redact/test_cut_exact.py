"""Exact values for `redact/cut.py`: where each cut lands, what it keeps, what it adds.

Fast unit tests, run first by the mutation driver (`bench/mutation.py -m redact.cut`).
The secret-safety assertions are about absence: no 12-character piece of a secret is left.
"""

from __future__ import annotations

import hashlib
import random
from collections import Counter

from bench.corpus import fakes

from cctrace.model.types import Observation, Trace
from cctrace.redact import cut
from cctrace.redact.cut import cap_bytes, cut_text, cut_traces, map_strings, more_chars, safe_point

# A valid (checksummed) fake GitHub token from the corpus generator.
SECRET = next(s for _, s in fakes.fakes(random.Random(11)) if s.startswith("ghp_"))
MARKER = "[REDACTED:github_pat:0123abcd]"


def _pieces(secret: str, n: int = 12) -> list[str]:
    return [secret[i:i + n] for i in range(len(secret) - n + 1)]


def _absent(secret: str, out: str) -> None:
    for piece in _pieces(secret):
        assert piece not in out, piece


def test_the_limits_are_2000_and_500() -> None:
    assert (cut.GEN_INPUT_CHARS, cut.STATUS_CHARS) == (2000, 500)


def test_safe_point_inside_a_marker_moves_to_its_start() -> None:
    text = "ab" + MARKER + "cd"
    start, end = 2, 2 + len(MARKER)
    for at in range(len(text) + 1):
        want = start if start < at < end else at
        assert safe_point(text, at) == want, at
    # A marker at the very start: every point inside it goes back to 0.
    text = MARKER + "tail"
    for at in range(1, len(MARKER)):
        assert safe_point(text, at) == 0, at
    assert safe_point(text, len(MARKER)) == len(MARKER)


def test_safe_point_clamps_to_the_text() -> None:
    assert safe_point("abc", 0) == 0
    assert safe_point("abc", -5) == 0
    assert safe_point("abc", 3) == 3
    assert safe_point("abc", 9) == 3
    assert safe_point("[abc", 2) == 2      # a bracket that opens no marker
    assert safe_point("", 0) == 0
    # Out of range with a bracket in reach: still clamped, never returned as given.
    assert safe_point("[abc" + "d" * 10, -5) == 0
    assert safe_point("[abc", 9) == 4
    assert safe_point(MARKER, len(MARKER) + 3) == len(MARKER)


def test_safe_point_finds_a_marker_far_back_and_skips_earlier_ones() -> None:
    long_marker = "[TRUNCATED:" + "x" * 400 + "]"
    text = "y" * 1000 + long_marker + "z" * 10
    start = 1000
    assert safe_point(text, start + 410) == start
    assert safe_point(text, start + 1) == start
    assert safe_point(text, start + len(long_marker)) == start + len(long_marker)
    # Two markers: a point inside the second goes to the second's start, not the first's.
    text = "a" + MARKER + "b" + MARKER + "c"
    second = 2 + len(MARKER)
    assert safe_point(text, second + 5) == second
    assert safe_point(text, second) == second
    assert safe_point(text, second - 1) == second - 1
    # WITHHELD markers are kept whole too.
    text = "ab[WITHHELD:too-large chars=99]cd"
    assert safe_point(text, 10) == 2


def test_cut_text_exact() -> None:
    assert cut_text("abc", 3) == "abc"
    assert cut_text("abc", 3, more_chars) == "abc"
    assert cut_text("abc", 3, "!") == "abc"
    assert cut_text("abcd", 3) == "abc"
    assert cut_text("abcd", 3, "!") == "abc!"
    assert cut_text("abcdef", 2, more_chars) == "ab... [4 more chars]"
    assert cut_text("abcdef", 2, lambda t, k: f"<{len(t)}:{k}>") == "ab<6:2>"
    text = "ab" + MARKER + "cd"
    assert cut_text(text, 10, more_chars) == f"ab... [{len(text) - 2} more chars]"
    assert more_chars("abcdef", 1) == "... [5 more chars]"


def test_cut_text_leaves_no_piece_of_a_redacted_secret() -> None:
    text = "token " + MARKER + " end"
    for at in range(len(text) + 1):
        head = cut_text(text, at)
        assert "[REDACTED" not in head or MARKER in head
        assert "0123abcd" in head or "[REDACTED" not in head


def test_cap_bytes_exact() -> None:
    # Fits: unchanged, counted nowhere.
    stats: Counter[str] = Counter()
    assert cap_bytes("a" * 1024, 1024, stats) == "a" * 1024
    assert cap_bytes("a" * 256, 1024, stats) == "a" * 256
    assert cap_bytes("€" * 341, 1024, stats) == "€" * 341     # 1023 bytes
    assert stats == Counter()
    text = "a" * 1025
    data = text.encode()
    out = cap_bytes(text, 1024, stats)
    assert out == ("a" * 1024 + "[TRUNCATED:max_field_kb=1 chars=1025 bytes=1025 "
                   f"sha256={hashlib.sha256(data).hexdigest()}]")
    assert stats == Counter(truncated_fields=1)
    cap_bytes(text, 1024, stats)
    assert stats == Counter(truncated_fields=2)
    assert cap_bytes(text, 1024) == out
    assert cap_bytes("a" * 3000, 2048).startswith("a" * 2048 + "[TRUNCATED:max_field_kb=2 ")


def test_cap_bytes_of_text_with_a_lone_surrogate() -> None:
    text = "\ud800" * 400
    data = text.encode("utf-8", "surrogatepass")
    digest = hashlib.sha256(data).hexdigest()
    want = f"[TRUNCATED:max_field_kb=1 chars=400 bytes=1200 sha256={digest}]"
    assert cap_bytes(text, 1024) == want


def test_cap_bytes_never_cuts_inside_a_character() -> None:
    # 4-byte characters: 1024 bytes is 256 of them; 300 are 1200 bytes.
    text = "\U0001F600" * 300
    out = cap_bytes(text, 1024)
    assert out.startswith("\U0001F600" * 256 + "[TRUNCATED:max_field_kb=1 chars=300 bytes=1200 ")
    # 3-byte characters over a limit that is not a multiple of 3: 341 kept, the split one dropped.
    text = "€" * 400
    out = cap_bytes(text, 1024)
    assert out.startswith("€" * 341 + "[TRUNCATED:max_field_kb=1 chars=400 bytes=1200 ")


def test_cap_bytes_never_splits_a_marker_nor_leaves_a_secret_piece() -> None:
    text = "a" * 1010 + MARKER + "b" * 100
    out = cap_bytes(text, 1024)
    assert out.startswith("a" * 1010 + "[TRUNCATED:")
    assert "[REDACTED" not in out


def test_map_strings_exact() -> None:
    value = {"a": "x", "b": [1, "y", None, {"c": "z", "d": 2.5}], "e": ("t",), "K": True}
    out = map_strings(value, str.upper)
    assert out == {"a": "X", "b": [1, "Y", None, {"c": "Z", "d": 2.5}], "e": ("t",),
                   "K": True}
    assert value == {"a": "x", "b": [1, "y", None, {"c": "z", "d": 2.5}], "e": ("t",),
                     "K": True}
    assert list(out) == ["a", "b", "e", "K"]
    assert map_strings("s", str.upper) == "S"
    assert map_strings(5, str.upper) == 5
    assert map_strings(None, str.upper) is None
    assert map_strings(["a", ["b", ["c"]]], str.upper) == ["A", ["B", ["C"]]]
    assert map_strings([], str.upper) == []
    assert map_strings({}, str.upper) == {}
    deep: object = "leaf"
    for _ in range(5000):
        deep = [deep]
    out = map_strings(deep, str.upper)
    for _ in range(5000):
        out = out[0]
    assert out == "LEAF"


def _obs(typ: str, **kw) -> Observation:
    return Observation(id="1" * 16, trace_id="2" * 32, parent_id=None, type=typ, name="n",
                       start_ns=0, end_ns=0, **kw)


def _trace(*obs: Observation, **kw) -> Trace:
    return Trace(id="2" * 32, session_id="s", name="t", start_ns=0, end_ns=0,
                 observations=list(obs), **kw)


def test_generation_input_is_cut_at_2000_chars_everywhere_it_holds_text() -> None:
    long = "q" * 2500
    want = "q" * 2000 + "... [500 more chars]"
    gen = _obs("generation", input=[
        {"role": "user", "content": long},
        {"role": "user", "content": [
            {"type": "text", "text": long},
            {"type": "tool_result", "content": long},
            {"type": "tool_result", "content": [{"type": "text", "text": long}, "raw"]},
            {"type": "tool_result", "content": None},
            {"type": "image", "source": long},
            "plain",
        ]},
        {"role": "user", "content": None},
        "not a message",
    ])
    tool = _obs("tool", input=long, output=long, status_message=long,
                metadata={"error": long})
    event = _obs("event", metadata={"error": long, "other": long})
    other_gen = _obs("generation", input={"content": long})
    stats = cut_traces([_trace(gen, tool, event, other_gen)])
    assert stats == {}
    assert gen.input == [
        {"role": "user", "content": want},
        {"role": "user", "content": [
            {"type": "text", "text": want},
            {"type": "tool_result", "content": want},
            {"type": "tool_result", "content": [{"type": "text", "text": want}, "raw"]},
            {"type": "tool_result", "content": None},
            {"type": "image", "source": long},
            "plain",
        ]},
        {"role": "user", "content": None},
        "not a message",
    ]
    # Tools keep their input and output whole without max_field_kb; status messages and
    # event errors are cut at 500.
    assert tool.input == long and tool.output == long and tool.metadata == {"error": long}
    assert tool.status_message == "q" * 500 + "... [2000 more chars]"
    assert event.metadata == {"error": "q" * 500 + "... [2000 more chars]", "other": long}
    assert other_gen.input == {"content": long}
    # Every trace is cut, not only the first.
    later = _obs("tool", status_message="q" * 600)
    cut_traces([_trace(_obs("tool")), _trace(later)])
    assert later.status_message == "q" * 500 + "... [100 more chars]"
    # Short text is untouched.
    short = _obs("generation", input=[{"role": "user", "content": "q" * 2000}],
                 status_message="s" * 500)
    cut_traces([_trace(short)])
    assert short.input == [{"role": "user", "content": "q" * 2000}]
    assert short.status_message == "s" * 500


def test_max_field_kb_caps_every_field_of_traces_and_observations() -> None:
    long = "w" * 1500
    obs = _obs("tool", input={"cmd": long}, output=[long], status_message="e" * 450,
               metadata={"m": long})
    t = _trace(obs, input=long, output={"o": long}, metadata={"k": long})
    stats = cut_traces([t], max_field_kb=1)
    head = "w" * 1024 + "[TRUNCATED:max_field_kb=1 chars=1500 "
    assert t.input.startswith(head)
    assert t.output["o"].startswith(head)
    assert t.metadata["k"].startswith(head)
    assert obs.input["cmd"].startswith(head)
    assert obs.output[0].startswith(head)
    assert obs.metadata["m"].startswith(head)
    assert obs.status_message == "e" * 450
    assert stats == {"truncated_fields": 6}
    # A status message over the byte limit is capped too (after its 500-char cut).
    obs2 = _obs("tool", status_message="\U0001F600" * 400)
    stats = cut_traces([_trace(obs2)], max_field_kb=1)
    assert obs2.status_message.startswith("\U0001F600" * 256 + "[TRUNCATED:max_field_kb=1 ")
    assert stats == {"truncated_fields": 1}
    # Without max_field_kb nothing is capped.
    t3 = _trace(_obs("tool", input=long), input=long)
    assert cut_traces([t3]) == {}
    assert t3.input == long and t3.observations[0].input == long


def test_the_cuts_leave_no_piece_of_a_secret_that_was_redacted_first(redactor) -> None:
    from cctrace.redact.stage import redact_traces
    for k in range(len(SECRET) + 1):
        text = "x" * (2000 - k) + SECRET + " tail"
        gen = _obs("generation", input=[{"role": "user", "content": text}])
        tool = _obs("tool", input="y" * (1024 - k) + SECRET, status_message="z" * (500 - k)
                    + SECRET)
        t = _trace(gen, tool)
        redact_traces([t], redactor)
        cut_traces([t], max_field_kb=1)
        out = repr(t)
        _absent(SECRET, out)
