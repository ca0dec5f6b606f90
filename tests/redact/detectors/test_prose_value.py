"""`detectors/prose_value.py`: a quoted value that a sentence naming a secret introduces
(`with the value`, `value of/is/was`, `to`, `now`) is redacted; other sentences, other
values after `to` (files, names, digests) and code stay byte-identical."""

from __future__ import annotations

import pytest

from cctrace.redact import registry
from cctrace.redact.detectors.prose_value import LOOKBACK, _sentence
from cctrace.redact.engine import Finding, SecretRedactor
from support.absence import assert_absent

TOKEN = "V1q9ivOWrMYGR5XwZw4xfiW2Kor10CFaWI2/7MMr"
HEX = "3c4944e0dbd736d818a03e7893c53069"
SHA = "953622f6e00eef5f5ce8ae64d2618cb7aaf70f4c"
PW = "Harbor*498"


def _all() -> SecretRedactor:
    return SecretRedactor(registry.detectors(), b"k" * 32)


def _alone() -> SecretRedactor:
    return SecretRedactor([registry.load("prose_value")], b"k" * 32)


POSITIVE = [
    ("I've added `AWS_SECRET_ACCESS_KEY` to your `.env` with the value `{v}` and restarted "
     "the dev server. The tests pass now.", TOKEN),
    ("I've added `API_KEY` to your `.env` with the value `{v}`.", HEX),
    ("I've added `HMAC_SECRET` with the value `{v}`.", SHA),  # 40 hex, no commit words
    ("I've added `ADMIN_PASSWORD` with the value `{v}`.", PW),
    ("I've added `AUTH` with the value \"{v}\".", TOKEN),
    ("Set `DB_PASSWORD` to `{v}` and restart.", PW),
    ("The webhook secret is now '{v}'.", TOKEN),
    ("The signing key value is `{v}`", HEX),
    ("For the token, use the value of `{v}`", TOKEN),
    ("Done.\nThe staging password was rotated to `{v}`", PW),
]


@pytest.mark.parametrize("layout,value", POSITIVE)
def test_the_value_is_redacted(layout: str, value: str) -> None:
    text = layout.format(v=value)
    for r in (_alone(), _all()):
        out = r.redact_text(text)
        assert_absent(value, out)
    at = text.index(value)
    assert _alone().explain(text) == [Finding("prose_secret_value", "prose_value", at,
                                              at + len(value))]


NEGATIVE = [
    # the sentence names no secret
    "I pinned the action to `" + SHA + "` and set the timeout to `300s`.",
    "Set the value of `region` to `eu-west-1`.",
    "I've added `LOG_LEVEL` with the value `dEbUg9Xq2LmQ7pZ3vW1`.",
    # the secret was named in another sentence, or on another line
    "I rotated the API key. Then I set the build id to `9f8Xk2LmQ7pZ3vW1aB4c`.",
    "the token is in vault\nthen set the build id to `9f8Xk2LmQ7pZ3vW1aB4c`",
    # a secret sentence, but the value after `to` is a file, a name, a commit, a reference
    "I moved `API_KEY` to `config/prod.yaml` and renamed `API_TOKEN` to `SERVICE_TOKEN`.",
    "I reset the token to `${GITHUB_TOKEN}` and the password to `<password>`.",
    "The deploy key commit was reset to `" + SHA + "`.",
    "Set the password to `changeme` for now.",
    "Changed the token type to `bearer` and the key id to `production`.",
    # code and markup: `value=` is an attribute, `value:` a field
    '<add key="BannerB64" value="V2VsY29tZSB0byB0aGUgc3RhZ2luZw==" />',
    '<input type="password" value="Tr0ub4dor&3x">',
    'token = get("https://x"); value = "9f8Xk2LmQ7pZ3vW1aB4c"',
    "def set_token(value):\n    return value",
]


@pytest.mark.parametrize("text", NEGATIVE)
def test_stays_byte_identical(text: str) -> None:
    assert _alone().redact_text(text) == text


def test_the_sentence_before_the_value() -> None:
    assert LOOKBACK == 200
    text = "Done. I set `DB_PASSWORD` to `x`"
    m = next(iter(__import__("re").finditer(r"to `", text)))
    assert _sentence(m) == "I set `DB_PASSWORD` "
    m2 = next(iter(__import__("re").finditer(r"to", "a.env to")))
    assert _sentence(m2) == "a.env "  # a dot inside a name ends nothing
    # the secret word more than LOOKBACK characters before the value is out of sight
    far = "The password " + "x" * LOOKBACK + " is now `Tr0ub4dor&3`"
    near = "The password " + "x" * (LOOKBACK - 20) + " is now `Tr0ub4dor&3`"
    assert _alone().redact_text(far) == far
    assert "Tr0ub4dor&3" not in _alone().redact_text(near)


# -- probes-7: a failed login's log line naming what was tried -----------------------------
@pytest.mark.parametrize("text", [
    f"2026-12-07 10:42:01 WARN login failed for admin: tried {PW}",
    f"auth.log: failed password attempt for root, tried '{PW}'",
    f"sign-in failed: tried {PW} (attempt 3/5)",
    f"invalid credentials, tried password {PW}, locked",
    f"Login denied. tried `{PW}`\nnext line",
    f'sshd: Failed password for bob, tried \\"{PW}\\"',       # quotes JSON-escaped
    "login failed for admin: tried Summer2024",                    # letters and digits
    f"login failed for admin: tried {PW}\\\\nnext",                    # a break escaped twice
])
def test_probes7_tried(text: str) -> None:
    value = PW if PW in text else "Summer2024"
    at = text.index(value)
    assert _alone().explain(text) == [
        Finding("prose_secret_value", "prose_value", at, at + len(value))], text


@pytest.mark.parametrize("text", [
    "login failed: tried 3 times",
    "auth failed: tried /etc/ssl/certs and ~/.ssh",
    "login failed, tried again later",
    "auth failed: tried localhost:5432",
    "login failed: tried ssh-agent first",
    "auth failed: tried ssh-agent",
    "Login failed. Tried resetting.",
    f"connection failed: tried {PW}",                 # no login word on the line
    f"login ok: tried {PW}",                          # nothing failed
    f"login failed\ntried {PW}",                      # another line
    f"login failed: tried {PW} and then more words",   # the value does not end the message
    "login failed " + "x " * 100 + f"tried {PW}",     # the failure out of the 200 read back
])
def test_probes7_tried_kept(text: str) -> None:
    assert _alone().explain(text) == [], text


# -- a value in parentheses after the secret's name (probes-8) -------------------------------

@pytest.mark.parametrize("text,value", [
    (f"The DB password you gave me ({PW}) doesn't work.", PW),
    (f"the api token ({TOKEN})", TOKEN),
    (f"the password you sent ('{PW}')", PW),
    (f'the staging secret ("{TOKEN}") expired', TOKEN),
    (f"passphrase\t(`{PW}`)", PW),
    (f'"the password you gave me (\\"{PW}\\") fails"', PW),
])
def test_a_value_in_parentheses(text: str, value: str) -> None:
    at = text.index(value)
    assert _alone().explain(text) == [Finding("prose_secret_value", "prose_value", at,
                                              at + len(value))]


@pytest.mark.parametrize("text", [
    "the password (required) must be set",
    "the token (optional) is read from env",
    "password (str): the user's password",
    "the password field (password_hash)",
    "Set the token (see https://x.io/settings) first",
    f"the password you gave me and the other one and more ({PW})",   # six words between
    f"the password ('{PW}\")",                                       # quotes do not match
    f"the password({PW})",                                           # a call
    f"the keyboard ({PW})",                                          # no secret word
    f"the passwords you sent ({PW})",                                # a plural: many
    f"the password, I think ({PW})",                                 # a comma between
    f"the password ({PW} )",
])
def test_parentheses_that_hold_no_secret(text: str) -> None:
    assert _alone().explain(text) == []
