"""Sample values told apart by their shape, not by a list of values (issue #13's false
positives): a value marked `invalid` (`engine._PLACEHOLDER_MARKS`), a CamelCase type name
in a token slot (`randomness.mostly_words`), letters typed along keyboard rows next to a
service's name (`randomness.keyboard_run`). Each rule is asked exactly at its bounds, then
through the redactor: kept values come back byte-identical, while drawn values, chosen
passwords and values in password slots are still redacted.
"""

from __future__ import annotations

import random

import pytest

from cctrace.redact.randomness import keyboard_run, mostly_words
from support.absence import assert_absent
from support.drawn import drawn_token

RNG = random.Random(1313)


def tok(n: int) -> str:
    return drawn_token(RNG, n)


@pytest.mark.parametrize(("value", "words"), [
    ("clm11463:AgencyIdentificationCodeContentType", True),
    ("AgencyIdentificationCode", True),          # three Capitalized words
    ("AgencyIdentification", False),             # two: `UserToken`-like names are short
    ("agencyidentificationcodecontenttype", False),  # lower-case runs are not counted
    ("AgencyIDENTIFICATIONCodeType", True),      # an acronym between words
    ("Abcdef1234567890Abcdef1234567890Abcdef", False),  # hex filler: `Abcdef` is no word
    ("1234567890abcdef1234567890abcdef", False),
    ("AgencyContentCodeQzx", True),              # 3 words hold 17 of 20 letters: 85 %
    ("AgencyContentCodeQzxk", False),            # 17 of 21: under 85 %
    ("AgencyContent9CodeQzx", True),             # digits do not count as letters
    ("AbcdefAbcdefAbcdef", False),               # hex letters only: no words
    ("CodeTimeMode", True),
    ("FaceCodeTimeMode", False),                 # `Face` is hex letters: 12 of 16 letters
    ("FaceDeafBeadCodeTimeMode", False),         # 3 hex-letter words of 6 do not count
    ("AbcAbcAbcAbc", False),                     # runs of 3: too short for a word
    ("BcdfgBcdfgBcdfg", False),                  # no vowels: not words
    ("AgencyIdentificationCodeContentType".upper(), False),  # one upper-case run
    (tok(40), False),
])
def test_mostly_words(value: str, words: bool) -> None:
    assert mostly_words(value) is words


@pytest.mark.parametrize(("value", "typed"), [
    ("asdf1234qwer5678zxcv9012lkjh_asdf_qwer3456-qwer-vbnm-asdf-zxcvbnmasdfgh", True),
    ("qwerasdfzxcv", True),         # 12 letters, all along rows
    ("qwerasdfzxc", False),         # 11 letters: too few to judge
    ("qwertyuiop", False),          # 7 runs cover all 10 letters: still too few
    ("qwertyuiopa", False),         # 11 letters
    ("qwertyuiopaz", True),         # 12 letters, 10 along the row: 83 %
    ("qwertyuiopazx", False),       # 13 letters, 10 along the row: 77 %
    ("qwertyuiopasdf", True),       # 14 letters, all along rows
    ("qwerasdfzxcvbn12", True),
    ("poiulkjhmnbv", True),          # rows read backwards
    ("qwerasdfzxcvQ9mT", True),      # 12 of 15 letters: exactly 80 %
    ("qwerasdfzxcvQ9mTp", False),    # 12 of 16 letters: under 80 %
    ("QWERASDFZXCV", True),          # either case
    ("qwe1asd2zxc3vbn4", False),     # runs of 3 keys: not a run
    ("abcdefghijklmnop", False),     # alphabet order is not a keyboard row
    ("qazwsxedcrfvtgby", False),     # columns are not rows
    ("wertsdfgxcvbrtyu", True),      # 4-key runs from the middle of rows
    (tok(40), False),
])
def test_keyboard_run(value: str, typed: bool) -> None:
    assert keyboard_run(value) is typed


@pytest.mark.parametrize("text", [
    "LANGFUSE_SECRET_KEY=sk-lf-invalid",               # marked invalid, in a secret slot
    "langfuse_secret_key1 = sk-lf-invalid",
    'apiKey: "X9kQ7mZ2invalidV4nB8cR1tW6"',            # the word glued inside a token
    'telegram_api_token = "clm11463:AgencyIdentificationCodeContentType"',
    'const API_TOKEN = "OrderConfirmationEmailTemplate"',
    "webex = 'asdf1234qwer5678zxcv9012lkjh_asdf_qwer3456-qwer-vbnm-asdf-zxcvbnmasdfgh'",
])
def test_sample_shapes_are_kept(redactor, text: str) -> None:
    assert redactor.redact_text(text) == text


@pytest.mark.parametrize(("template", "secret"), [
    # A secret slot still takes a chosen phrase, a password slot anything typed.
    ("WEBHOOK_SECRET={s}", "correct-horse-battery-staple"),
    ("DB_PASSWORD={s}", "CorrectHorseBatteryStaple"),   # CamelCase words: a password slot
    ('password: "{s}"', "qwerasdfzxcv1234"),            # keyboard run: a password slot
    ('client_secret = "{s}"', "AgencyIdentificationCodeContentType"),  # not a token slot
    # Drawn values around the same shapes.
    ('API_TOKEN="{s}"', "Agency" + tok(30)),
    ("webex = '{s}'", "asdf" + tok(36)),
    ('apiKey: "{s}"', tok(24) + "invalidate"[:6] + tok(8)),  # `invali` is not the word
])
def test_secrets_beside_these_shapes_are_still_redacted(redactor, template: str,
                                                          secret: str) -> None:
    out = redactor.redact_text(template.format(s=secret))
    assert_absent(secret, out)
    assert "[REDACTED:" in out
