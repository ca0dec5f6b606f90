"""Exact values for candidate search and acceptance in `redact/engine.py` (`_masked`,
`_items`, `_prefix_related`, `common_gate`, `_AnchorPlan.gate`, `_anchor_plan`,
`_candidates`, `_accept`).

Fast unit tests with small hand-made detectors, run first by the mutation driver
(`bench/mutation.py -m redact.engine.rest`): which candidates each anchor plan yields,
what `_accept` keeps or refuses at each boundary, where `common_gate` cuts. Redactions are
checked with `tests/support/absence.py` (no 12-character piece of the secret is left) and
negatives are compared byte for byte.
"""

from __future__ import annotations

import functools
import importlib
import re
import sys
import warnings

import pytest
from tests.support.absence import assert_absent

from cctrace.redact.detectors.base import Detector, Pattern
from cctrace.redact.engine import (
    KNOWN_PRIORITY,
    KNOWN_TYPE,
    SecretRedactor,
    _AnchorPlan,
    _items,
    _masked,
    _prefix_related,
    common_gate,
)

KEY = b"k" * 32


def _cands(r: SecretRedactor, text: str) -> list[tuple[int, int, int, str, str]]:
    return sorted(r._candidates(text))


# --- _masked ------------------------------------------------------------------------------
@pytest.mark.parametrize(("value", "masked"), [
    ("ab12xxxxx9", False), ("ab12xxxxxx9", True), ("ab12XXXXXX9", True), ("ab12xXxXxX9", True),
    ("ab***cd", False), ("ab****cd", True),
    ("ab••cd", False), ("ab•••cd", True),
    ("keyEXAMPLE1", True), ("keyexample1", False), ("keyExample1", False),
    ("a1DUMMYz", True), ("a1Samplez", True), ("a1placeholderz", True),
    ("KEY-GOES-HERE", True), ("key_goes_here", True), ("key goes here", False),
    ("Zq8fK2mW9pLx4R", False),
])
def test_masked_at_each_threshold(value: str, masked: bool) -> None:
    assert _masked(value) is masked


# --- _items / _prefix_related ---------------------------------------------------------------
def test_items_are_the_parsers_top_level_items() -> None:
    assert _items("ab", 0) == _items("a", 0) + _items("b", 0)
    assert len(_items("a(b|c)d+", 0)) == 3
    assert _items("ab(c|", 0) is None
    assert _items("[ab", 0) is None
    assert _items("", 0) == []


def test_items_on_python_3_10_use_sre_parse(monkeypatch: pytest.MonkeyPatch) -> None:
    # requires-python is 3.10, whose parser module is `sre_parse` (an alias since 3.11).
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        importlib.import_module("sre_parse")
    monkeypatch.setattr(sys, "version_info", (3, 10, 14, "final", 0))
    assert _items("ab+", 0) == [repr(i) for i in sys.modules["sre_parse"].parse("ab+", 0).data]
    assert len(_items("ab+", 0)) == 2


@pytest.mark.parametrize(("anchors", "related"), [
    (("ab", "abc"), True), (("abc", "ab"), True), (("b", "a", "ab"), True),
    (("ab", "cd"), False), (("ab", "ab"), False), (("ab",), False), ((), False),
    (("abc", "abd"), False), (("a", "b", "bc"), True),
])
def test_prefix_related(anchors: tuple[str, ...], related: bool) -> None:
    assert _prefix_related(anchors) is related


# --- common_gate ----------------------------------------------------------------------------
def _gate_pattern(regexes: list[str], flags: int = 0) -> str | None:
    gate = common_gate(regexes, flags)
    return None if gate is None else gate.__self__.pattern  # type: ignore[attr-defined]


@pytest.mark.parametrize(("regexes", "gate"), [
    (["foo[0-9]+", "foo[a-z]+"], "foo"),
    (["ab(c|d)x", "ab(c|e)x"], "ab"),           # the cut inside a group does not parse
    (["ab+", "abc"], "a"),                      # `ab` is not a leading item of `ab+`
    (["ab", "abc"], "a"),                       # a gate must leave more of every regex
    (["a+b", "a+c"], "a+"),
    (["[ab]x", "[ab]y", "[ab]z"], "[ab]"),
    (["k=[0-9]{4}", "k=[0-9]{4}x", "k=[a-z]"], "k="),
    (["foo"], None),                            # one regex: nothing to share
    ([], None),
    (["abc", "xyz"], None),                     # no common prefix
    (["", "a"], None),
    (["ab[", "abc"], None),                     # not every regex parses
    (["ab", "ab"], "a"),                        # the whole regex is no gate
])
def test_common_gate_cuts_at_whole_items(regexes: list[str], gate: str | None) -> None:
    assert _gate_pattern(regexes) == gate


def test_common_gate_matches_where_the_shared_part_does_and_keeps_flags() -> None:
    gate = common_gate(["key=[0-9]+", "key=[a-z]+"], re.IGNORECASE)
    assert gate is not None
    assert gate.__self__.flags & re.IGNORECASE  # type: ignore[attr-defined]
    assert gate("x KEY=1", 2) is not None
    assert gate("x KEY=1", 1) is None
    assert gate("x kex=1", 2) is None
    # cached per (regexes, flags)
    assert common_gate(["key=[0-9]+", "key=[a-z]+"], re.IGNORECASE) is gate
    other = common_gate(["key=[0-9]+", "key=[a-z]+"], 0)
    assert other is not gate and other is not None
    assert other("x KEY=1", 2) is None


# --- _anchor_plan and _AnchorPlan.gate ------------------------------------------------------
P_NUM = Pattern("num", r"key=[0-9]{6}", anchors=("key",), at_anchor=True)
P_ALPHA = Pattern("alpha", r"key=[a-z]{6}", anchors=("key",), at_anchor=True)
P_OTHER = Pattern("other", r"key:[0-9]{6}", anchors=("key",), at_anchor=True)
P_SCAN = Pattern("scan", r"Z[0-9]{8}", anchors=("key", "key"))
P_SHARED = Pattern("shared", r"tok(?:en)?=[0-9]{6}", anchors=("tok", "token"), at_anchor=True)
P_ALWAYS = Pattern("always", r"W[0-9]{8}")
P_FLAG = Pattern("flag", r"key~[0-9]{6}", anchors=("key",), at_anchor=True, flags=re.ASCII)

PLAN_DETS = [Detector("d1", (P_NUM, P_ALPHA, P_SCAN, P_SHARED, P_ALWAYS)),
             Detector("d2", (P_OTHER,))]


def _plan_r(dets=PLAN_DETS, known=()) -> SecretRedactor:
    return SecretRedactor(dets, KEY, known, backend="re")


def test_anchor_plan_splits_scan_once_shared_and_known() -> None:
    secret = "keyQ7mZ2pX9wL4vT8nB"
    r = _plan_r(known=[secret])
    plan = r._plan["key"]
    assert [c.pattern.type for c in plan.scan] == ["scan"]           # de-duplicated
    assert [(m.__self__.pattern, c.pattern.type) for m, c in plan.once] == [
        (r"key=[0-9]{6}", "num"), (r"key=[a-z]{6}", "alpha"), (r"key:[0-9]{6}", "other")]
    assert plan.shared == ()
    assert plan.known == ()
    kplan = r._plan[secret.lower()]                  # a known secret is its own anchor
    assert secret in kplan.known and (kplan.scan, kplan.once, kplan.shared) == ((), (), ())
    assert [(g if g is None else g.__self__.pattern, [c.pattern.type for _, c in ms])
            for g, ms in plan.groups] == [("key=", ["num", "alpha"]), (None, ["other"])]
    assert plan.gate.__self__.pattern == "key="  # type: ignore[union-attr]
    for anchor in ("tok", "token"):
        p = r._plan[anchor]
        assert [c.pattern.type for c in p.shared] == ["shared"]
        assert (p.scan, p.once, p.known, p.groups) == ((), (), (), ())
        assert p.gate is None


def test_anchor_plan_no_gate_across_different_flags() -> None:
    r = _plan_r([Detector("d", (P_NUM, P_FLAG))])
    [(gate, members)] = r._plan["key"].groups
    assert gate is None
    assert [c.pattern.type for _, c in members] == ["num", "flag"]


def test_anchor_plan_gate_is_the_largest_groups() -> None:
    dets = [Detector("a", (P_OTHER,)), Detector("b", (P_NUM, P_ALPHA))]
    plan = _plan_r(dets)._plan["key"]
    assert [len(ms) for _, ms in plan.groups] == [1, 2]
    assert plan.gate.__self__.pattern == "key="  # type: ignore[union-attr]
    assert _AnchorPlan((), (), (), ()).gate is None


# --- _candidates ------------------------------------------------------------------------------
def test_candidates_per_plan_exact() -> None:
    r = _plan_r()
    text = "Z12345678 key=123456 key=abcdef key:654321 KEY=999999 token=111111 W87654321"
    assert _cands(r, text) == [
        (0, 9, 70, "scan", "d1"),          # scanned over the whole text, before the anchor
        (10, 20, 70, "num", "d1"),
        (21, 31, 70, "alpha", "d1"),
        (32, 42, 70, "other", "d2"),
        (43, 53, 70, "num", "d1"),         # at-anchor patterns are case-insensitive
        (54, 66, 70, "shared", "d1"),      # once, though `tok` and `token` both hit there
        (67, 76, 70, "always", "d1"),
    ]
    out = r.redact_text(text)
    for secret in ("Z12345678", "key=123456", "key=abcdef", "token=111111", "W87654321"):
        assert secret not in out
    assert_absent("token=111111", out)


def test_candidates_without_any_anchor_run_only_the_anchorless() -> None:
    r = _plan_r()
    text = "Z12345678 W87654321 W11111111"
    assert _cands(r, text) == [(10, 19, 70, "always", "d1"), (20, 29, 70, "always", "d1")]
    negative = "Z12345678 ke y=123456 nothing here"
    assert _cands(r, negative) == []
    assert r.redact_text(negative) == negative


def test_candidates_scan_needs_its_anchor_not_another() -> None:
    r = _plan_r()
    text = "Z12345678 token=12345"        # `tok` hits, `key` does not: no scan
    assert _cands(r, text) == []
    assert r.redact_text(text) == text


def test_candidates_gate_failing_skips_its_group_only() -> None:
    r = _plan_r()
    text = "key:123456 key"
    assert _cands(r, text) == [(0, 10, 70, "other", "d2")]


def test_candidates_known_secret_exact_case_only() -> None:
    secret = "Known-Secret-Value-9f3k2"
    r = _plan_r(dets=[], known=[secret])
    text = f"a {secret} b {secret.lower()} c {secret}"
    assert _cands(r, text) == [(2, 26, KNOWN_PRIORITY, KNOWN_TYPE, "known"),
                               (56, 80, KNOWN_PRIORITY, KNOWN_TYPE, "known")]
    out = r.redact_text(text)
    assert_absent(secret, out)
    assert secret.lower() in out


def test_candidates_non_ascii_known_secret_every_occurrence() -> None:
    secret = "pässwörd-Geheim-77"
    r = _plan_r(dets=[], known=[secret])
    assert r._slow_known
    text = f"{secret}{secret} x {secret}"
    n = len(secret)
    assert [c[:2] for c in _cands(r, text)] == [(0, n), (n, 2 * n), (2 * n + 3, 3 * n + 3)]
    assert_absent(secret, r.redact_text(text))


def test_candidates_non_ascii_anchor_hits_one_character_apart() -> None:
    # The anchor is the secret's first 64 characters, here one repeated letter: it hits at
    # every offset of a longer run, and the secret starts at the second one.
    secret = "ä" * 64 + "Ab1Zq9"
    r = _plan_r(dets=[], known=[secret])
    text = "ä" + secret
    assert _cands(r, text) == [(1, 71, KNOWN_PRIORITY, KNOWN_TYPE, "known")]
    out = r.redact_text(text)
    assert out == f"ä[REDACTED:{KNOWN_TYPE}:{r.tag(secret)}]"
    assert_absent(secret, out)


def test_candidates_non_ascii_capitals_are_lowered_for_the_slow_anchors() -> None:
    # Same length lowered: str.lower, which lowers `Ä` too (the anchor is str.lower'd).
    secret = "GEHEIM-PÄSSWÖRD-77"
    r = _plan_r(dets=[], known=[secret])
    text = f"x {secret} y"
    assert _cands(r, text) == [(2, 20, KNOWN_PRIORITY, KNOWN_TYPE, "known")]
    assert_absent(secret, r.redact_text(text))
    negative = "x GEHEIM-PÄSSWÖRD-78 y"
    assert r.redact_text(negative) == negative


def test_candidates_offsets_hold_when_lowercase_is_longer() -> None:
    # "İ".lower() is two characters: the offsets come from an ASCII-only lowering.
    r = _plan_r()
    text = "İİ key=123456 İ"
    assert _cands(r, text) == [(3, 13, 70, "num", "d1")]
    out = r.redact_text(text)
    assert out.startswith("İİ [REDACTED:num:") and out.endswith("] İ")
    assert_absent("key=123456", out)


def test_candidates_repeated_anchor_and_alternating_anchors() -> None:
    r = _plan_r()
    text = "key=111111 key=222222 token=333333 key=444444 Z12345678"
    assert [c[:2] + (c[3],) for c in _cands(r, text)] == [
        (0, 10, "num"), (11, 21, "num"), (22, 34, "shared"), (35, 45, "num"),
        (46, 55, "scan")]


# --- _accept ----------------------------------------------------------------------------------
P_B = Pattern("b", r"SECRET[0-9]{6}", anchors=("secret",), boundary=True)
P_GROUP = Pattern("g", r"pw=(?P<s>[A-Za-z0-9]*)(?:;|$)", anchors=("pw=",))
P_OPT = Pattern("o", r"opt(?:=(?P<s>[0-9]{6}))?!", anchors=("opt",))
P_VAL = Pattern("v", r"V[0-9]{6}", anchors=("v",), validate=lambda s: s.endswith("7"))
P_CHECK = Pattern("c", r"C([0-9])[0-9]{5}", anchors=("c",), check=lambda m: m.group(1) == "1")
P_PRIO = Pattern("p", r"P[0-9]{6}", anchors=("p",), priority=7)



@functools.cache
def _acc() -> SecretRedactor:
    """The redactor of the `_accept` tests, built in a test: built at import, a mutant that
    breaks the plans would be a collection error (not counted as killed), not a failure."""
    return SecretRedactor([Detector("acc", (P_B, P_GROUP, P_OPT, P_VAL, P_CHECK, P_PRIO))],
                          KEY, backend="re")


@pytest.mark.parametrize(("text", "kept"), [
    ("SECRET123456", True),                # at the start of the text
    (" SECRET123456", True),
    ("-SECRET123456", True),
    ("aSECRET123456", False),
    ("9SECRET123456", False),
    ("_SECRET123456", False),
    ("\\nSECRET123456", True),             # a JSON escape is a boundary
    ("\\rSECRET123456", True),
    ("\\tSECRET123456", True),
    ("\\xSECRET123456", False),
    ("\\XSECRET123456", False),
    ("\\NSECRET123456", False),
    ("xnSECRET123456", False),
    ("nSECRET123456", False),
    ("\\\\SECRET123456", True),
    ("éSECRET123456", False),              # str.isalnum, not ASCII only
])
def test_accept_boundary(text: str, kept: bool) -> None:
    start = text.index("SECRET")
    expected = [(start, start + 12, 70, "b", "acc")] if kept else []
    assert _cands(_acc(), text) == expected
    out = _acc().redact_text(text)
    if kept:
        assert_absent("SECRET123456", out)
        assert out == text[:start] + f"[REDACTED:b:{_acc().tag('SECRET123456')}]"
    else:
        assert out == text


def test_accept_takes_the_named_group_and_refuses_empty_or_missing() -> None:
    assert _cands(_acc(), "x pw=Hunter2Zq;") == [(5, 14, 70, "g", "acc")]
    assert _cands(_acc(), "x pw=;") == []                    # empty group
    assert _cands(_acc(), "opt!") == []                       # group did not take part
    assert _cands(_acc(), "opt=123456!") == [(4, 10, 70, "o", "acc")]
    out = _acc().redact_text("x pw=Hunter2Zq;")
    assert out == f"x pw=[REDACTED:g:{_acc().tag('Hunter2Zq')}];"


def test_accept_refuses_masked_values_and_vetoes() -> None:
    assert _cands(_acc(), "pw=abxxxxxxcd;") == []
    assert _cands(_acc(), "pw=abxxxxxcd;") == [(3, 12, 70, "g", "acc")]
    assert _cands(_acc(), "pw=SAMPLE123;") == []
    assert _cands(_acc(), "V123457") == [(0, 7, 70, "v", "acc")]
    assert _cands(_acc(), "V123456") == []                    # validate refused the value
    assert _cands(_acc(), "C123456") == [(0, 7, 70, "c", "acc")]
    assert _cands(_acc(), "C223456") == []                    # check refused the match
    assert _cands(_acc(), "P123456") == [(0, 7, 7, "p", "acc")]
    for negative in ("pw=abxxxxxxcd;", "V123456", "C223456"):
        assert _acc().redact_text(negative) == negative


def _anchorless() -> list[Detector]:
    return [Detector(name="bare", patterns=(
        Pattern("bare_key", r"QK[0-9a-f]{8}(?![0-9a-f])"),
        Pattern("bare_ref", r"(?P<s>QR[0-9]{4})\1"),  # a back-reference: not translatable
        Pattern("keyed", r"zzkey=(?P<s>[0-9]{6})", anchors=("zzkey",)),
    ))]


@pytest.mark.parametrize("backend", ["hyperscan", "re"])
def test_anchorless_patterns_run_where_they_can_match(backend: str) -> None:
    if backend == "hyperscan":
        pytest.importorskip("hyperscan")
    r = SecretRedactor(_anchorless(), b"k" * 32, backend=backend)
    key, ref = r._always  # noqa: SLF001
    if backend == "hyperscan":
        assert r._unanchored == [ref]  # noqa: SLF001
        assert r._plan["\x00always:0"] == _AnchorPlan((key,), (), (), ())  # noqa: SLF001
        assert "\x00always:1" not in r._plan  # noqa: SLF001
    else:
        assert r._unanchored == [key, ref]  # noqa: SLF001
    for text, found in [("id QK0123abcd end", [(3, 13, "bare_key")]),
                        ("é QK0123abcd", [(2, 12, "bare_key")]),
                        ("qk0123abcd QK0123abcdef", []),
                        ("zzkey=123456 QK0123abcd", [(6, 12, "keyed"), (13, 23, "bare_key")]),
                        ("x QR1234QR1234 QK00000000", [(2, 8, "bare_ref"),
                                                       (15, 25, "bare_key")])]:
        assert [(f.start, f.end, f.type) for f in r.explain(text)] == found


# A match standing for several values (`Pattern.expand`): each span it returns is a candidate
# of the pattern's priority and type, masked ones dropped; validate/check are not asked.
P_EXPAND = Pattern("e", r"ROW(?:\|[^|\n]*)+", anchors=("row",), priority=33,
                   validate=lambda s: False, check=lambda m: False,
                   expand=lambda m: [(m.start() + i, m.start() + j) for i, j in
                                     ((4, 10), (11, 21), (22, 25))])


def test_accept_expands_a_match_into_its_spans() -> None:
    r = SecretRedactor([Detector("exp", (P_EXPAND,))], KEY, backend="re")
    text = "x ROW|Ab3dE9|xxxxxxxxxx|Qz7"
    assert _cands(r, text) == [(6, 12, 33, "e", "exp"), (24, 27, 33, "e", "exp")]
    out = r.redact_text(text)
    assert out == (f"x ROW|[REDACTED:e:{r.tag('Ab3dE9')}]|xxxxxxxxxx|"
                   f"[REDACTED:e:{r.tag('Qz7')}]")
    empty = Pattern("e", r"ROW", anchors=("row",), expand=lambda m: [])
    assert _cands(SecretRedactor([Detector("exp", (empty,))], KEY, backend="re"), "ROW") == []
