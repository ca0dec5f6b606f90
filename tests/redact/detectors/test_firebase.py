"""`detectors/firebase.py`: FCM legacy server keys, found by their `:APA91b` middle."""

from __future__ import annotations

import pytest

from cctrace.redact import registry
from cctrace.redact.engine import Finding, SecretRedactor
from support.absence import assert_absent

KEY = ("AAAAq3Xf9zA:APA91bF7kQ2mZpL7wR4tB9xN3vC6yH1jK5sD8gU0eI2oP4aS6dF8hJ1kL3zX5cV7bN9mQ2wE4r"
       "T6yU8iO0pA1sD3fG5hJ7kL9zX2cV4bN6mQ8wE0rT2yU4iO6pA8sD0fG2hJ4kL6zX8cV0bN2mQ4wE6rT8yU0iO2")


def _alone() -> SecretRedactor:
    return SecretRedactor([registry.load("firebase")], b"k" * 32)


@pytest.mark.parametrize("text", [
    f"the FCM server key is {KEY}, rotate it\n",
    f"| FCM_SERVER_KEY | {KEY} |\n",
    f"> authorization: key={KEY}\n",
])
def test_keys_are_gone(text: str) -> None:
    red = SecretRedactor(registry.detectors(), b"k" * 32)
    assert_absent(KEY, red.sweep(red.redact_text(text)))


def test_exact_span_and_type() -> None:
    text = f"key {KEY}\n"
    assert _alone().explain(text) == [Finding("firebase_fcm_server_key", "firebase", 4,
                                              4 + len(KEY))]


@pytest.mark.parametrize("text", [
    "token = 'AAAAq3Xf9zA:APA91bshort'",  # too short to be a key
    "xAAAAq3Xf9zA:APA91b" + "k" * 140,  # glued to a word
    "AAAAq3Xf9zA:APA91b" + "k" * 210,  # runs on past any key
])
def test_not_keys_are_left(text: str) -> None:
    assert _alone().redact_text(text) == text
