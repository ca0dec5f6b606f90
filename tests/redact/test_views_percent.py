"""`redact/views.py` `percent_candidates`: a URL %-encoded into another URL's query or a
JSON link (`?dsn=postgres%3A%2F%2Fapp%3A<pw>%40db`) is read decoded; its password or
token is redacted with every `%XX` of it, and the rest of the URL stays. %-encoded queries
holding no credential stay byte-identical.
"""

from __future__ import annotations

from urllib.parse import quote

import pytest

from cctrace.redact import views
from support.absence import assert_absent

PASSWORDS = ["Summer2024!x", "Io+GtjAJ6BZqDimefNl7pnwwob5TgbB7WxURVtVW", "p@ss%w0rd/42#"]


@pytest.mark.parametrize("pw", PASSWORDS)
def test_a_dsn_encoded_into_a_query_loses_its_password(redactor, pw: str) -> None:
    inner = quote(pw, safe="")  # as it reads in the DSN
    dsn = f"postgres://app:{inner}@db.internal:5432/app"
    outer = quote(dsn, safe="")  # as it reads in the query
    text = f'"GET /admin/db/test?next=%2Fadmin&dsn={outer}&q=select%201 HTTP/1.1" 200 17\n'
    out = redactor.redact_text(text)
    assert_absent(quote(inner, safe=""), out)
    # The URL around the password stays readable, the other parameters untouched.
    assert out.startswith('"GET /admin/db/test?next=%2Fadmin&dsn=postgres%3A%2F%2Fapp%3A[')
    assert out.endswith("]%40db.internal%3A5432%2Fapp&q=select%201 HTTP/1.1\" 200 17\n")


def test_a_webhook_encoded_into_a_query_is_redacted(redactor) -> None:
    hook = "https://hooks.slack.com/services/T01ABCDEF/B02GHIJKL/" + "aB3dE5fG7hJ9kL1mN3pQ5rS7"
    text = f"POST /integrations/test?target={quote(hook, safe='')}&dry_run=1\n"
    assert_absent(quote("aB3dE5fG7hJ9kL1mN3pQ5rS7", safe=""), redactor.redact_text(text))


@pytest.mark.parametrize("text", [
    "GET /oauth/authorize?redirect_uri=https%3A%2F%2Fapp.example.com%2Fcallback%3Fnext%3D"
    "%252Fhome&state=af0ifjsldkj&scope=openid%20profile\n",
    "GET /search?q=postgres%3A%2F%2Fdocs%20connection%20strings 200\n",
    '{"open": "https://console.example.com/connect?return_to=https%3A%2F%2Fapp.example.com'
    '%2Fprojects%2F7f3e2c1a-5b6d-4e8f-9a0b-1c2d3e4f5a6b"}\n',
])
def test_encoded_urls_without_credentials_stay(redactor, text: str) -> None:
    assert redactor.redact_text(text) == text


def test_offsets_map_back_onto_the_encoded_text() -> None:
    text = "x?u=redis%3A%2F%2F%3Ap%2Bw%40h&y=1"

    def find(plain: str):
        at = plain.index("p+w")
        return [(at, at + 3, 50, "t", "d")]
    found = views.percent_candidates(text, find)
    assert found == [(text.index("p%2Bw"), text.index("p%2Bw") + 5, 50, "t", "d")]


def test_lower_case_escapes_and_every_url_of_a_text(redactor) -> None:
    first, second = "Kq8Zr2Lk9Vb4Nm7XcP1w", "Wd3Hj6Tn0Gf5Ys8Bq2Lm"
    text = (f"GET /a?dsn=postgres%3a%2f%2fapp%3a{first}%40db%2fapp&x=1\n"
            f"GET /b?dsn=mysql%3A%2F%2Fapp%3A{second}%40db%2Fapp&x=2\n")
    out = redactor.redact_text(text)
    assert_absent(first, out)
    assert_absent(second, out)
    assert out.count("[REDACTED:") == 2


def test_text_without_an_encoded_scheme_is_not_read() -> None:
    def find(plain: str):
        raise AssertionError("no window to read")
    assert views.percent_candidates("GET /a?b=c%20d&e=https://x.example/", find) == []


def test_the_decoded_url_maps_back_whole_and_after_its_last_escape() -> None:
    text = "see ?to=https%3A%2F%2Fu%3Apw%40host.example%2Fpath-end and more"
    run = "https%3A%2F%2Fu%3Apw%40host.example%2Fpath-end"

    def find(plain: str):
        assert plain == "https://u:pw@host.example/path-end"
        tail = plain.index("path-end")
        return [(0, len(plain), 40, "a", "d"), (tail, tail + 8, 40, "b", "d")]
    at = text.index(run)
    assert views.percent_candidates(text, find) == [
        (at, at + len(run), 40, "a", "d"),
        (text.index("path-end"), text.index("path-end") + 8, 40, "b", "d")]


def test_a_url_encoded_in_lower_case_hex_alone(redactor) -> None:
    pw = "Kq8Zr2Lk9Vb4Nm7XcP1w"
    text = f"GET /a?dsn=postgres%3a%2f%2fapp%3a{pw}%40db%2fapp&x=1\n"
    assert_absent(pw, redactor.redact_text(text))
