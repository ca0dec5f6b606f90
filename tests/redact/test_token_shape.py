"""Token shapes: what the service-name rule refuses (characters no token holds, padding in
the middle, hex of an odd length, hand-made fillers) and the documented formats that need
their own detector because of it (Salesforce `00D...!...`, Cloudflare's 37-hex global key).

Values are generated here (seeded); positives assert the value is gone, negatives that the
text comes back unchanged.
"""

from __future__ import annotations

import random
import string

import pytest

from cctrace.redact.randomness import has_sequence, token_shaped

RNG = random.Random(1314)
B62 = string.ascii_letters + string.digits
LOWER36 = string.ascii_lowercase + string.digits


def tok(n: int, alphabet: str = B62) -> str:
    while True:
        t = "".join(RNG.choice(alphabet) for _ in range(n))
        if sum(c.isdigit() for c in t) >= 3 and sum(c.isalpha() for c in t) >= 3:
            return t


@pytest.mark.parametrize("sep", ["?", "%", "!", "^", "$", "#", "~", "|"])
def test_service_token_broken_by_a_foreign_character_is_not_a_token(redactor, sep) -> None:
    value = tok(16, LOWER36) + sep + tok(16, LOWER36)
    for text in (f"newsapi = '{value}'", f"mapquest: {value}", f"ngrok token - '{value}"):
        assert redactor.redact_text(text) == text


def test_service_token_whole_is_still_redacted(redactor) -> None:
    value = tok(32, LOWER36)
    out = redactor.redact_text(f"newsapi = '{value}'")
    assert value not in out and out.startswith("newsapi = '[REDACTED:service_token:")


def test_service_token_in_url_path_before_query_is_redacted(redactor) -> None:
    value = tok(24)  # Better Stack's keys: 24 alphanumerics (redact/service_shapes)
    text = f"GET https://api.example.com/v1/betterstack/keys/{value}?page=2"
    out = redactor.redact_text(text)
    assert value not in out and out.endswith("?page=2")


def test_service_token_followed_by_bracket_is_not_a_token(redactor) -> None:
    text = f"brandfetch credentials: {tok(40)}[qy]{tok(12)}"
    # Not a service token; a random value given to `credentials:` is a generic secret.
    assert [f.type for f in redactor.explain(text)] == ["generic_secret"]
    assert redactor.redact_text(text.replace("credentials:", "said")) == \
        text.replace("credentials:", "said")


def test_padding_is_allowed_anywhere() -> None:
    # Documented formats put `=` inside their bodies; only hex length is judged.
    assert token_shaped(tok(20) + "==") is True
    assert token_shaped(tok(10) + "=" + tok(20)) is True


def test_hex_in_whole_bytes_only() -> None:
    h = "".join(RNG.choice("0123456789abcdef") for _ in range(41))
    assert token_shaped(h[:40]) is True
    assert token_shaped(h) is False
    assert token_shaped(h[:15]) is True  # short odd hex is left to the other gates


def test_service_name_with_odd_hex_is_kept(redactor) -> None:
    odd = "".join(RNG.choice("0123456789abcdef") for _ in range(39))
    assert redactor.redact_text(f"klipfolio = '{odd}'") == f"klipfolio = '{odd}'"
    even = odd + "a"
    assert even not in redactor.redact_text(f"klipfolio = '{even}'")


def test_alphabet_and_digit_sequences_are_fillers() -> None:
    assert has_sequence("AIzaSyabcdefghijklmnopqrstu") is True
    assert has_sequence("key_0123456789") is True
    assert has_sequence("x" + "12345678") is True
    assert has_sequence("1234567") is False
    assert has_sequence(tok(40)) is False
    assert has_sequence("abcdefgh", n=9) is False


def test_service_name_with_a_filler_is_kept(redactor) -> None:
    text = "meraki: abdefghjk0123456789mnopqrstuvwx12345678"
    assert redactor.redact_text(text) == text


def test_salesforce_access_token(redactor) -> None:
    token = "00D" + tok(12) + "!" + tok(96, B62 + "._")
    for text in (f"Authorization: Bearer {token}", f"sf = '{token}'", token):
        out = redactor.redact_text(text)
        assert token not in out and token[16:40] not in out
        assert "[REDACTED:" in out


def test_salesforce_shape_needs_the_org_id(redactor) -> None:
    text = "if (x != 0) { return 00 !== y; }  // 00" + tok(10) + "!" + tok(50)
    assert redactor.redact_text(text) == text


def test_cloudflare_global_key_is_37_hex(redactor) -> None:
    key = "".join(RNG.choice("0123456789abcdef") for _ in range(37))
    for text in (f'cloudflare: "{key}"', f"CLOUDFLARE_API_KEY={key}"):
        out = redactor.redact_text(text)
        assert key not in out
        assert "[REDACTED:cloudflare_global_api_key:" in out


@pytest.mark.parametrize("sep", ["?", "!", "^", "*", "$", "#", "~", "|", "@", "[", " "])
def test_token_slot_value_with_a_foreign_character_is_kept(redactor, sep) -> None:
    value = tok(14) + sep + tok(20)
    texts = [f'apiKey := "{value}"', f"access_token: '{value}'"]
    if sep != " ":  # unquoted, a blank ends the value
        texts.append(f"API_KEY={value}")
    for text in texts:
        assert redactor.redact_text(text) == text


@pytest.mark.parametrize("sep", ["?", "!", "^", "*", "$", "#", "@", " "])
def test_password_slot_value_with_symbols_is_redacted(redactor, sep) -> None:
    value = tok(10) + sep + tok(10)
    for text in (f'DB_PASSWORD="{value}"', f"client_secret: '{value}'"):
        out = redactor.redact_text(text)
        assert value not in out and "[REDACTED:" in out


def test_token_slot_keeps_url_escapes_and_query_strings(redactor) -> None:
    bearer = "A" * 22 + tok(20) + "%2B" + tok(20) + "%" + tok(30)
    out = redactor.redact_text(f'twitter_token = "{bearer}"')
    assert bearer not in out
    sas = f"sv=2022-11-02&ss=b&sig={tok(43)}%3D"
    out = redactor.redact_text(f"AZURE_SAS_TOKEN={sas}")
    assert sas not in out
    key = tok(40)
    out = redactor.redact_text(f"GET /v1/?api_key={key}&url=#{{url}}&render=1")
    assert key not in out
