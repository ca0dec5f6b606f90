"""Every alternative every detector declares, generated from the registry: nothing is left.

A detector declares its formats as `Pattern`s, each with the literal anchors one of which
must be in the text (`sk-ant-oat` and `sk-ant-ort` for the two OAuth token kinds). The
samples come from the fake generator (`bench/corpus/fakes.py`, one template per format):
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
from support.absence import leaks

CONTEXTS = {
    "plain": lambda s: s,
    "bearer": lambda s: f"curl -H 'Authorization: Bearer {s}' https://api.corp.internal/v1",
    "url": lambda s: f"git remote add o https://deploy:{s}@git.corp.internal/r.git",
    "json_in_string": lambda s: json.dumps({"c": json.dumps({"tool_result": f"key: {s}"})}),
    "assignment": lambda s: f"export SERVICE_CONFIG='{s}'",
}


def _sample(template: str, rng: random.Random) -> tuple[str, list[str]]:
    return fakes.fake_fields(template, rng)


# Samples for the formats the fake generator has no template for (same `{X:n}` syntax).
EXTRA: dict[str, list[str]] = {
    "putty_private_key": [
        "PuTTY-User-Key-File-3: ssh-ed25519\nEncryption: none\nComment: deploy\n"
        "Public-Lines: 2\n{b:64}\n{b:20}\nPrivate-Lines: 1\n{b:44}\nPrivate-MAC: {h:64}"],
    "openshift_token": ["sha256~{w:43}"],
    "sourcegraph_token": ["sgp_{h:16}_{h:40}"],
    "tailscale_key": ["tskey-auth-{A:12}-{A:30}"],
    "onepassword_secret_key": ["A3-{U:6}-{U:11}-{U:5}-{U:5}-{U:5}"],
    "github_token_unverified": ["ghp_{A:36}"],
    "npm_token_unverified": ["npm_{A:36}"],
    "facebook_access_token": ["EAA{A:80}"],
    "msteams_webhook": [
        "https://acme.webhook.office.com/webhookb2/{h:8}-{h:4}-{h:4}@{h:8}-{h:4}"
        "/IncomingWebhook/{h:32}/{h:8}-{h:4}-{h:4}"],
    "netrc_password": ["machine api.corp.internal\n  login deploy\n  password {A:20}\n"],
    "discord_bot_token": ["Authorization: Bot M{A:23}.{w:6}.{w:38}"],
    "jwt": ["@b64jwt"],
    "prose_password": ["the password is {A:14} for now"],
    "prose_secret": ["my token is {A:20} today"],
    "cloudflare_global_api_key": ["CLOUDFLARE_API_KEY={h:37}"],
    "salesforce_access_token": ["00D{A:12}!{A:96}"],
}
# A sample another detector also matches, with a higher priority: the merged span takes its
# type (the secret is gone either way, which is what the test checks first).
OVERLAP_WINNER = {"netrc_password": "prose_password"}  # `password X` is prose too
# Formats with no sample anywhere: the test below names them, so a new one is a decision.
NO_SAMPLE = ["facebook: facebook_app_token", "prose: prose_login", "prose: prose_pin",
             "service_context: service_token"]


def _templates(typ: str) -> list[str]:
    return fakes.TEMPLATES.get(typ, []) + EXTRA.get(typ, [])


def _with_anchor(text: str, anchor: str, siblings: tuple[str, ...]) -> str | None:
    """`text` holding `anchor`: as it is, or with a sibling anchor swapped for it (same
    case), which is how one declared prefix's sample becomes another's."""
    low = text.lower()
    if anchor in low:
        return text
    for other in siblings:
        at = low.find(other)
        if other != anchor and at >= 0:
            found = text[at:at + len(other)]
            repl = anchor.upper() if found.isupper() else anchor
            return text[:at] + repl + text[at + len(other):]
    return None


def _alternatives() -> tuple[list[tuple[str, str, str, str]], list[str]]:
    """(detector, type, anchor, template) per declared alternative, and those without a
    sample. A prefix-led pattern has one alternative per anchor; a keyword-led one
    (`at_anchor`: any of its keywords starts the same regex) one in all."""
    out, missing = [], []
    for det in registry.detectors(pii=False):
        for pat in det.patterns:
            anchors = pat.anchors[:1] if pat.at_anchor or not pat.anchors else pat.anchors
            for anchor in anchors or ("",):
                for template in _templates(pat.type):
                    text, _ = _sample(template, random.Random(7))
                    if pat.at_anchor or _with_anchor(text, anchor, pat.anchors) is not None:
                        out.append((det.name, pat.type, anchor, template))
                        break
                else:
                    missing.append(f"{det.name}: {pat.type}"
                                   + (f" ({anchor!r})" if len(anchors) > 1 else ""))
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
        text, fields = _sample(template, random.Random(seed))
        pat = next(p for d in registry.detectors() for p in d.patterns
                   if p.type == typ and (anchor in p.anchors or not p.anchors))
        if not pat.at_anchor:
            swapped = _with_anchor(text, anchor, pat.anchors)
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
