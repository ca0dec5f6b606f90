"""What #13's fifth false-positive round keeps (`python bench/redaction_external.py --no-ds
--fp-classes`): a token whose match runs on into a masked last part or a `?`-joined rest
(`randomness.runs_on`, asked by the engine of every detector), and, in key/token/secret
slots, a phrase naming what it stands for, a list of plain parameters and the base64 of a
placeholder credential (`stoplist.self_described`, `parameter_list`,
`encoded_placeholder`, through `name_not_secret`). Password slots keep taking anything.

Kept texts come back byte-identical; redacted ones lose every 12-character piece.
"""

from __future__ import annotations

import base64
import random
import string

import pytest

from cctrace.redact.randomness import looks_random, runs_on
from cctrace.redact.stoplist import (
    encoded_placeholder,
    name_not_secret,
    parameter_list,
    self_described,
)
from support.absence import assert_absent

RNG = random.Random(1313)


def tok(n: int) -> str:
    alphabet = string.ascii_letters + string.digits
    while True:
        t = "".join(RNG.choice(alphabet) for _ in range(n))
        if sum(c.isdigit() for c in t) >= 3 and sum(c.isalpha() for c in t) >= 3 \
                and looks_random(t, 8):
            return t


def b64(text: str | bytes) -> str:
    raw = text.encode() if isinstance(text, str) else text
    return base64.b64encode(raw).decode()


# --- runs_on ---------------------------------------------------------------------------
@pytest.mark.parametrize(("text", "end", "on"), [
    ("xoxp-1-2-####", 9, True),       # the last part masked
    ("xoxp-1-2_****", 9, True),
    ("xoxp-1-2.••••", 9, True),
    ("xoxp-1-2:#*#*", 9, True),
    ("xoxp-1-2/####", 9, True),
    ("xoxp-1-2-###", 9, False),       # three: not a masking run
    ("xoxp-1-2-# ##", 9, False),
    ("xoxp-1-23####", 10, False),     # a whole token followed by a mask: still a token
    ("xoxp-1-2=####", 9, False),
    ("xoxp-1-2-xxxx", 9, False),      # x's are token characters, `_masked`'s business
    ("tskey-ab?oARkj0Cq", 8, True),   # `?` and 8 token characters
    ("tskey-ab?5ARkj0_-", 8, True),
    ("tskey-ab?oARkj0C", 8, False),   # 7 after the first: too short to be a rest
    ("tskey-ab?_ARkj0Cq", 8, False),  # starts with a symbol
    ("tskey-ab?-ARkj0Cq", 8, False),
    ("tskey-ab?oARk.j0Cq", 8, False),
    ("tskey-ab?api_key=x", 8, False),  # a query parameter
    ("tskey-ab?rawlongname&x=1", 8, False),
    ("tskey-ab?a.b-c[d]=1", 8, False),
    ("tskey-ab?abcdefgh", 8, True),
    ("tskey-ab? abcdefgh", 8, False),
    ("tskey-ab?", 8, False),
    ("tskey-ab", 8, False),
])
def test_runs_on(text: str, end: int, on: bool) -> None:
    assert runs_on(text, end) is on


GHP = "ghp_" + "aB3dE5fG7hJ9kL1mN3pQ5rS7tU9vW1xY3zA5"


@pytest.mark.parametrize("text", [
    '"token4": "xoxp-572370529330-573807301142-572331691188-####################"',
    "tailscale = 'tskey-rtzgayeq-RLL0xBAIXBhkYRhir0gmxH?oARkj0CqpNTj_xM2Zpm4lDxEIG'",
    f"see {GHP}?oARkj0CqpNTj here",
])
def test_tokens_running_on_are_kept(redactor, text: str) -> None:
    assert redactor.redact_text(text) == text


@pytest.mark.parametrize(("text", "secret"), [
    (f"see {GHP}####", GHP),
    (f"see {GHP}?", GHP),
    (f"see {GHP}?v=2", GHP),
    (f"https://api.example.com/x/{GHP}?api_key=abcdefgh", GHP),
    (f"see {GHP}? yes", GHP),
])
def test_whole_tokens_are_still_redacted(redactor, text: str, secret: str) -> None:
    assert_absent(secret, redactor.redact_text(text))


# --- self_described --------------------------------------------------------------------
@pytest.mark.parametrize(("value", "described"), [
    ("a-string-secret-at-least-256-bits-long", True),
    ("prod-api-key-2", True),
    ("my.webhook.secret", True),
    ("MY_API_TOKEN_HERE", True),
    ("the password 2", True),
    ("x-key-1", True),
    ("our-secrets-here", True),
    ("old-passwd-here", True),
    ("my-apikey-here", True),
    ("one-credential-here", True),
    ("all-credentials-here", True),
    ("secret-key", False),                    # two parts
    ("correct-horse-battery-staple", False),  # names nothing
    ("my-secret-k3Yx", False),                # a part mixing letters and digits
    ("my--secret-key", False),
    ("my-secret-key-", False),
    ("my/secret/key", False),
    ("my-secret-kéy", False),
    ("keys-and-more", False),
])
def test_self_described(value: str, described: bool) -> None:
    assert self_described(value) is described


# --- parameter_list --------------------------------------------------------------------
SAS = "st=2025-03-04T07:24:52Z&se=2025-04-04T15:24:52Z&spr=https&sv=2022-11-02&sr=c"


def test_timestamps_read_as_random_on_their_own() -> None:
    # Why parameter_list asks `_TIMESTAMP` first.
    for ts in ("2025-03-04T07:24:52Z", "2025-03-04T07:24Z", "2025-03-04T07:24:52.1Z",
               "2025-03-04X07:24:52Z", "2025/03/04T07:24:52Z", "2025-03-04T07:24:52Y"):
        assert looks_random(ts, 12), ts


@pytest.mark.parametrize(("value", "plain"), [
    (SAS, True),
    ("a=1&b=2", True),
    ("a=&b=", True),
    ("a.b=1&c-d=2&_e=3", True),
    ("t=2025-03-04T07:24Z&x=1", True),
    ("t=2025-03-04T07:24:52.1Z&x=1", True),
    ("t=2025-03-04X07:24:52Z&x=1", False),  # not timestamps: random-looking digits
    ("t=2025/03/04T07:24:52Z&x=1", False),
    ("t=2025-03-04T07:24:52Y&x=1", False),
    ("a=" + "a" * 24 + "&b=1", True),
    ("a=" + "a" * 25 + "&b=1", False),     # a value longer than 24
    ("a=1", False),                       # one parameter
    ("a=1&b", False),
    ("a=1&b=c=d", False),
    ("1a=1&b=2", False),
    ("a=1&&b=2", False),
    ("a=1&sig=" + tok(16), False),        # a random value: a signature
    ("a=1&sig=" + tok(12), False),
    ("a=1&s=" + tok(11), True),           # under 12 characters nothing reads as random
])
def test_parameter_list(value: str, plain: bool) -> None:
    assert parameter_list(value) is plain


# --- encoded_placeholder ---------------------------------------------------------------
@pytest.mark.parametrize(("value", "placeholder"), [
    ("bXlfdXNlcm5hbWU6bXlfcGFzc3dvcmQ=", True),       # my_username:my_password
    (b64("user:changeme"), True),
    (b64("u" * 64 + ":" + "x" * 64), True),           # 172 characters: the longest
    (b64("ab:xxx"), True),                            # 8 characters: the shortest
    (b64("a:x"), False),                              # 4 characters
    (b64("user:Zx9kQ2mW7pLr"), False),                # a real-looking password
    (b64("useronly-changeme"), False),
    (b64("u" * 65 + ":changeme"), False),
    (b64("user:" + "x" * 65), False),
    (b64("us er:changeme"), False),                   # a blank is not in a pair
    (b64("user:changeme").rstrip("="), False),        # not a multiple of 4
    ("bXlf*XNlcm5hbWU6bXlfcGFzc3dvcmQ=", False),
    ("====bXlfdXNl", False),
    (b64(b"\xc3\xa9:changeme"), False),               # not ASCII
    (b64(b"\xff\xfe:changeme"), False),               # not text at all
])
def test_encoded_placeholder(value: str, placeholder: bool) -> None:
    assert encoded_placeholder(value) is placeholder


def test_long_values_are_not_decoded() -> None:
    value = b64("u" * 64 + ":" + "x" * 64)
    assert len(value) == 172 and encoded_placeholder(value)
    assert not encoded_placeholder(value + "AAAA")


# --- through name_not_secret and the redactor -----------------------------------------
@pytest.mark.parametrize(("value", "name"), [
    ("prod-api-key-2", True),
    (SAS, True),
    ("bXlfdXNlcm5hbWU6bXlfcGFzc3dvcmQ=", True),
    ("api.example.com", True),
    ("API-1234", True),
    (tok(32), False),
])
def test_name_not_secret(value: str, name: bool) -> None:
    assert name_not_secret(value) is name


@pytest.mark.parametrize("text", [
    f"AZURE_BLOB_SAS_TOKEN={SAS}",
    '{"auths":{"registry.example.com":{"auth":"bXlfdXNlcm5hbWU6bXlfcGFzc3dvcmQ="}}}',
    "API_KEY=prod-api-key-2",
    'webhook_secret: "my.webhook.secret.1"',
])
def test_kept_in_key_slots(redactor, text: str) -> None:
    assert redactor.redact_text(text) == text


@pytest.mark.parametrize(("template", "secret"), [
    ("AZURE_BLOB_SAS_TOKEN=sp=r&st=2025-03-04&sig={s}", tok(43)),
    ('{{"auths":{{"r.example.com":{{"auth":"{s}"}}}}}}', b64("deploy:Zx9kQ2mW7pLr")),
    ("DB_PASSWORD={s}", "my-secret-password-2"),   # a password slot takes it
    ("API_KEY={s}", "prod-api-key-" + tok(12)),
])
def test_still_redacted(redactor, template: str, secret: str) -> None:
    out = redactor.redact_text(template.format(s=secret))
    assert_absent(secret, out)
