"""Values that are words or names, not secrets: HTTP header names and phrases in token/key
slots (`randomness.reads_as_words`), host names and `<PREFIX>-1234` stubs in any slot but a
password one (`stoplist.name_not_secret`). A secret slot still takes a phrase (a chosen
shared secret), a password slot anything typed.

Kept values must come back byte-identical; redacted ones lose every 12-character piece.
"""

from __future__ import annotations

import random

import pytest

from cctrace.redact.randomness import reads_as_words
from cctrace.redact.stoplist import name_not_secret
from support.absence import assert_absent
from support.drawn import drawn_token

RNG = random.Random(1316)


def tok(n: int) -> str:
    return drawn_token(RNG, n)


@pytest.mark.parametrize(("value", "words"), [
    ("Content-Type", True),
    ("Fastly-Key", True),
    ("X-Api-Key", True),
    ("sk-lf-invalid", True),
    ("not a real token", True),
    ("older.version", True),
    ("Api.Example.com", True),     # dotted words read as words too
    ("read_only_mode", True),
    ("Type-Mode", True),           # 4-letter parts with a vowel
    ("Bcd-Type", True),            # a 3-letter abbreviation needs no vowel
    ("Bcdf-Type", False),          # four letters without a vowel: not a word
    ("Aeiou-Key", True),           # vowels only
    ("Stray-Type", False),         # three consonants in a row in a short part
    ("Content", False),            # one part: not a phrase
    ("Content-Type-2", False),     # a digit: not letters only
    ("qzxkvwpm-trbnfhgd", False),  # unpronounceable parts: drawn
    ("ab-qzxkv", False),           # a short part beside a drawn one
    ("aBcDeFgHiJ-KlMnOpQ", False),  # case switching inside runs: random
    ("Content--Type", False),      # empty part
    ("-Content-Type", False),
    ("strng-abcd", False),          # five letters, no vowel
    ("tsktsk-bbbb", False),
])
def test_reads_as_words(value: str, words: bool) -> None:
    assert reads_as_words(value) is words


@pytest.mark.parametrize(("value", "name"), [
    ("project-one-12345.hasura.app", True),
    ("api.example.com", True),
    ("a.io", True),
    ("API-1234", True),
    ("spu-1234", True),
    ("JIRA_123456", True),
    ("Content-Type", False),       # words: only token slots ask (reads_as_words)
    ("API-1234567", False),       # 7 digits: not a ticket-style stub
    ("A-1234", False),            # one letter
    ("ABCDEFGHI-12", False),      # nine letters
    ("api.example.c0m", False),   # the last label is not a top-level domain
    ("ap1.example.comcomcom", False),  # a top-level domain of 9 letters
    ("Ap1.Example.com", False),   # host names are written in lower case
    ("api..example.com", False),
    ("-api.example.com", False),
    ("api-.example.com", False),
    ("s.ZC9Ecf4M5g9o34Q6RkzGsj0z", False),
    ("ghp_" + "a1B2" * 9, False),
])
def test_name_not_secret(value: str, name: bool) -> None:
    assert name_not_secret(value) is name


@pytest.mark.parametrize("text", [
    'const contentTypeToken string = "Content-Type"',
    'const fastlyKeyToken string = "Fastly-Key"',
    "LANGFUSE_API_KEY=sk-lf-invalid",
    "secret: project-one-12345.hasura.app",
    "[DEBUG] token=spu-1234",
    'apiKey := "API-1234"',
    '<authToken>\n  not-a-real-token\n</authToken>',
])
def test_words_in_key_slots_are_kept(redactor, text: str) -> None:
    assert redactor.redact_text(text) == text


@pytest.mark.parametrize(("template", "secret"), [
    ("langfuse_secret_key1 = {s}", "sk-lf-tangerine"),    # a secret slot takes a phrase
    ("WEBHOOK_SECRET={s}", "correct-horse-battery-staple"),
    ("ibm-cloud-pwd = {s}", "shorter-version"),
    ("DB_PASSWORD={s}", "correct-horse-battery-staple"),
    ("passphrase: {s}", "Content-Type-Mode"),
    ("password={s}", "API-1234"),
    ("DB_PWD={s}", "Abc-123456"),
    ('credential: "{s}"', "Tr0ub 4dor#3xy"),
])
def test_password_and_secret_slots_still_take_words(redactor, template: str, secret: str) -> None:
    out = redactor.redact_text(template.format(s=secret))
    assert_absent(secret, out)
    assert "[REDACTED:" in out


def test_random_values_in_key_slots_are_still_redacted(redactor) -> None:
    for text, secret in ((f"API_TOKEN={(s := tok(32))}", s),
                         (f'secret: "{(s2 := tok(24) + "-" + tok(8))}"', s2)):
        out = redactor.redact_text(text)
        assert_absent(secret, out)
