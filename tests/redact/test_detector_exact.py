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
from cctrace.redact.detectors.base import Detector
from cctrace.redact.engine import Finding, SecretRedactor
from support import detector_samples as samples
from support.absence import assert_absent

KEY = b"test-key" * 4
NAMES = registry.PROVIDERS + registry.GENERIC + registry.PII
# The other engineer's detectors (service names as context) have their own exact tests.
NOT_HERE = {"service_context"}
# Detectors another engineer is testing now: their keywords are not tried one by one here.
OTHERS = {"service_context", "generic_assignment"}
NEUTRAL = "cd /srv/app && make build 2>&1 | tail -n 20 # done, 3 files changed\n"
# Templates of a keyword-led format for the keywords its usual sample cannot be turned
# into; `{k}` is the keyword (the first random field is the value that must be found).
KEYWORD: dict[str, list[str]] = {
    "datadog_api_key": ["DATADOG_API_KEY={h:32}"],
    "prose_password": ["la contraseña es {A:14} hoy"],
    # (`der ...` of the usual sample holds the `der token` keyword itself)
    "prose_secret": ["then {k} lautet {A:20} ok", "then {k} is {A:20} ok"],
    "netrc_password": ["default login deploy password {A:20}\n"],
    # delimited_rows' NAME | VALUE tables: `value` ending the header, by each delimiter
    "generic_secret": ["env:\nNAME,{k}API_TOKEN,{A:24}\n",
                       "env:\n| NAME | {k}\n| API_TOKEN | {A:24} |\n",
                       "env:\n\u2502 NAME \u2502 {k}\u2502\n"
                       "\u2502 API_TOKEN \u2502 {A:24} \u2502\n",
                       "env:\n\u2502NAME\u2502{k}\n\u2502API_TOKEN\u2502{A:24}\u2502\n",
                       "env:\\nNAME,{k}nAPI_TOKEN,{A:24}\\n"],  # `\n` escaped (JSON)
    # credential_lines: the file's name or its header comment (`client server secret`)
    "file_password": ["# {k} server secret\nalice * {A:12}!{d:3} *\n"],
    "discord_bot_token": ['app{k}"M{A:23}.{w:6}.{w:38}")'],
    "sql_password": ["ALTER ROLE app WITH LOGIN {k} '{A:16}';"],
    "session_cookie": ["{k} session={A:24}; Path=/"],
    "basic_auth": ['{k}("deploy", "{A:16}")'],
    "call_password": ['{k}("deploy", "{A:16}")', '{k}($dsn, "deploy", "{A:16}")'],
    "labelled_secret": ["ok\nAPI {k}{A:12}!{d:4}\n",
                        # the commands of command_output: each anchor is a command's start
                        "$ {k}\n{A:40}\n", "$ {k} token\n{A:40}\n",
                        "$ {k} print-access-token\n{A:40}\n",
                        "$ {k} get-login-password\n{A:40}\n",
                        "$ {k} get-authorization-token\n{A:40}\n",
                        "$ {k} get-access-token\n{A:40}\n",
                        "$ {k} get-secret-value\n{A:40}\n", "$ {k} get -field=token x\n{A:40}\n",
                        "$ {k} get API_TOKEN --plain\n{A:40}\n", "$ {k} op://v/i/x\n{A:40}\n",
                        "$ {k}generic-password -w\n{A:40}\n", "$ {k} password x\n{A:40}\n",
                        "$ {k} /db/token\n{A:40}\n", "$ {k} get app/db_token\n{A:40}\n",
                        "$ {k} get-parameter --name /db/token\n{A:40}\n"],
    "cli_password": ["$ {k}DB_TOKEN\n{A:16}\n",
                     # readers of a secret on their input whose keyword is not all of it
                     "echo {A:16} | {k} -S id", "echo {A:16} | {k}i .htpasswd admin",
                     "echo {A:16} | gpg --batch {k} 0 -d s.gpg",
                     "echo {A:16} | {k} -a -s bob", "echo {A:16} | gcloud x {k}=-"],
    "prose_secret_value": ["I set `DB_PASSWORD` with the {k}{A:16}` now."],
    "prose_word_secret": ["then use {k}{A:16}7` for the test run",
                          # the escaped quote's anchor (`token \`), in a JSON string
                          'then use {k}"{A:16}7\\" for the test run'],
}
# Which patterns (index in the detector) are keyword-led (`at_anchor`: tried at each keyword,
# whatever its case), written out for the same reason.
AT_ANCHOR = {
    "aws": (2, 4), "azure": (0, 1, 2), "cloudflare": (1,), "datadog": (0,), "discord": (1, 2),
    "facebook": (1,), "gcp": (4,), "heroku": (1,), "mailgun": (1,), "msteams": (0,),
    "okta": (0,), "slack": (6,), "telegram": (1, 2), "twilio": (1,), "vercel": (1,),
    "url_credentials": (0, 1), "connection_string": (0, 1, 2), "auth_header": tuple(range(12)),
    "cli_flags": tuple(range(22)), "prose": tuple(range(12)), "netrc": (0,),
    "asana": (0, 1), "url_path": (0,), "prose_i18n": (0, 1, 2, 3),
    "prose_value": (0, 1, 2, 3, 4), "secret_file": (0, 1, 2, 3, 4), "name_value": (0, 1, 2),
    "url_segment": (0,), "ci_mask": (0,), "php_define": (0,), "env_command": (0, 1, 2, 3, 4),
    "next_line": (0,), "one_time_codes": (0, 1), "windows_cli": (0, 1, 2, 3, 4, 5),
    "console_login": tuple(range(12)), "terraform_variable": (0,), "signed_url": (0,),
    "oauth_code": (0,), "cli_positional": (0, 2, 4, 5), "k8s_secret": (0, 1),
    "app_password": (0,), "table_column": (1,), "label_argument": (0,),
    "command_output": (0,), "substitution": (0,), "terraform_plan": (0,),
    "redis_console": (0,), "delimited_rows": (0, 1, 2, 3), "credential_lines": (0, 1, 3),
    "prose_rotation": (0, 1, 2),
}
# Which patterns (index in the detector) must not start right after a letter, digit or `_`
# (`boundary`): written out here, not read from the patterns, so that dropping one is seen.
BOUNDARY = {
    "adobe": (0,), "airtable": (0,), "alibaba": (0,), "atlassian": (2,), "aws": (0, 1, 5),
    "azure": (3,), "cloudflare": (0,), "databricks": (0,), "discord": (0,), "dropbox": (0,),
    "easypost": (0,), "facebook": (0,), "flyio": (1,), "gcp": (0,), "github": (5,),
    "hashicorp": (2,),
    "jfrog": (0, 1), "mailchimp": (0,), "mailgun": (0,), "notion": (1,), "npm": (1,),
    "nuget": (0,), "onepassword": (1,), "replicate": (0,), "salesforce": (0,),
    "sonarqube": (0,), "sourcegraph": (0,), "tailscale": (0,), "telegram": (0,),
    "tencent": (0,), "twilio": (0,), "vercel": (0,), "jwt": (1,),
    "prose": (0, 1, 2, 5, 6, 7, 9),
    "netrc": (0,), "asana": (0, 1), "twitter": (0,), "prose_value": (0, 2, 3, 4),
    "prose_i18n": (3,),
    "secret_file": (0, 1, 2, 4), "password_hash": tuple(range(8)), "php_define": (0,),
    "prose_rotation": (0,),
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
    _each_keyword_alone(name)


def _each_keyword_alone(name: str) -> None:
    """A keyword-led pattern (`at_anchor`) is one alternative per keyword: each keyword
    finds the secret with no other keyword of the pattern in the text (unless it is part
    of this one: `pw` in `pwd`). The sample's keyword is swapped for it, else the whole
    key word holding it (`AWS_SECRET_ACCESS_KEY`), else a sample from KEYWORD."""
    det = registry.load(name)
    for index in AT_ANCHOR.get(name, ()):
        pat = det.patterns[index]
        text, values = "", [""]
        for template in samples.templates(pat.type):
            text, fields = samples.sample(template, random.Random(3))
            values = samples.fakes.secret_fields(pat.type, fields)
            if any(a in text.lower() for a in pat.anchors) and any(
                    f.type == pat.type and _covers(f, text, values[0])
                    for f in SecretRedactor([Detector("one", (pat,))], KEY).explain(text)):
                break
        for anchor in pat.anchors:
            tried = []
            own = [samples.sample(t, random.Random(4)) for t in KEYWORD.get(pat.type, [])]
            for planted, value in (
                    (samples.with_anchor_alone(text, anchor, pat.anchors), values[0]),
                    (samples.keyword_alone(text, anchor, pat.anchors), values[0]),
                    *[(t.replace("{k}", anchor), v[0]) for t, v in own]):
                low = (planted or "").lower()
                if planted is None or any(a in low and a not in anchor for a in pat.anchors):
                    continue
                found = alone(name).explain(planted)
                if any(f.type == pat.type and _covers(f, planted, value) for f in found):
                    # and in capitals: a keyword is matched whatever its case
                    at = planted.lower().find(anchor)
                    upper = planted[:at] + anchor.upper() + planted[at + len(anchor):]
                    assert any(f.type == pat.type and _covers(f, upper, value)
                               for f in alone(name).explain(upper)), upper
                    if index in BOUNDARY.get(name, ()):
                        # glued to the word before it, the keyword starts nothing
                        glued = planted[:at] + "x" + planted[at:]
                        assert not any(f.type == pat.type and _covers(f, glued, value)
                                       for f in alone(name).explain(glued)), glued
                    break
                tried.append(planted)
            else:
                raise AssertionError(f"{pat.type}: keyword {anchor!r} finds nothing in {tried}")


def test_the_keyword_table_is_what_the_detectors_declare() -> None:
    declared = {d.name: tuple(i for i, p in enumerate(d.patterns) if p.at_anchor)
                for d in registry.detectors(pii=True) if d.name not in OTHERS}
    assert {k: v for k, v in declared.items() if v} == AT_ANCHOR


def test_the_boundary_table_is_what_the_detectors_declare() -> None:
    declared = {d.name: tuple(i for i, p in enumerate(d.patterns) if p.boundary)
                for d in registry.detectors(pii=True)}
    assert {k: v for k, v in declared.items() if v} == BOUNDARY
