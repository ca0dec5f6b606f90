"""The engine's per-anchor plan finds exactly what the original per-hit loop found.

`Reference` keeps the original candidate search verbatim (one de-duplication set for every
at-anchor pattern, all lookups per hit); every verdict (`explain`: type, detector, offsets)
and every redacted text must be the same on fake secrets of every detector in the redaction
eval's contexts, on source code, on generated negatives and on adversarial texts.
"""

from __future__ import annotations

import functools
import json
import random
import re

import pytest
from bench.corpus import fakes, negatives
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cctrace.redact import prefilter, registry
from cctrace.redact.detectors.base import Detector, Pattern
from cctrace.redact.engine import _ASCII_LOWER, KNOWN_PRIORITY, KNOWN_TYPE, SecretRedactor

KEY = b"equivalence-key!" * 2


class Reference(SecretRedactor):
    """The candidate search as it was before the per-anchor plan (kept verbatim), over a
    prefilter that reports every anchor hit (no gated anchors, `cctrace.redact.gates`)."""

    def __init__(self, *args, **kwargs) -> None:  # noqa: ANN002, ANN003
        super().__init__(*args, **kwargs)
        self.backend, self._prefilter = prefilter.build(self._plan, kwargs.get("backend"))

    def _candidates(self, text: str) -> list[tuple[int, int, int, str, str]]:
        out: list[tuple[int, int, int, str, str]] = []
        low = text.lower()
        if len(low) != len(text):
            low = text.translate(_ASCII_LOWER)
        scan = set(self._always)
        tried: set[tuple[int, int]] = set()
        hits = self._prefilter(low) if self._prefilter is not None else []
        for anchor in self._slow_known:
            pos = low.find(anchor)
            while pos >= 0:
                hits.append((pos, anchor))
                pos = low.find(anchor, pos + 1)
        for pos, anchor in hits:
            for comp in self._scan.get(anchor, ()):
                scan.add(comp)
            for comp in self._at.get(anchor, ()):
                if (id(comp), pos) not in tried:
                    tried.add((id(comp), pos))
                    hit = comp.regex.match(text, pos)
                    if hit is not None:
                        self._accept(text, comp, hit, out)
            for lit in self._known.get(anchor, ()):
                if text.startswith(lit, pos):
                    out.append((pos, pos + len(lit), KNOWN_PRIORITY, KNOWN_TYPE, "known"))
        for comp in scan:
            for hit in comp.regex.finditer(text):
                self._accept(text, comp, hit, out)
        return out


CONTEXTS = (
    lambda t: f"$ ./deploy.sh --verbose\nusing {t} for upload\nexit 0\n",
    lambda t: json.dumps({"type": "tool_result", "content": f"value: {t}"}),
    lambda t: f"service:\n  name: api\n  value: {t}\n",
    lambda t: f'client = Client(\n    "{t}",\n    timeout=3,\n)\n',
    lambda t: f"DEBUG=1\nSOME_SETTING={t}\nPORT=8080\n",
    lambda t: f"GET https://api.example.com/v1/items?q={t} -> 200",
    lambda t: json.dumps({"content": json.dumps({"text": f"out: {t}"})}),
)
KNOWN = ("hunter2-Secret-Value", "pässwörd-Ümlaut-42", "tok_ABCDEF123456")


def _texts() -> list[str]:
    rng = random.Random(7)
    out = []
    for _typ, secret in fakes.fakes(rng):
        out.extend(wrap(secret) for wrap in CONTEXTS)
        out.append(f"token = {secret} password: '{secret}' <secret>{secret}</secret>")
    out.extend(negatives.generated(rng, 300))
    for path in negatives.stdlib_files(400_000):
        with open(path, encoding="utf-8", errors="replace") as fh:
            out.append(fh.read())
    # Keyword-dense prose (what made the per-hit loop hot) and known secrets everywhere.
    words = ["token", "password", "secret", "api_key", "tokenizer", "=", ":", '"', "\n",
             "x9Fq2LmZ7vB1", "é", *KNOWN]
    out.extend(" ".join(rng.choice(words) for _ in range(400)) for _ in range(30))
    return out


TEXTS = _texts()


@pytest.mark.parametrize("backend", ["hyperscan", "re"])
@pytest.mark.parametrize("pii", [False, True])
def test_same_findings_and_output_as_the_reference(backend: str, pii: bool) -> None:
    if backend == "hyperscan":
        # Only a missing wheel (an optional backend) may skip; a failure to build fails.
        pytest.importorskip("hyperscan", reason="hyperscan wheel not installed")
    new = SecretRedactor(registry.detectors(pii=pii), KEY, KNOWN, backend=backend)
    ref = Reference(registry.detectors(pii=pii), KEY, KNOWN, backend=backend)
    found = 0
    for text in TEXTS:
        spans = new.explain(text)
        assert spans == ref.explain(text)
        assert sorted(new._candidates(text)) == sorted(ref._candidates(text))  # noqa: SLF001
        assert new.redact_text(text) == ref.redact_text(text)
        found += len(spans)
    assert found > 1000  # the corpus does exercise the detectors


def _prefix_detector() -> Detector:
    # Two anchors of one at-anchor pattern that can start at the same offset ("key" is a
    # prefix of "keyring"): the plan must try the pattern once there, as the reference did.
    return Detector(name="prefixes", patterns=(
        Pattern("prefix_secret", r"key(?:ring)?[=:](?P<s>[A-Za-z0-9]{8,})",
                anchors=("key", "keyring"), at_anchor=True),
        Pattern("prefix_secret", r"key(?:ring)?[=:](?P<s>[A-Za-z0-9]{8,})",
                anchors=("key", "key"), at_anchor=True),
    ))


def test_prefix_related_anchors_are_tried_once_per_offset() -> None:
    new = SecretRedactor([_prefix_detector()], KEY)
    ref = Reference([_prefix_detector()], KEY)
    plan = new._plan["key"]  # noqa: SLF001
    assert len(plan.shared) == 1 and len(plan.once) == 1
    text = "keyring=Abcdef123456 key:Zyxwvu987654 KEYRING=Qwerty555666"
    assert new._candidates(text) and sorted(new._candidates(text)) == sorted(  # noqa: SLF001
        ref._candidates(text))  # noqa: SLF001
    assert new.explain(text) == ref.explain(text)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(
    ["token", "TOKEN", "pwd", "secret", "=", ": ", '"', "'", "\n", "\\n", "x" * 12,
     "Zq8vN3pL0kW5", "ghp_", "AKIA", "é", "[REDACTED:x:0123abcd]", *KNOWN]), max_size=60))
def test_random_token_soup_matches_the_reference(parts: list[str]) -> None:
    text = "".join(parts)
    assert _new().explain(text) == _ref().explain(text)
    assert _new().redact_text(text) == _ref().redact_text(text)


@functools.cache
def _new() -> SecretRedactor:
    # Both redactors are built in a test, not at import: a mutant of the engine that
    # breaks construction then fails tests, not the whole collection (bench/mutation.py).
    return SecretRedactor(registry.detectors(), KEY, KNOWN)


@functools.cache
def _ref() -> Reference:
    return Reference(registry.detectors(), KEY, KNOWN)


def test_reference_is_not_trivially_equal() -> None:
    # The comparison is meaningful only if the reference runs its own loop.
    assert Reference._candidates is not SecretRedactor._candidates
    assert re.search(r"REDACTED", _ref().redact_text("password = 'Sx8!Ew3@Rt6#yU'"))


def test_keyword_patterns_share_a_gate() -> None:
    plan = _new()._plan["token"]  # noqa: SLF001
    assert plan.gate is not None and len(plan.once) >= 2


@pytest.mark.parametrize(("regexes", "gate"), [
    (["abc(?P<x>d)e", "abc(?P<x>d)f"], "abc(?P<x>d)"),
    (["ab{2}c", "ab{2}d"], "ab{2}"),
    (["abc", "abcd"], "ab"),                  # the gate is never a whole regex
    (["ab|c", "ab|d"], None),                 # top-level alternation: no common head
    (["a(b|c)d", "a(b|e)d"], "a"),
    (["x[ab]y", "x[ac]y"], "x"),
    (["only"], None),
])
def test_common_gate_takes_whole_leading_items(regexes: list[str], gate: str | None) -> None:
    from cctrace.redact.engine import common_gate

    found = common_gate(regexes, re.IGNORECASE)
    assert (found.__self__.pattern if found else None) == gate


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(
    ["token", "Password", "_x", "=", ":=", "=>", " ", "\t", '"', "'", "]", "\\", "abc123XYZ",
     "b'", "`"]), max_size=30))
def test_where_the_gate_fails_no_gated_pattern_matches(parts: list[str]) -> None:
    text = "".join(parts)
    plan = _new()._plan["token"]  # noqa: SLF001
    for gate, members in plan.groups:  # each detector's group behind its own gate
        for pos in range(len(text) if gate is not None else 0):
            if gate(text, pos) is None:
                assert all(match(text, pos) is None for match, _comp in members)


def test_short_text_verdicts_are_remembered_unchanged(monkeypatch) -> None:
    from cctrace.redact import engine

    monkeypatch.setattr(engine, "SHORT_CACHE", 50)
    red = SecretRedactor(registry.detectors(), KEY, KNOWN)
    rng = random.Random(3)
    shorts = [t for t in TEXTS if len(t) <= engine.SHORT_TEXT]
    shorts += ["role", "content", KNOWN[0], f"token={KNOWN[2]}", "password: 'Sx8!Ew3@Rt6#'"]
    shorts += [wrap(secret)[:64] for _typ, secret in fakes.fakes(rng) for wrap in CONTEXTS[:2]]
    for _ in range(3):
        for text in shorts:
            first = red.explain(text)
            assert first == red.explain(text) == red._find(text)  # noqa: SLF001
            assert red.redact_text(text) == _ref().redact_text(text)
            assert len(red._short) <= 50  # noqa: SLF001
    assert any(red.explain(t) for t in shorts)
    found = red.explain(f"token={KNOWN[2]}")
    found.clear()  # a caller changing its list does not change the remembered verdict
    assert red.explain(f"token={KNOWN[2]}")
