"""Each detector alone, exactly: the type and detector of what it finds, where, and where not.

One test per registered detector module (`test_detector[<name>]`, the first test of that
module's mutation run in `bench/mutation.py`). The detector is loaded inside the test (a
broken module fails its own test, not the collection), run alone in a redactor of its own
(no other detector can take over a span), and every pattern alternative it declares (the
samples of `support/detector_samples.py`) must give a finding of that pattern's type and
detector covering every random field of the sample, with nothing of the secret left
after redaction. A pattern with `boundary` must not start right after a letter; a text with
no sample in it must come back byte-identical. Validators at their exact bounds are tested
per module under `tests/redact/detectors/`.
"""

from __future__ import annotations

import random

import pytest

from cctrace.redact import registry
from cctrace.redact.engine import Finding, SecretRedactor
from support import detector_samples as samples
from support.absence import assert_absent

KEY = b"test-key" * 4
NAMES = registry.PROVIDERS + registry.GENERIC + registry.PII
# The other engineer's detectors (service names as context) have their own exact tests.
NOT_HERE = {"service_context"}
NEUTRAL = "cd /srv/app && make build 2>&1 | tail -n 20 # done, 3 files changed\n"
# Which patterns (index in the detector) must not start right after a letter, digit or `_`
# (`boundary`): written out here, not read from the patterns, so that dropping one is seen.
BOUNDARY = {
    "adobe": (0,), "airtable": (0,), "alibaba": (0,), "atlassian": (2,), "aws": (0, 1),
    "azure": (3,), "cloudflare": (0,), "databricks": (0,), "discord": (0,), "dropbox": (0,),
    "easypost": (0,), "facebook": (0,), "flyio": (1,), "github": (5,), "hashicorp": (2,),
    "jfrog": (0, 1), "mailchimp": (0,), "mailgun": (0,), "notion": (1,), "npm": (1,),
    "nuget": (0,), "onepassword": (1,), "replicate": (0,), "salesforce": (0,),
    "sonarqube": (0,), "sourcegraph": (0,), "tailscale": (0,), "telegram": (0,),
    "tencent": (0,), "twilio": (0,), "vercel": (0,), "jwt": (1,), "prose": (0, 1, 2, 4),
    "netrc": (0,),
}


def alone(name: str) -> SecretRedactor:
    """A redactor holding only detector `name` (loaded here, so a broken module fails)."""
    return SecretRedactor([registry.load(name)], KEY)


def _cases(name: str) -> list[tuple[int, str, str, list[str]]]:
    """(pattern index, type, text, values that must be found) for every alternative of
    detector `name`."""
    det = registry.load(name)
    if det.pii:
        return [(i, pat.type, text, [value]) for i, pat in enumerate(det.patterns)
                for text, value in samples.PII[pat.type]]
    found, missing = samples.alternatives(det)
    assert missing == [] or name in NOT_HERE, missing
    out = []
    for pat, anchor, template in found:
        for seed in (1, 2):
            text, fields = samples.sample(template, random.Random(seed))
            if not pat.at_anchor:
                text = samples.with_anchor(text, anchor, pat.anchors)
            out.append((det.patterns.index(pat), pat.type, text,
                        samples.fakes.secret_fields(pat.type, fields)))
    return out


def _meets(f: Finding, text: str, value: str) -> bool:
    at = text.find(value)
    return f.start < at + len(value) and at < f.end


def _covers(f: Finding, text: str, value: str) -> bool:
    at = text.find(value)
    return f.start <= at and at + len(value) <= f.end


@pytest.mark.parametrize("name", [n for n in NAMES if n not in NOT_HERE])
def test_detector(name: str) -> None:
    det = registry.load(name)
    assert det.name == name
    assert det.pii == (name in registry.PII)
    cases = _cases(name)
    assert cases, f"{name}: no sample"
    for index, typ, text, values in cases:
        assert values, f"{typ}: the sample has no secret field"
        r = alone(name)
        found = [f for f in r.explain(text) if any(_meets(f, text, v) for v in values)]
        # One finding, or one per field where a sample holds two (an AWS key id, secret).
        assert typ in {f.type for f in found} and {f.detector for f in found} == {name}, \
            (text, found)
        assert len(found) in (1, len(values)), (text, found)
        assert all(any(_covers(f, text, v) for f in found) for v in values), (text, found)
        assert_absent(values, r.redact_text(text))
        # Right after a letter, a boundary pattern does not start.
        at = next(f.start for f in found if f.type == typ)
        if index in BOUNDARY.get(name, ()) and (at == 0 or not text[at - 1].isalnum()):
            glued = text[:at] + "x" + text[at:]
            assert not any(f.start == at + 1 and f.type == typ
                           for f in alone(name).explain(glued)), glued
    assert alone(name).redact_text(NEUTRAL) == NEUTRAL


def test_the_boundary_table_is_what_the_detectors_declare() -> None:
    declared = {d.name: tuple(i for i, p in enumerate(d.patterns) if p.boundary)
                for d in registry.detectors(pii=True)}
    assert {k: v for k, v in declared.items() if v} == BOUNDARY
