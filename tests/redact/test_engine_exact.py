"""Exact values for the span finding, merging and markers of `redact/engine.py`
(`_find`, `_spans`, `_neutral_marker`, `redact_text`, `sweep`).

Fast unit tests with small hand-made detectors, run first by the mutation driver
(`bench/mutation.py -m redact.engine`). Every redaction check asserts that no
12-character piece of the secret is left, and compares the whole output.
"""

from __future__ import annotations

import hashlib
import hmac

from cctrace.redact.detectors.base import Detector, Pattern
from cctrace.redact.engine import MARKER_RE, Finding, SecretRedactor, _neutral_marker

KEY = b"k" * 32


def _tag(value: str) -> str:
    return hmac.new(KEY, value.encode(), hashlib.sha256).hexdigest()[:8]


def _m(typ: str, value: str) -> str:
    return f"[REDACTED:{typ}:{_tag(value)}]"


def _absent(secret: str, out: str) -> None:
    pieces = [secret[i:i + 12] for i in range(len(secret) - 11)] or [secret]
    for piece in pieces:
        assert piece not in out, piece


DETS = [Detector("d", (
    Pattern("low", r"AAA[0-9]{6}", anchors=("aaa",), priority=1),
    Pattern("high", r"[0-9]{6}BBB", anchors=("bbb",), priority=5),
    Pattern("inner", r"C[0-9]{2}C", anchors=("c",), priority=0),
    Pattern("long", r"Q[0-9]{12}", anchors=("q",), priority=2),
    Pattern("short", r"[0-9]{10}R", anchors=("r",), priority=2),
    Pattern("x4", r"X[0-9]{4}", anchors=("x",), priority=1),
    Pattern("inmarker", r"REDACTED:[a-z]+", anchors=("redacted",), priority=1),
    Pattern("first", r"F[0-9]{4}", anchors=("f",), priority=3),
    Pattern("second", r"[0-9]{2}G[0-9]{8}", anchors=("g",), priority=3),
    Pattern("third", r"[0-9]{2}H[0-9]{2}", anchors=("h",), priority=3),
    Pattern("across", r"[0-9a-f]{8}\]Z[0-9]{4}", anchors=("]z",), priority=1),
))]


def _r(known=(), learned=None) -> SecretRedactor:
    return SecretRedactor(DETS, KEY, known, learned=learned)


def test_neutral_marker_keeps_length_and_tag() -> None:
    text = "a [REDACTED:api_key:0123abcd] b"
    out = MARKER_RE.sub(_neutral_marker, text)
    assert out == "a [REDACTED:xxxxxxx:0123abcd] b"
    assert len(out) == len(text)


def test_overlapping_candidates_merge_into_one_span_of_the_higher_priority() -> None:
    r = _r()
    text = "k=AAA123456BBB;"
    assert r.explain(text) == [Finding("high", "d", 2, 14)]
    assert r.redact_text(text) == "k=" + _m("high", "AAA123456BBB") + ";"
    _absent("AAA123456BBB", r.redact_text(text))


def test_equal_priority_the_longer_candidate_names_the_span() -> None:
    r = _r()
    # long: Q + 12 digits (0-13); short: 10 digits + R (4-15): same priority, long is longer.
    text = "Q123456789012R"
    assert r.explain(text) == [Finding("long", "d", 0, 14)]
    text = "Q1234567890123R"        # short: 10 digits + R at (5, 15), long (0, 13)
    assert r.explain(text) == [Finding("long", "d", 0, 15)]
    assert r.redact_text(text) == _m("long", text)


def test_equal_priority_a_later_longer_candidate_names_the_span() -> None:
    r = _r()
    pad = " " * 10
    text = pad + "F1234G56789012"     # first (10, 15), second (13, 24): longer
    assert r.explain(text) == [Finding("second", "d", 10, 24)]
    out = r.redact_text(text)
    assert out == pad + _m("second", "F1234G56789012")
    _absent("F1234G56789012", out)
    text = pad + "F1234H56"           # first (10, 15), third (13, 18): as long: first stays
    assert r.explain(text) == [Finding("first", "d", 10, 18)]


def test_the_tag_is_hmac_sha256_of_the_value_even_with_a_lone_surrogate() -> None:
    r = _r()
    v = "a\ud800b"
    want = hmac.new(KEY, v.encode("utf-8", "surrogatepass"), hashlib.sha256).hexdigest()[:8]
    assert r.tag(v) == want
    assert r.tag("X1234") == _tag("X1234")


def test_a_contained_candidate_never_shrinks_the_span() -> None:
    r = _r(known=["KzC12CvLx8pWq"])
    text = "KzC12CvLx8pWq!"
    assert r.explain(text) == [Finding("known_secret", "known", 0, 13)]
    out = r.redact_text(text)
    assert out == _m("known_secret", text[:13]) + "!"
    _absent("KzC12CvLx8pWq", out)


def test_adjacent_candidates_stay_two_spans() -> None:
    r = _r()
    text = "X1234X5678 X9999"
    assert r.explain(text) == [Finding("x4", "d", 0, 5), Finding("x4", "d", 5, 10),
                               Finding("x4", "d", 11, 16)]
    assert r.redact_text(text) == (_m("x4", "X1234") + _m("x4", "X5678") + " "
                                   + _m("x4", "X9999"))
    assert r.redact_text("no secret") == "no secret"
    assert r.explain("no secret") == []


def test_a_chain_of_overlaps_is_one_span() -> None:
    r = _r()
    text = "AAA123456BBB"   # low (0,9) and high (3,12)
    assert r.explain("C12C" + text) == [Finding("inner", "d", 0, 4), Finding("high", "d", 4, 16)]


def test_markers_are_never_redacted_again_but_text_around_them_is() -> None:
    r = _r()
    marker = "[REDACTED:secretkind:0123abcd]"
    assert r.explain(marker) == []
    assert r.redact_text(marker) == marker
    text = "X1234" + marker + "X5678"
    assert r.redact_text(text) == _m("x4", "X1234") + marker + _m("x4", "X5678")
    once = r.redact_text("AAA123456BBB and X4321")
    assert r.redact_text(once) == once
    # A candidate starting inside a marker and ending after it is dropped too.
    assert r.redact_text(marker + "Z1234") == marker + "Z1234"
    assert r.explain("0123abcd]Z1234") == [Finding("across", "d", 0, 14)]
    # Without a marker, the same pattern does match.
    assert r.explain("REDACTED:abc") == [Finding("inmarker", "d", 0, 12)]


def test_short_verdicts_are_cached_and_long_texts_found_each_time() -> None:
    r = _r()
    assert r.explain("X1234") == [Finding("x4", "d", 0, 5)]
    assert r.explain("X1234") == [Finding("x4", "d", 0, 5)]
    got = r.explain("X1234")
    got.append(Finding("x", "y", 0, 1))          # the cached verdict is not aliased
    assert r.explain("X1234") == [Finding("x4", "d", 0, 5)]
    long = "y" * 70 + "X1234"
    assert r.explain(long) == [Finding("x4", "d", 70, 75)]
    assert r.explain(long) == [Finding("x4", "d", 70, 75)]


def test_values_are_learned_from_8_chars_and_up_to_the_cap() -> None:
    r = _r(known=["Zq8vLx2K", "Wd4hRt9Pm3Ny"])
    out = r.redact_text("a Zq8vLx2K b Wd4hRt9Pm3Ny c X1234")
    assert out == ("a " + _m("known_secret", "Zq8vLx2K") + " b "
                   + _m("known_secret", "Wd4hRt9Pm3Ny") + " c " + _m("x4", "X1234"))
    assert r.learned_count == 2                  # X1234 is 5 chars: not learned
    full = {f"v{i:07d}": "m" for i in range(4096)}
    r = _r(known=["Zq8vLx2K"], learned=full)
    r.redact_text("Zq8vLx2K")
    assert r.learned_count == 4096 and "Zq8vLx2K" not in full
    full.pop("v0000000")
    r.redact_text("Zq8vLx2K")
    assert full["Zq8vLx2K"] == _m("known_secret", "Zq8vLx2K")


def test_sweep_replaces_learned_values_exactly() -> None:
    shared: dict[str, str] = {}
    r = _r(known=["Zq8vLx2Kp0Wd4hRt", "Zq8vLx2Kp0", "Mn3bV7cX1zLk"], learned=shared)
    assert r.sweep("Zq8vLx2Kp0Wd4hRt") == "Zq8vLx2Kp0Wd4hRt"     # nothing learned yet
    r.redact_text("Zq8vLx2Kp0Wd4hRt")
    r.redact_text("Zq8vLx2Kp0")
    r.redact_text("Mn3bV7cX1zLk")
    long_m = _m("known_secret", "Zq8vLx2Kp0Wd4hRt")
    short_m = _m("known_secret", "Zq8vLx2Kp0")
    other_m = _m("known_secret", "Mn3bV7cX1zLk")
    assert r.sweep("") == ""
    out = r.sweep("a Zq8vLx2Kp0Wd4hRt b Zq8vLx2Kp0 c")
    assert out == f"a {long_m} b {short_m} c"
    assert "Wd4hRt" not in out
    # Adjacent values: both go.
    out = r.sweep("Zq8vLx2Kp0Wd4hRtMn3bV7cX1zLk")
    assert out == long_m + other_m
    _absent("Mn3bV7cX1zLk", out)
    assert r.sweep("zq8vlx2kp0wd4hrt") == "zq8vlx2kp0wd4hrt"
    assert r.sweep("Zq8vLx2KpX") == "Zq8vLx2KpX"
    # Learned later: the index is rebuilt.
    r.redact_text("X1234567890")   # not a match of any pattern here (x4 takes X1234)
    r2 = _r(known=["Pp9oO8iI7uU6"], learned=shared)
    r2.redact_text("Pp9oO8iI7uU6")
    out = r.sweep("x Pp9oO8iI7uU6 y")
    assert out == "x " + _m("known_secret", "Pp9oO8iI7uU6") + " y"
    # Non-ASCII text whose lowercase changes length keeps its offsets.
    out = r.sweep("\u0130 Zq8vLx2Kp0 end")
    assert out == f"\u0130 {short_m} end"


def test_sweep_prefers_the_longest_learned_value_sharing_an_anchor() -> None:
    head = "Kq7Wm2Xz9Lp4Vn8Rt3Yb6Hc1Jd5Fg0Ns" * 2          # 64 chars: the whole anchor
    longer = head + "Tu8Ie2Ow4Q"
    r = _r(known=[head, longer])
    r.redact_text(head)
    r.redact_text(longer)
    out = r.sweep(f"a {longer} b {head} c")
    assert out == f"a {_m('known_secret', longer)} b {_m('known_secret', head)} c"
    _absent(longer, out)
    assert "Tu8Ie2Ow4Q" not in out
