"""The anchor prefilter, exactly: the factored regex, every hit of both backends, the choice.

The prefilter reports every (offset, anchor) where a detector's literal occurs in the
lower-cased text; a missed hit is a detector never tried. Both backends are compared with
the exact hit lists, overlapping and prefix-related anchors included, and with characters
of several UTF-8 bytes before the hits (the hyperscan backend maps byte offsets back). The
mutation run (`bench/mutation.py -m redact.prefilter`) starts with this file.
"""

from __future__ import annotations

import pytest

from cctrace.redact import prefilter as P

hyperscan = pytest.importorskip("hyperscan")  # declared optional backend; absent = skip
_DATABASE = hyperscan.Database

ANCHORS = ["ab", "abc", "b", "sk-", "sk-ant-"]
TEXT = "xabcab b sk-ant-1 sk-"
HITS = [(1, "ab"), (1, "abc"), (2, "b"), (4, "ab"), (5, "b"), (7, "b"), (9, "sk-"),
        (9, "sk-ant-"), (18, "sk-")]
WIDE = "é€𝄞 abc ébé sk-ant-"
WIDE_HITS = [(4, "ab"), (4, "abc"), (5, "b"), (9, "b"), (12, "sk-"), (12, "sk-ant-")]


@pytest.mark.parametrize("words, regex", [
    (["ab", "abc", "b"], "(?:ab(?:c)?|b)"),
    (["a"], "a"),
    (["ab", "ac"], "a(?:b|c)"),
    (["a.b"], r"a\.b"),
    (["sk-", "sk-ant-"], r"sk\-(?:ant\-)?"),
    (["b", "a"], "(?:a|b)"),
    ([], ""),
])
def test_trie_regex(words: list[str], regex: str) -> None:
    assert P.trie_regex(words) == regex


@pytest.mark.parametrize("make", [P.re_prefilter, P.hyperscan_prefilter])
def test_every_hit_of_every_anchor(make) -> None:
    run = make(sorted(ANCHORS))
    assert sorted(run(TEXT)) == HITS
    assert sorted(run(WIDE)) == WIDE_HITS
    assert run("nothing here") == []
    assert sorted(run("ébbé")) == [(1, "b"), (2, "b")]


def test_re_hits_come_in_text_order() -> None:
    assert P.re_prefilter(sorted(ANCHORS))(TEXT) == [
        (1, "ab"), (1, "abc"), (2, "b"), (4, "ab"), (5, "b"), (7, "b"), (9, "sk-"),
        (9, "sk-ant-"), (18, "sk-")]


class _OldWheel:
    """hyperscan.Database as an older wheel has it: no literal compiler."""

    def __init__(self, **kw) -> None:
        self.db = _DATABASE(**kw)
        self.compiled: list[bytes] = []

    def compile(self, expressions, literal=None, **kw) -> None:
        if literal is not None:
            raise TypeError("compile() got an unexpected keyword argument 'literal'")
        self.compiled = list(expressions)
        self.db.compile(expressions=expressions, **kw)

    def scan(self, *a, **kw):
        return self.db.scan(*a, **kw)


def test_an_older_wheel_compiles_escaped_literals(monkeypatch) -> None:
    made: list[_OldWheel] = []

    def database(**kw):
        made.append(_OldWheel(**kw))
        return made[-1]

    monkeypatch.setattr(hyperscan, "Database", database)
    run = P.hyperscan_prefilter(["a.b", "b"])
    assert made[-1].compiled == [b"\\x61\\x2e\\x62", b"\\x62"]
    assert sorted(run("a.b axb")) == [(0, "a.b"), (2, "b"), (6, "b")]


def test_build_chooses_the_backend(monkeypatch) -> None:
    monkeypatch.delenv("CCTRACE_REDACT_BACKEND", raising=False)
    assert P.build([]) == ("none", None)
    assert P.build(["", "é"]) == ("none", None)
    name, run = P.build(["ab", "ab", "", "é", "b"])
    assert name == "hyperscan"
    assert sorted(run("ab é")) == [(0, "ab"), (1, "b")]
    assert P.build(["ab"], "re")[0] == "re"
    assert P.build(["ab"], "hyperscan")[0] == "hyperscan"
    assert P.build(["ab"], "other")[0] == "re"
    monkeypatch.setenv("CCTRACE_REDACT_BACKEND", "re")
    assert P.build(["ab"])[0] == "re"
    assert P.build(["ab"], "hyperscan")[0] == "hyperscan"
    monkeypatch.setenv("CCTRACE_REDACT_BACKEND", "auto")
    assert P.build(["ab"])[0] == "hyperscan"


def test_a_broken_hyperscan_falls_back_unless_asked_for(monkeypatch) -> None:
    monkeypatch.delenv("CCTRACE_REDACT_BACKEND", raising=False)

    def broken(anchors, gated=None, extra=None):
        raise RuntimeError("no SSSE3")

    monkeypatch.setattr(P, "hyperscan_prefilter", broken)
    name, run = P.build(["b", "ab"])
    assert name == "re"
    assert run("ab") == [(0, "ab"), (1, "b")]
    with pytest.raises(RuntimeError):
        P.build(["ab"], "hyperscan")


@pytest.mark.parametrize("make", [P.re_prefilter, P.hyperscan_prefilter])
def test_anchors_are_literals_matched_as_they_are(make) -> None:
    # `.` is no wildcard; the text is lower-cased by the caller, an upper-case anchor
    # never matches it (both backends alike)
    assert sorted(make(["a.b"])("axb a.b")) == [(4, "a.b")]
    assert make(["AB"])("ab") == []


@pytest.mark.parametrize("make", [P.re_prefilter, P.hyperscan_prefilter])
def test_a_lone_surrogate_before_a_hit(make) -> None:
    assert sorted(make(["ab", "b"])("\ud800ab \udfff b")) == [(1, "ab"), (2, "b"), (6, "b")]


# Anchorless patterns (`extra`): a name per expression, reported at offset 0 where it
# matches (`engine._ALWAYS` pseudo-anchors).
EXTRA = {"x:two": "zz[0-9]{2}", "x:one": "q[0-9]"}


def test_extra_names_are_reported_where_their_expression_matches() -> None:
    run = P.hyperscan_prefilter(sorted(ANCHORS), None, EXTRA)
    assert sorted(run(TEXT)) == HITS
    assert sorted(run("zz12 q")) == [(0, "x:two")]
    assert sorted(run("q1 then zz12, q2")) == [(0, "x:one"), (0, "x:two")]
    assert sorted(run("sk- zz1")) == [(0, "sk-")]
    # Not ASCII: the expressions speak of ASCII bytes, so every name is reported.
    assert sorted(run("é b")) == [(0, "x:one"), (0, "x:two"), (2, "b")]
    assert P.build(ANCHORS, "hyperscan", None, EXTRA)[1]("q7") == [(0, "x:one")]
    assert P.build(ANCHORS, "re", None, EXTRA)[1]("q7 ab") == [(3, "ab"), (4, "b")]


def test_extra_names_beside_gated_anchors() -> None:
    gated = {"abc": "abc=", "ab": "abc="}
    run = P.hyperscan_prefilter(sorted(ANCHORS), gated, EXTRA)
    assert sorted(run("abc q1")) == [(0, "x:one"), (1, "b")]
    assert sorted(run("abc= zz99")) == [(0, "ab"), (0, "abc"), (0, "x:two"), (1, "b")]
    gate = P._Gate.build(hyperscan, gated, EXTRA)
    assert (gate.gates, gate.names) == (1, ["x:one", "x:two"])
    assert gate.scan(b"zz00 abc= q5") == (True, ["x:one", "x:two"])
    assert gate.scan(b"zz0") == (False, [])
    plain = P._Gate.build(hyperscan, gated)
    assert (plain.gates, plain.names) == (1, [])
    assert plain.scan(b"abc=") == (True, []) and plain.scan(b"abc") == (False, [])
    assert P._Gate.build(hyperscan, {}, {}) is None
    only = P._Gate.build(hyperscan, {}, {"n": "q[0-9]"})
    assert (only.gates, only.names) == (0, ["n"]) and only.scan(b"q1") == (False, ["n"])


def test_an_extra_expression_hyperscan_refuses_is_reported_for_every_text() -> None:
    bad = {"x:bad": "(?<=a)b\\1"}  # a back-reference: hyperscan refuses it
    gate = P._Gate.build(hyperscan, {"abc": "abc="}, bad)
    assert (gate.gates, gate.names) == (1, [])
    run = P.hyperscan_prefilter(sorted(ANCHORS), {"abc": "abc="}, {**EXTRA, **bad})
    assert sorted(run("nothing")) == [(0, "x:bad"), (0, "x:one"), (0, "x:two")]
    alone = P.hyperscan_prefilter(sorted(ANCHORS), None, bad)
    assert sorted(alone("nothing")) == [(0, "x:bad")]
    assert sorted(alone("ab")) == [(0, "ab"), (0, "x:bad"), (1, "b")]


def test_a_failed_gate_scan_reports_everything(monkeypatch) -> None:
    gate = P._Gate.build(hyperscan, {"abc": "abc="}, EXTRA)

    class Broken:
        def scan(self, data, match_event_handler=None):  # noqa: ANN001, ANN201
            raise RuntimeError("scan failed")

    gate._db = Broken()
    assert gate.scan(b"x") == (True, ["x:one", "x:two"])
