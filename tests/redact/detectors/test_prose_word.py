"""`detectors/prose.py`, one word naming a quoted value: "try again with token `X`", "use
key 'X'". The value must read as drawn (`redact.lone.lone_value`); `key` as an ordinary
word (`primary key`, `press any key`, `sort key`), words, paths, digests and ids after it
stay byte-identical. (Unquoted, "use key X", is not taken: see the detector's comment.)
"""

from __future__ import annotations

import pytest

from cctrace.redact import registry
from cctrace.redact.engine import SecretRedactor
from support.absence import assert_absent

HEX = "63d58f4a9a960a6547c271b6597570fe"
B64 = "M/+u+qiGS4hqtelEEHSg3DBqaKmifY8E9h1TQN5C"
ALNUM = "CwLgDkkt8EqyIniYNP7r7d"


def _alone() -> SecretRedactor:
    return SecretRedactor([registry.load("prose")], b"k" * 32)


@pytest.mark.parametrize(("text", "secret"), [
    (f"Try again with token `{B64}` - the old one was revoked.", B64),
    (f"For the staging bucket use key '{HEX}' instead.", HEX),
    (f'Switched the sort key to created_at; secret "{ALNUM}" still works.', ALNUM),
    # quotes escaped alike on both sides: Clojure's map inside a JSON string, once or twice
    (f'{{"out": "{{:api-key \\"{ALNUM}\\"}}"}}', ALNUM),
    (f'{{"out": "{{:api-key \\\\\\"{ALNUM}\\\\\\"}}"}}', ALNUM),
])
def test_a_value_one_word_names_is_redacted(text: str, secret: str) -> None:
    found = _alone().explain(text)
    assert [f.type for f in found] == ["prose_word_secret"]
    assert text[found[0].start:found[0].end] == secret
    assert_absent(secret, _alone().redact_text(text))


@pytest.mark.parametrize("text", [
    f"sort key `{HEX}` first",  # the qualifier at the text's very start
    f'key \\"{ALNUM}"',           # escaped on one side only: no string's quotes
    f'key "{ALNUM}\\"',
    'use key "C:\\Users\\bob\\Zq8XvT3mWk9"',   # a backslash ends the value: a path
    "Press any key `Enter` to continue.",
    f"the primary key `{HEX}` of the row",
    "the sort key `created_at_desc` is fine",
    f"the cache key `{HEX}` was evicted",
    "use key `rotation_policy_v2` for that",
    "the key `config/prod.yaml` here",
    "the secret `${API_SECRET}` at boot",
    "use token `7f3e2c1a-5b6d-4e8f-9a0b-1c2d3e4f5a6b` as the request id",
    "the key `sha256:" + "ab" * 32 + "`",
    f"use key {HEX} instead",  # unquoted: left to the value's own shape (module docstring)
    "a xtoken `" + ALNUM + "` glued",
    "the public key `AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl`",
])
def test_ordinary_words_and_look_alikes_stay(text: str) -> None:
    assert _alone().explain(text) == [], text


@pytest.mark.parametrize("value", ["ourteam2024", "hunter-horse!"])
def test_a_chosen_word_is_no_drawn_token(value: str) -> None:
    # two character classes, not random: a password slot would take it, a token's does not
    assert _alone().explain(f"try again with token `{value}` please") == []


@pytest.mark.parametrize("text", [
    f"commit key `{HEX}{HEX[:8]}` is the pin",  # 40 hex beside `commit`: a SHA
    f"the pinned commit, key `{HEX}{HEX[:8]}`, is what CI checks out",
])
def test_a_sha_beside_commit_words_stays(text: str) -> None:
    assert _alone().explain(text) == []
    # the same 40 hex digits with no such word are a key
    plain = text.replace("commit", "thing").replace("pin", "one")
    assert [f.type for f in _alone().explain(plain)] == ["prose_word_secret"]


def test_a_commit_word_out_of_the_sentence_window_does_not_count() -> None:
    # what names a SHA is looked for in the 80 characters before the key word
    filler = " was done long ago; for the new bucket we now use the ".ljust(75, "-")
    hex40 = f"{HEX}{HEX[:8]}"
    text = f"commit{filler}key `{hex40}`"
    assert text.index("key `") == 81
    assert [f.type for f in _alone().explain(text)] == ["prose_word_secret"]
    assert _alone().explain(f"commit{filler[1:]}key `{hex40}`") == []  # 80 back: in it
