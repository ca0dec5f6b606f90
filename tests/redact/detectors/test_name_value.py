"""`detectors/name_value.py`: a secret given as the `value` of an entry whose `name` (or the
key owning the object) names a secret is redacted, exactly the value; pairs naming no
secret, look-alikes and references stay byte-identical."""

from __future__ import annotations

import json

import pytest

from cctrace.redact import registry
from cctrace.redact.engine import SecretRedactor
from support.absence import assert_absent

TOKEN = "Zl2kGKeQK0ub5JPvqP2J7Tki4P"
PW = "Coffee7411."
SHA = "e5d6fb28730e36ae3daf59ecee1797a250690d7c"


def _alone() -> SecretRedactor:
    return SecretRedactor([registry.load("name_value")], b"k" * 32)


def _all() -> SecretRedactor:
    return SecretRedactor(registry.detectors(), b"k" * 32)


POSITIVE = [
    ('{{"name": "x-api-key", "value": "{v}"}}', TOKEN),                     # HAR header
    ('{{"name":"Authorization-Token","value":"{v}"}}', TOKEN),
    ('{{"Name": "DB_PASSWORD", "Value": "{v}"}}', PW),                      # ECS task def
    ("{{'key': 'api_secret', 'value': '{v}'}}", TOKEN),                     # a Python dict
    ('{{"ParameterKey": "DbPassword", "ParameterValue": "{v}"}}', PW),      # CloudFormation
    ('{{"name": "x-api-key",\n  "value": "{v}"}}', TOKEN),                  # pretty-printed
    ('"db_password": {{\n  "sensitive": true,\n  "type": "string",\n  "value": "{v}"\n}}', PW),
    ('"adminPassword": {{"type": "securestring", "value": "{v}"}}', PW),    # ARM parameters
    ("        - name: DB_PASSWORD\n          value: {v}\n", PW),             # k8s env list
    ('- name: STRIPE_SECRET_KEY\n  value: "{v}"\n', TOKEN),
    ("- name: API_TOKEN\r\n  value: '{v}'\r\n", TOKEN),
    ("- name: signingKey\n  value: {v}", TOKEN),                             # at the end
]


@pytest.mark.parametrize("layout,value", POSITIVE)
def test_the_value_is_redacted(layout: str, value: str) -> None:
    text = layout.format(v=value)
    for r in (_alone(), _all()):
        assert_absent(value, r.redact_text(text))
    found = _alone().explain(text)
    assert [(f.type, text[f.start:f.end]) for f in found] == [("name_value_pair", value)]


def test_inside_a_json_string() -> None:
    for layout, value in (POSITIVE[0], POSITIVE[8]):
        text = json.dumps({"tool_result": layout.format(v=value)})
        assert_absent(value, _alone().redact_text(text))


NEGATIVE = [
    # names that name no secret, or name something about one
    f'{{"name": "x-request-id", "value": "{TOKEN}"}}',
    f'{{"name": "token_ttl", "value": "{TOKEN}"}}',
    "- name: TOKEN_TTL\n  value: 3600\n",
    "- name: LOG_LEVEL\n  value: debug\n",
    f'"bucket": {{"sensitive": false, "value": "{TOKEN}"}}',
    # look-alikes and references under a secret's name
    '{"name": "api_key", "value": "sha256:' + SHA + SHA[:24] + '"}',
    '{"name": "api_key", "value": "123e4567-e89b-42d3-a456-426614174000"}',
    '{"name": "api_key", "value": "${API_KEY}"}',
    '{"name": "db_password", "value": "<password>"}',
    "- name: DB_PASSWORD\n  valueFrom:\n    secretKeyRef: {name: db, key: password}\n",
    "- name: API_TOKEN\n  value: op://prod/api/token\n",
    # `value` of another field, or after another object
    f'{{"name": "api_key", "defaultValue": "{TOKEN}"}}',
    f'{{"name": "api_key"}}, {{"name": "region", "value": "{TOKEN}"}}',
    f'"db_password": {{"nested": {{"x": 1}}, "value": "{TOKEN}"}}',
    f'- name: API_TOKEN\n\n  value: {TOKEN}\n',
]


@pytest.mark.parametrize("text", NEGATIVE)
def test_stays_byte_identical(text: str) -> None:
    assert _alone().redact_text(text) == text


def test_the_name_is_looked_for_only_300_characters_back() -> None:
    # the `name` keyword starting exactly 300 characters before `value`, then 301
    inside = '{"name": "api_key",' + " " * 282 + f'"value": "{TOKEN}"}}'
    outside = '{"name": "api_key",' + " " * 283 + f'"value": "{TOKEN}"}}'
    assert inside.index("value") - inside.index("name") == 300
    assert _alone().redact_text(inside) != inside
    assert _alone().redact_text(outside) == outside


COOKIE = "FzsYPQTXBNMLevaUJ0u4CcKQTGMN65gK"


@pytest.mark.parametrize("text,value", [
    # A HAR entry's cookies: judged as a `Set-Cookie:` header's (a session-named one
    # whatever its value, any other when it reads as drawn).
    (f'"cookies": [{{"name": "sessionid", "value": "{COOKIE}", "path": "/"}}]', COOKIE),
    (f'"cookies": [{{"name": "theme", "value": "dark"}}, {{"name": "PHPSESSID", '
     f'"value": "{COOKIE}"}}]', COOKIE),
    (f'"cookies": [{{"name": "_ga", "value": "{COOKIE}"}}]', COOKIE),        # drawn
    ('"cookies":[{"name":"sid","value":"s3ss10n-value"}]', "s3ss10n-value"),
])
def test_har_cookies(text: str, value: str) -> None:
    for t, v in ((text, value), (json.dumps(text), value)):
        at = t.index(v)
        assert [(f.start, f.end) for f in _alone().explain(t)] == [(at, at + len(v))], t
        assert_absent(v, _alone().redact_text(t))


@pytest.mark.parametrize("text", [
    '"cookies": [{"name": "theme", "value": "dark"}, {"name": "lang", "value": "en-US"}]',
    '"cookies": [{"name": "sessionid", "value": "short"}]',             # under 8
    '"cookies": [{"name": "sessionid", "value": "<session>"}]',
    '"cookies": [], "headers": [{"name": "sessionid", "value": "s3ss10n-value"}]',  # closed
    '{"name": "sessionid", "value": "s3ss10n-value"}',                 # no cookie list
])
def test_other_cookies_stay(text: str) -> None:
    assert _alone().redact_text(text) == text
    assert _alone().explain(text) == []


@pytest.mark.parametrize("pad,found", [(4062, True), (4063, False)])
def test_the_cookie_list_is_looked_for_4096_characters_back(pad: int, found: bool) -> None:
    text = '"cookies": [' + " " * pad + f'{{"name": "sessionid", "value": "{COOKIE}"}}]'
    assert bool(_alone().explain(text)) is found


def test_a_cookie_list_at_the_very_start() -> None:
    text = f'cookies": [{{"name": "sessionid", "value": "{COOKIE}"}}]'
    at = text.index(COOKIE)
    assert [(f.start, f.end) for f in _alone().explain(text)] == [(at, at + len(COOKIE))]


# probes-7: a YAML list's value in JSON-escaped quotes (a manifest inside a JSON string).
@pytest.mark.parametrize("value", [PW, TOKEN])
def test_probes7_escaped_quotes(value: str) -> None:
    text = json.dumps(f'env:\n  - name: JWT_SIGNING_KEY\n    value: "{value}"\n')
    found = _alone().explain(text)
    assert [text[f.start:f.end] for f in found] == [value], text
    kept = json.dumps('env:\n  - name: TOKEN_TTL\n    value: "3600"\n')
    assert _alone().explain(kept) == []


def test_probes7_a_value_starting_with_an_escape_is_still_read() -> None:
    text = "- name: DB_PASSWORD\n  value: '\\\\Xk9!mQ2vLp'\n"
    found = _alone().explain(text)
    assert [text[f.start:f.end] for f in found] == ["\\\\Xk9!mQ2vLp"], text


# -- probes-9: other fields between name and value, numbered names, property lists ----------
KEY = "o7HhV2C4Si4s/qlxSIE2eQqa3rY0nwne2JqHWfw51TyUI/3Gh0AMLSXPfPGDLYaIcZe0SEB1FFb3tvFi"


@pytest.mark.parametrize("text,value", [
    (f'[{{"keyName": "key1", "permissions": "FULL", "value": "{KEY}"}}]', KEY),
    ('{\n  "creationTime": "2026-01-02T10:00:00+00:00",\n  "keyName": "key2",\n'
     f'  "permissions": "FULL",\n  "value": "{KEY}"\n}}', KEY),
    (f'{{"name": "password2", "enabled": true, "ttl": 3600, "value": "{PW}"}}', PW),
    (f"<key>APIToken</key>\n<string>{TOKEN}</string>", TOKEN),
    (f"  <key>DB_PASSWORD</key>\n  <string>{PW}</string>", PW),
])
def test_probes9_found(text: str, value: str) -> None:
    for t, v in ((text, value), (json.dumps(text), value)):
        at = t.index(v)
        assert [(f.type, f.start, f.end) for f in _alone().explain(t)] == [
            ("name_value_pair", at, at + len(v))], t


@pytest.mark.parametrize("text", [
    # four fields between: more than the three read
    f'[{{"keyName": "key1", "permissions": "FULL", "a": "b", "c": "d", "e": "f", '
    f'"value": "{KEY}"}}]',
    '[{"keyName": "key1", "permissions": "FULL", "value": null}]',
    f'{{"name": "region2", "value": "{TOKEN}"}}',             # the name names no secret
    f"<key>Label</key>\n<string>{TOKEN}</string>",
    "<key>DB_PASSWORD</key>\n<string>$(DB_PASSWORD)</string>",  # a reference
    f"<key>APIToken</key>\n<integer>{TOKEN}</integer>",
])
def test_probes9_kept(text: str) -> None:
    assert _alone().explain(text) == [], text


def test_a_key_name_field_names_a_key_whatever_the_name() -> None:
    text = f'{{"keys": [{{"keyName": "primary", "value": "{KEY}", "permissions": "Full"}}]}}'
    at = text.index(KEY)
    assert [(f.start, f.end) for f in _alone().explain(text)] == [(at, at + len(KEY))]
    assert _alone().explain(f'{{"name": "primary", "value": "{KEY}"}}') == []
    # an acronym before the secret word (`SMTPPassword`: SMTP, Password)
    plist = f"<key>SMTPPassword</key>\n\t<string>{PW}</string>"
    assert [plist[f.start:f.end] for f in _alone().explain(plist)] == [PW]


def test_a_key_name_field_opening_the_text() -> None:
    text = f'keyName": "primary", "value": "{KEY}"'
    at = text.index(KEY)
    assert [(f.start, f.end) for f in _alone().explain(text)] == [(at, at + len(KEY))]
    # a name running on past its digits is no numbered secret name
    assert _alone().explain(f'{{"name": "TOKENX", "value": "{TOKEN}"}}') == []


@pytest.mark.parametrize("field", ["keyName", "KeyName", "KEYNAME", "key_name"])
def test_a_key_name_field_in_any_case(field: str) -> None:
    text = f'{{"{field}": "primary", "value": "{KEY}"}}'
    found = _alone().explain(text)
    if field == "key_name":  # `name` after `_`: the field names a name, not a key's
        assert found == []
        return
    at = text.index(KEY)
    assert [(f.start, f.end) for f in found] == [(at, at + len(KEY))]
