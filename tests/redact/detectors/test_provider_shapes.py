"""Provider shapes the layouts benchmark's second round found leaking, in the detector
modules that own them: AWS session tokens by their framing (no name beside them), New
Relic license keys, Doppler service tokens with a config slug, and URL / netrc passwords
longer than 256 characters (a session token as a password)."""

from __future__ import annotations

import pytest

from cctrace.redact import registry
from cctrace.redact.engine import Finding, SecretRedactor
from support.absence import assert_absent

B64 = ("ErIgP/58waM+Dx3A5idNoDCDBwb2Dc4/dsdc6lC1MXlPq2Ymk/yE9fz1WuvL4NUyv+D8FnyVVdBZdzst6iAx"
       "Qa2H9uZ0+t1sAq6DdWXCpzkCUZpRr2biMws+eIFKRVVbiqgvrrOle+RNpF0JwSQrOwJcKiulO6jNFlBBL0OF"
       "Ye1UO5VeUN3wlg9oMaoFDBlo5yozIIo6Ogb8thXanZfuKjL7Qm2pLz9RtW4vN8bYc6HdGsE1aUoI5TqXe8rK")
SESSION = "IQoJb3JpZ2luX2VjE" + B64
SESSION_OLD = "FwoGZXIvYXdzE" + B64
NR_LICENSE = "9f1c2b7e4d3a5c6b8e0f1a2d3c4b5e6f70a1NRAL"
DOPPLER = "dp.st.prd.Qm7xK2pLz9RtW4vN8bYc6HdGsE1aUoI5TqXe8rK0wZj"


def _alone(name: str) -> SecretRedactor:
    return SecretRedactor([registry.load(name)], b"k" * 32)


@pytest.mark.parametrize("token", [SESSION, SESSION_OLD, SESSION + "=="])
def test_aws_session_token_alone(token: str) -> None:
    text = f"| {token} |"
    assert _alone("aws").explain(text) == [Finding("aws_session_token", "aws", 2,
                                                   2 + len(token))]


@pytest.mark.parametrize("text", [
    "x" + SESSION,  # glued
    "IQoJb3JpZ2luX2VjE" + B64[:60],  # too short for a session token
])
def test_aws_session_token_near_misses(text: str) -> None:
    assert _alone("aws").redact_text(text) == text


def test_newrelic_license_key() -> None:
    text = f"license_key: {NR_LICENSE}\n"
    assert _alone("newrelic").explain(text) == [
        Finding("newrelic_license_key", "newrelic", 13, 13 + len(NR_LICENSE))]
    for near in ("a" + NR_LICENSE, NR_LICENSE + "x", NR_LICENSE[2:]):
        assert _alone("newrelic").redact_text(near) == near


def test_doppler_config_slug() -> None:
    text = f"DOPPLER_TOKEN={DOPPLER}\n"
    assert _alone("doppler").explain(text) == [Finding("doppler_token", "doppler", 14,
                                                       14 + len(DOPPLER))]


@pytest.mark.parametrize("text,value,name", [
    (f"machine api.example.com login dev password {SESSION}\n", SESSION, "netrc"),
    (f"origin\thttps://git:{SESSION.replace('/', '%2F')}@github.com/acme/api.git (fetch)\n",
     SESSION.replace("/", "%2F"), "url_credentials"),
    (f"origin\thttps://{SESSION.replace('/', '%2F')}@github.com/acme/api.git (fetch)\n",
     SESSION.replace("/", "%2F"), "url_credentials"),
])
def test_long_passwords_whole(text: str, value: str, name: str) -> None:
    """Before, these were cut at 256 characters: the rest of the value went out."""
    red = _alone(name)
    assert_absent(value, red.redact_text(text))


@pytest.mark.parametrize("text", [
    f"PWD=/srv\nX={SESSION}\n", f"rotate: {SESSION_OLD} done", f"{NR_LICENSE}\n",
])
def test_gone_in_the_product(text: str) -> None:
    red = SecretRedactor(registry.detectors(), b"k" * 32)
    secret = next(s for s in (SESSION, SESSION_OLD, NR_LICENSE) if s in text)
    assert_absent(secret, red.sweep(red.redact_text(text)))
