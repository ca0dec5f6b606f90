"""`detectors/prose_rotation.py` alone, exactly: a secret replaced in a sentence or a commit
message ("the new one is X", `old:` / `new:` lines, "set the token to X"). A positive gives
exactly one finding over exactly the value; a negative none, byte-identical."""

from __future__ import annotations

import json

import pytest

from support import alone as support_alone

PW = "Walrus464Walrus%"
TOKEN = "iVTcEP35cAW4OmuT6tSjDuIlEvqnYQ3ei5RW4kzo"
OLD = "xFBz8s5TcUOzBIOmZ1EexUC9Ba3hwP4j"


def found(text: str, value: str) -> None:
    support_alone.found("prose_rotation", "prose_secret", text, value)


def kept(text: str) -> None:
    support_alone.kept("prose_rotation", text)


@pytest.mark.parametrize("text,value", [
    (f'git commit -m "rotated the key, the new one is {TOKEN}"', TOKEN),
    (f"I changed the admin password, new one is {PW}", PW),
    (f"The token expired. New one: `{TOKEN}`.", TOKEN),
    (f"rotated the webhook secret; the new one\u2019s {TOKEN}", TOKEN),
    (f"Rotate staging API key\n\nold: {OLD}\nnew: {TOKEN}\n", TOKEN),
    (f"Rotate staging API key\n\nold: {TOKEN}\nnew: {OLD}\n", TOKEN),
    (f"db password changed, old = hunter2x, new = {PW}", PW),
    (f"- previous: {TOKEN}\n", TOKEN),
    (f"I've set the token to {TOKEN} in your .env", TOKEN),
    (f"I rotated the staging API key to {TOKEN}.", TOKEN),
])
def test_found(text: str, value: str) -> None:
    if text.startswith("- previous"):
        text = "the deploy token was rotated\n" + text
    spans = support_alone.alone("prose_rotation").explain(text)
    at = text.index(value)
    assert (at, at + len(value)) in [(f.start, f.end) for f in spans]


def test_exactly_one_each() -> None:
    found(f'git commit -m "rotated the key, the new one is {TOKEN}"', TOKEN)
    found(f"I've set the token to {TOKEN} in your .env", TOKEN)
    found(json.dumps(f"I changed the admin password, new one is {PW}"), PW)


@pytest.mark.parametrize("text", [
    "I replaced the old key with a new one: foo",
    "the token expired, new one is being issued",
    "bump version\n\nold: 1.2.3\nnew: 1.2.4\n",                   # names no secret
    "rotate the signing key\n\nold: 1.2.3\nnew: 1.2.4\n",         # versions
    "rotate the key, revert the merge\n\nold: 3f2a9c1e8b7d6a5f4e3d2c1b0a9f8e7d6c5b4a39\n",
    f"we need a new one is all: {TOKEN}",                          # no secret named
    f"the key to success is {TOKEN}",                              # no verb of setting
    f"set the primary key to {TOKEN}",                             # a public key
    f'I set the token to "{TOKEN}"',                                # quoted: prose_value's
    "set the token to your_token_here",
    "the new one is `$NEW_TOKEN` now that the key rotated",
    f"renew: {TOKEN} token",                                       # `renew:` is no label
])
def test_kept(text: str) -> None:
    kept(text)


def test_the_secret_must_be_named_within_300_characters() -> None:
    for gap, seen in ((300, True), (301, False)):
        text = "token" + " " * (gap - 5) + f"new one is {TOKEN}"
        assert text.index("new one") == gap
        if seen:
            found(text, TOKEN)
        else:
            kept(text)


def test_the_verb_within_80_characters() -> None:
    for gap, seen in ((80, True), (81, False)):
        text = "set" + " " * (gap - 3) + f"token to {TOKEN}"
        assert text.index("token") == gap
        if seen:
            found(text, TOKEN)
        else:
            kept(text)


@pytest.mark.parametrize("text,value", [
    (f"token rotated, the new one is {TOKEN}", TOKEN),          # the word opens the text
    (f"set the token to {TOKEN}", TOKEN),                          # the verb opens it
    ("I changed the admin password, new one is hunter2hunter", "hunter2hunter"),  # typed
])
def test_at_the_start_and_chosen(text: str, value: str) -> None:
    found(text, value)


@pytest.mark.parametrize("text", [
    f"rotated the key and the old: {TOKEN}",        # a label inside a clause
    f"rotate the key; renew one is {TOKEN}",        # `new one` inside a word
])
def test_labels_and_words_inside_clauses(text: str) -> None:
    kept(text)
