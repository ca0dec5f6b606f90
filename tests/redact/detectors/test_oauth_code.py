"""`detectors/oauth_code.py` alone, exactly: an authorization code after `?`, `#`, `&`,
`&amp;` or `\\u0026` (or opening a quoted form body) in a URL or form that says OAuth
(`state=`, `redirect_uri=`, `grant_type=`, `code_verifier=`, `session_state=`, a callback
/ redirect / oauth / authorize path); 10+ characters of 6+ kinds. A positive gives exactly
one finding over exactly the code; a negative none, byte-identical."""

from __future__ import annotations

import json

import pytest

from support import alone as support_alone

CODE = "4k03D-WcIJ6y6AYJyul4VsPtCPjTgeeq"


def found(text: str, value: str = CODE) -> None:
    support_alone.found("oauth_code", "oauth_code", text, value)


def kept(text: str) -> None:
    support_alone.kept("oauth_code", text)


@pytest.mark.parametrize("text", [
    f"GET /oauth/callback?code={CODE}&state=af0ifjsldkj HTTP/1.1",
    f"https://app.example.com/auth/callback?code={CODE}",               # the path says it
    f"http://localhost:8080/cb?state=9f8e7d&code={CODE}&scope=openid",   # code after state
    f"https://spa.example.com/done#code={CODE}&state=x1",               # in a fragment
    f"https://x.example.com/r?a=1&amp;code={CODE}&amp;state=q",         # HTML-escaped
    f"https://x.example.com/r?a=1\\u0026code={CODE}\\u0026state=q",     # Go's JSON
    f"grant_type=authorization_code&code={CODE}&redirect_uri=https%3A%2F%2Fapp",
    f"--data 'client_id=c1&code={CODE}&code_verifier=abc'",                # a form
    f"curl https://oauth2.example.com/token -d 'code={CODE}&redirect_uri=http://l'",  # first
    f'--data "code={CODE}&grant_type=authorization_code"',
    f"https://login.example.com/authorize/done?code={CODE}",
    f"https://x.example.com/redirect?code={CODE}",
    f"https://x.example.com/oauth2/return?code={CODE}",
    f"https://x.example.com/auth?code={CODE}",
    f"https://x.example.com/r?session_state=s1&code={CODE}",
])
def test_found(text: str) -> None:
    found(text)


def test_a_google_code_with_a_slash_and_the_json_string() -> None:
    google = "4/0AeaYSHD" + CODE
    found(f"http://localhost:8080/?state=a1&code={google}&scope=email", google)
    found(json.dumps(f"GET /oauth/callback?code={CODE}&state=af0ifjsldkj"), CODE)


@pytest.mark.parametrize("text", [
    "https://api.example.com/v1/rates?currency=EUR&code=DE&limit=10",   # short, no OAuth
    f"https://api.example.com/v1/rates?code={CODE}&limit=10",           # no OAuth word
    f"https://x.example.com/callback?error_code={CODE}&state=s",        # not the parameter
    f"https://x.example.com/callback?zipcode={CODE}&state=s",
    f"promo code={CODE} at https://shop.example.com/callback",           # not after ? or &
    f"x='code={CODE}' # callback",                          # quoted, but no OAuth in its run
    "https://x.example.com/callback?code=aaaaaaaaaaaa&state=s",          # too few kinds
    "https://x.example.com/callback?code=<authorization_code>&state=s",
    "https://x.example.com/callback?code=YOUR_CODE_HERE&state=s",
    "GET /oauth/callback?state=af0ifjsldkj&error=access_denied HTTP/1.1",
])
def test_kept(text: str) -> None:
    kept(text)


def test_the_oauth_word_is_read_in_the_same_url_only() -> None:
    # A callback elsewhere in the text does not vouch for a code in another URL.
    kept(f"see https://x.example.com/callback then https://api.example.com/v?q=1&code={CODE}")
    found(f"https://x.example.com/callback/X?code={CODE}")       # an X is no URL's end
    found(f"see https://api.example.com/v?q=1 then https://x.example.com/callback?q=1&code={CODE}")


def test_the_code_bounds() -> None:
    # 10 characters of 6 kinds: taken; 9, or 5 kinds: not a code worth the name.
    found("https://x.example.com/callback?code=abcdef1234&state=s", "abcdef1234")
    found("https://x.example.com/callback?code=aabbccdd12&state=s", "aabbccdd12")  # 6 kinds
    kept("https://x.example.com/callback?code=abcdef123&state=s")     # 9, of 9 kinds
    kept("https://x.example.com/callback?code=a1b2ca1b2ca1&state=s")  # 12, of 5 kinds


def test_at_the_text_start() -> None:
    found(f"?code={CODE}&state=s")                        # the `?` at offset 0
    found(f"callback?code={CODE}&x=1")                    # the OAuth word at offset 0


def test_the_url_is_read_back_at_most_2048_characters() -> None:
    # `callback` 2048 characters before `code=` is in reach, 2049 is not.
    found(f"https://h.example/callback?p={'a' * 2036}&code={CODE}")
    kept(f"https://h.example/callback?p={'a' * 2037}&code={CODE}")
