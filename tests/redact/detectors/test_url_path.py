"""`detectors/url_path.py`: a key in a URL path segment after the segment naming it."""

from __future__ import annotations

import pytest

from cctrace.redact import registry
from cctrace.redact.engine import Finding, SecretRedactor
from support.absence import assert_absent

KEY = "Qm7xK2pLz9RtW4vN8bYc6HdG"


def _alone() -> SecretRedactor:
    return SecretRedactor([registry.load("url_path")], b"k" * 32)


@pytest.mark.parametrize("text,value", [
    (f"> GET /v1/service-token/{KEY}/status HTTP/1.1\n", KEY),
    (f"curl https://hooks.example.com/api-key/{KEY}?x=1\n", KEY),
    (f"POST https://x.example.com/secret/{KEY}\n", KEY),
    ("GET /token/9f1c2b7e4d3a5c6b8e0f1a2d3c4b5e6f70a1b2c3/ HTTP/1.1\n",
     "9f1c2b7e4d3a5c6b8e0f1a2d3c4b5e6f70a1b2c3"),
    ("GET /v1/key/Qm7xK2pLz9Rt%2FW4vN8bYc6HdG/status\n", "Qm7xK2pLz9Rt%2FW4vN8bYc6HdG"),
])
def test_keys_are_gone(text: str, value: str) -> None:
    red = SecretRedactor(registry.detectors(), b"k" * 32)
    assert_absent(value, red.sweep(red.redact_text(text)))


def test_exact_span_and_type() -> None:
    text = f"GET /api/token/{KEY}/x"
    at = text.index(KEY)
    assert _alone().explain(text) == [Finding("url_path_secret", "url_path", at, at + len(KEY))]


@pytest.mark.parametrize("text", [
    "GET /api/keys/3fa85f64-5717-4562-b3fc-2c963f66afa6/rotate\n",  # a resource id
    "projects/acme-prod/secrets/api-key/versions/latest\n",  # names
    "/var/run/secrets/kubernetes.io/serviceaccount/token\n",
    "GET /token/refresh_access_token_rotation HTTP/1.1\n",  # words
    f"GET /monkey/{KEY}/x\n",  # `key` inside another word's segment, not a name
    "GET /token/${TOKEN_VALUE_FROM_ENVIRONMENT}/x\n",
    f"the key/{KEY} pair\n",  # not a path: no `/` before the name
])
def test_other_paths_are_left(text: str) -> None:
    assert _alone().redact_text(text) == text


@pytest.mark.parametrize("text", [
    f"GET /v1/apiKey/{KEY}/x", f"GET /v1/api.key/{KEY}/x", f"GET /v1/api_key/{KEY}/x",
])
def test_name_parts(text: str) -> None:
    at = text.index(KEY)
    assert _alone().explain(text) == [Finding("url_path_secret", "url_path", at, at + len(KEY))]


@pytest.mark.parametrize("word", ["keys", "tokens", "secrets", "credentials", "passwords"])
def test_a_collection_names_an_item_by_id(word: str) -> None:
    text = f"GET /v1/{word}/{KEY}/x"
    assert _alone().redact_text(text) == text


def test_at_the_start_of_the_text_and_at_sixteen() -> None:
    text = "/key/Qm7xK2pLz9RtW4vN/x"  # the shortest drawn value, the name at offset 1
    assert _alone().explain(text) == [Finding("url_path_secret", "url_path", 5, 21)]


@pytest.mark.parametrize("text", [
    "GET /api/key/3fa85f64-5717-4562-b3fc-2c963f66afa6/rotate\n",  # a resource id
    f"GET /v1/BOXkey/{KEY}/x\n",  # `key` after a capital inside a word
])
def test_ids_and_word_middles(text: str) -> None:
    assert _alone().redact_text(text) == text
