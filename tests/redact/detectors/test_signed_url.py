"""`detectors/signed_url.py` alone, exactly: the signature and session token of a signed
URL, each query parameter name, what must precede it, and the values that stay."""

from __future__ import annotations

import pytest

from support import alone as support_alone

HEX = "3f1a9c0e5b7d2a4c6e8f0a1b3c5d7e9f1a3b5c7d9e1f3a5b7c9d1e3f5a7b9c1d"
B64 = "Zq8XvT3mWk9PbR4nLs2Y~abc-def_ghijklmno"
S3 = ("https://b.s3.amazonaws.com/k?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential="
      "AKIAIOSFODNN7EXAMPLE%2F20250101%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Date=20250101T000000Z"
      "&X-Amz-Expires=3600&X-Amz-SignedHeaders=host&X-Amz-Signature=")


def found(text: str, value: str) -> None:
    support_alone.found("signed_url", "url_signature", text, value)


def kept(text: str) -> None:
    support_alone.kept("signed_url", text)


@pytest.mark.parametrize(("text", "value"), [
    (S3 + HEX, HEX),                                          # S3, a digest-shaped hex
    (S3 + HEX + "#frag", HEX),
    (f"https://storage.googleapis.com/b/o?X-Goog-Signature={HEX}{HEX}", HEX + HEX),
    (f"https://b.oss-cn-hangzhou.aliyuncs.com/o?x-oss-signature={HEX}", HEX),
    (f"https://d1.cloudfront.net/a.png?Expires=1735689600&Signature={B64}&Key-Pair-Id=K2J",
     B64),
    (f"https://x/y?X-Amz-Security-Token=IQoJb3JpZ2luX2VjEJr%2F%2F%2FwEaCXVz{B64}&X-Amz-Date=1",
     f"IQoJb3JpZ2luX2VjEJr%2F%2F%2FwEaCXVz{B64}"),
    (f"https://x/y?sig={B64}", B64),
    (f'<a href="https://x/y?a=1&amp;signature={B64}">', B64),    # in HTML
    (f'{{"url": "https://x/y?a=1\\u0026X-Amz-Signature={HEX}"}}', HEX),  # Go's JSON
    (f"https://x/y?signature={'a1b2c3' * 2}abcd", f"{'a1b2c3' * 2}abcd"),  # 16 characters
    (f"https://x/y?signature={'a1b2c3' * 3}", "a1b2c3" * 3),                 # 6 kinds
    (f"?sig={B64}", B64),                                  # the query's `?` starts the text
    # a signed URL %-encoded into another URL's query (a login's `next=`): read decoded
    ("https://app.example.com/login?next=https%3A%2F%2Fb.s3.amazonaws.com%2Fk%3F"
     f"X-Amz-Date%3D1%26X-Amz-Signature%3D{HEX}", HEX),
])
def test_signatures_of_signed_urls(text: str, value: str) -> None:
    found(text, value)


@pytest.mark.parametrize("text", [
    "sig=inspect.signature(f)",                   # no query before it
    f"x signature={B64}",
    f"https://x/y/signature={B64}",               # a path segment, not a parameter
    f"https://x/y?ab&xsignature={B64}",           # another parameter's name
    "https://x/y?signature=abc",                  # too short
    f"https://x/y?signature={'a1b2c3' * 2}abc",    # 15 characters
    "https://x/y?signature=%41%42%43%44%45%46%47%48%49%4A%4B%4C",  # 12 once decoded
    "https://x/y?signature=abababababababababab",  # two kinds of character
    "https://x/y?signature=a1b2ca1b2ca1b2ca1b",    # five kinds
    "https://x/y?signature=YOUR_SIGNATURE_HERE_PLEASE",  # a placeholder
])
def test_what_stays(text: str) -> None:
    kept(text)
