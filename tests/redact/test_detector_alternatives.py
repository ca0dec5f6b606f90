"""Every alternative every detector declares, generated from the registry: nothing is left.

A detector declares its formats as `Pattern`s, each with the literal anchors one of which
must be in the text (`sk-ant-oat` and `sk-ant-ort` for the two OAuth token kinds). The
samples come from the fake generator (`bench/corpus/fakes.py`, one template per format,
and `tests/support/detector_samples.py` for the formats it has none for):
for every pattern and every anchor, a sample of that type holding that anchor is planted
in contexts where detectors overlap (a bearer header, URL credentials, JSON inside a JSON
string, a shell assignment), and every random part of it (every 12-character piece) must be
gone from the redacted text. A new detector or anchor is covered the day it is added; one
without a sample fails `test_every_declared_alternative_has_a_sample`, which names it.
"""

from __future__ import annotations

import json
import random

import pytest
from bench.corpus import fakes

from cctrace.redact import registry
from support import detector_samples as samples
from support.absence import leaks

CONTEXTS = {
    "plain": lambda s: s,
    "bearer": lambda s: f"curl -H 'Authorization: Bearer {s}' https://api.corp.internal/v1",
    "url": lambda s: f"git remote add o https://deploy:{s}@git.corp.internal/r.git",
    "json_in_string": lambda s: json.dumps({"c": json.dumps({"tool_result": f"key: {s}"})}),
    "assignment": lambda s: f"export SERVICE_CONFIG='{s}'",
}


# A sample another detector also matches, with a higher priority: the merged span takes its
# type (the secret is gone either way, which is what the test checks first).
OVERLAP_WINNER = {"netrc_password": "prose_password"}  # `password X` is prose too
# Formats with no sample anywhere: the test below names them, so a new one is a decision.
NO_SAMPLE = ["service_context: service_token"]


def _alternatives() -> tuple[list[tuple[str, str, str, str]], list[str]]:
    """(detector, type, anchor, template) per declared alternative, and those without a
    sample (`support.detector_samples.alternatives` per detector)."""
    out, missing = [], []
    for det in registry.detectors(pii=False):
        found, lacking = samples.alternatives(det)
        out += [(det.name, pat.type, anchor, template) for pat, anchor, template in found]
        missing += lacking
    return out, sorted(set(missing))


ALTERNATIVES, MISSING = _alternatives()


def test_every_declared_alternative_has_a_sample() -> None:
    assert MISSING == NO_SAMPLE, "formats without a sample:\n" + "\n".join(MISSING)
    # The ones the mutation run found untested before: both are here now.
    assert ("anthropic_oauth_token", "sk-ant-ort") in {(t, a) for _, t, a, _ in ALTERNATIVES}
    assert "putty_private_key" in {t for _, t, _, _ in ALTERNATIVES}


@pytest.mark.parametrize("context", sorted(CONTEXTS))
@pytest.mark.parametrize("det,typ,anchor,template", ALTERNATIVES,
                         ids=[f"{t}[{a}]" for _, t, a, _ in ALTERNATIVES])
def test_each_alternative_leaves_no_piece(redactor, det: str, typ: str, anchor: str,
                                          template: str, context: str) -> None:
    for seed in (1, 2):
        text, fields = samples.sample(template, random.Random(seed))
        pat = next(p for d in registry.detectors() for p in d.patterns
                   if p.type == typ and (anchor in p.anchors or not p.anchors))
        if not pat.at_anchor:
            swapped = samples.with_anchor(text, anchor, pat.anchors)
            assert swapped is not None
            text = swapped
        secret = fakes.secret_fields(typ, fields)
        assert secret, f"{typ}: the template has no secret field of {fakes.MIN_FIELD}+ chars"
        planted = CONTEXTS[context](text)
        out = redactor.redact_text(planted)
        found = [p for f in secret for p in leaks(f, out)]
        assert found == [], f"{det}/{typ} via {anchor!r} in {context}: {out[:200]}"
        if context == "plain":
            types = {f.type for f in redactor.explain(planted)}
            assert OVERLAP_WINNER.get(typ, typ) in types, types
