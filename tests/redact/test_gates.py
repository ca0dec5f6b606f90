"""Gated anchors: a gate's hyperscan expression is a necessary condition, never narrower.

Where the expression fails in a text, the prefilter leaves that text's gated keyword hits
out, so it must match wherever the gate itself matches at any offset (checked on the real
keyword gate over keyword soups and over every fake secret in context). The engine must
then find exactly what it found with every hit reported: tests/redact/
test_engine_equivalence.py compares it with a reference over an ungated prefilter.
"""

from __future__ import annotations

import functools
import random
import re

import pytest
from bench.corpus import fakes
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cctrace.redact import gates, prefilter, registry
from cctrace.redact.engine import SecretRedactor

hyperscan = pytest.importorskip("hyperscan", reason="hyperscan wheel not installed")


def _db(expr: str) -> object:
    db = hyperscan.Database(mode=hyperscan.HS_MODE_BLOCK)
    db.compile(expressions=[expr.encode("ascii")], ids=[0], elements=1,
               flags=[hyperscan.HS_FLAG_SINGLEMATCH])
    return db


def _matches(db: object, text: str) -> bool:
    hit: list[int] = []
    db.scan(text.lower().encode("ascii"), match_event_handler=lambda *a: hit.append(1))
    return bool(hit)


@functools.cache
def _redactor() -> SecretRedactor:
    return SecretRedactor(registry.detectors(), b"k" * 32)


@functools.cache
def _keyword_gate() -> tuple[re.Pattern[str], object]:
    gate = _redactor()._plan["token"].gate  # noqa: SLF001
    expr = gates.necessary(gate.__self__.pattern, gate.__self__.flags)
    assert expr is not None
    return gate.__self__, _db(expr)


def _gate_matches_somewhere(rx: re.Pattern[str], text: str) -> bool:
    return any(rx.match(text, pos) for pos in range(len(text)))


PARTS = ["token", "TOKEN", "Api_Key", "secret", "pass", "auth", "key", "keys", "_x", "s",
         "=", ":=", ":", "=>", " ", "\t", "\n", "\x1c", "\x0b", '"', "'", "]", "[", "<", ">",
         "\\", "abc123XYZ", "b'", "`", ".", "-", "(", "is", "var", "string"]


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(PARTS), max_size=30))
def test_the_keyword_gate_expression_matches_wherever_the_gate_does(parts: list[str]) -> None:
    text = "".join(parts)
    rx, db = _keyword_gate()
    if _gate_matches_somewhere(rx, text):
        assert _matches(db, text), text


def test_the_expression_holds_on_fake_secrets_in_context_and_rejects_plain_prose() -> None:
    rx, db = _keyword_gate()
    rng = random.Random(5)
    checked = 0
    for _typ, secret in fakes.fakes(rng):
        for text in (f"token = {secret}", f"export API_KEY='{secret}'", f"auth: {secret}",
                     f"var apiKey string = \"{secret}\"", f"<secret>{secret}</secret>"):
            if text.isascii() and _gate_matches_somewhere(rx, text):
                assert _matches(db, text), text
                checked += 1
    assert checked > 500
    # What made the template expensive: keywords in prose, none followed by an assignment.
    prose = "token import offset\nsession key value token\nthe secret of auth pass"
    assert not _gate_matches_somewhere(rx, prose) and not _matches(db, prose)


@pytest.mark.parametrize(("regex", "expected"), [
    (r"ab", r"\x61\x62"),
    (r"a(?=b)", r"\x61\x62"),                    # a trailing lookahead is consumed
    (r"a(?=b)c", r"\x61\x63"),                   # any other is left out
    (r"(?<!x)a(?!b)", r"\x61"),
    (r"\ba$", r"\x61"),
    (r"[A-C]", r"[\x61-\x63]"),                  # upper case is read lower-cased
    (r"(?i)K", r"\x6b"),
    (r"a{2,5}", r"(?:\x61){2,5}"),
    (r"a{0,40}", r"(?:\x61){0,}"),              # large bounds loosened
    (r"a*?b", r"(?:\x61){0,}\x62"),
    (r"(?:a|)b", r"(?:\x61)?\x62"),
    (r"\s", r"[\x09-\x0d\x1c-\x20]"),            # re's \s: \x1c-\x1f are spaces too
    (r"(?P<k>a)(?P=k)", None),                   # backreferences: no translation
    (r"(?!a)\b", None),                          # nothing left to require
    (r"(?=a)", r"\x61"),                         # (a lookahead that is all of it)
    (r"é", None),                                # nothing ASCII can pass
])
def test_translation(regex: str, expected: str | None) -> None:
    assert gates.necessary(regex, 0) == expected


def test_only_wholly_gated_anchors_are_gated() -> None:
    red = _redactor()
    gated = gates.gated_anchors(red._plan)  # noqa: SLF001
    # `auth` is among them: beside generic_assignment's gated keyword patterns it anchors
    # auth_header's `auth=("user", "pw")` pair, a group of one pattern whose own regex
    # (no back-reference since the pair's quotes are compared by a check) is its gate.
    assert {"token", "secret", "api_key", "key", "pass", "auth"} <= set(gated)
    for anchor in gated:
        plan = red._plan[anchor]  # noqa: SLF001
        assert not (plan.scan or plan.shared or plan.known)
        assert any(gate is not None for gate, _ in plan.groups)
        assert all(gate is not None or len(members) == 1 for gate, members in plan.groups)
    # A group of one pattern is its own gate only beside a real one: anchors of single
    # patterns (provider prefixes) stay literals.
    assert "sk-ant-api" not in gated and "authorization" not in gated
    auth = red._plan["auth"]  # noqa: SLF001
    assert sorted(len(members) for gate, members in auth.groups if gate is None) == [1]
    pair = next(members[0][1] for gate, members in auth.groups if gate is None)
    assert pair.detector == "auth_header"
    assert gated["auth"].count("|") >= 1 and "(?:" in gated["auth"]
    # Anchors that trigger a scan pattern or an ungated one are reported wherever they are.
    assert any(p.scan for p in red._plan.values())  # noqa: SLF001
    assert not any(red._plan[a].scan for a in gated)  # noqa: SLF001


@pytest.mark.parametrize("text", [
    "token import token",                      # no gate anywhere: no gated hits
    "tokentoken = 1 and token",                # a gate matches: every occurrence
    "café token = 1 token",                    # outside ASCII: every occurrence
])
def test_the_prefilter_reports_gated_hits_only_where_a_gate_can_match(text: str) -> None:
    expr = r"\x74\x6f\x6b\x65\x6e[\x20]*\x3d"  # token *=
    _, run = prefilter.build(["token", "import"], "hyperscan", {"token": expr})
    _, plain = prefilter.build(["token", "import"], "hyperscan")
    low = text.lower()
    every = sorted(plain(low))
    if low.isascii() and not re.search("token *=", low):
        assert sorted(run(low)) == [h for h in every if h[1] != "token"]
    else:
        assert sorted(run(low)) == every
    assert any(h[1] == "token" for h in every)


def test_a_gate_hyperscan_refuses_leaves_every_anchor_literal() -> None:
    _, run = prefilter.build(["token"], "hyperscan", {"token": "(?=x)"})
    assert run("token import") == [(0, "token")]
