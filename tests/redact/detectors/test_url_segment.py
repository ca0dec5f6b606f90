"""`detectors/url_segment.py`: a drawn key as a URL path segment with no name is redacted,
exactly the segment; digests, UUIDs, file names, content hashes before a file, words,
base64 of text and short ids stay byte-identical."""

from __future__ import annotations

import base64

import pytest

from cctrace.redact import registry
from cctrace.redact.detectors.url_segment import MIN_LEN, _drawn
from cctrace.redact.engine import SecretRedactor
from support.absence import assert_absent

ALNUM = "pqR18Mf2C5lS1EwOwt0Ed41mytaL1kgQKy9y"
HEX48 = "09abc78f450f78114e2853e74c04e8a88ff252e0eef5ec84"
B64 = "RnGN6Cyj8TxPj5bpHhV02u"
SHA = "e5d6fb28730e36ae3daf59ecee1797a250690d7c"


def _alone() -> SecretRedactor:
    return SecretRedactor([registry.load("url_segment")], b"k" * 32)


def _all() -> SecretRedactor:
    return SecretRedactor(registry.detectors(), b"k" * 32)


POSITIVE = [
    ("INFO POST https://ingest.example.com/api/{v}/events -> 200 (31 ms)", ALNUM),
    ("GET http://10.0.0.5:8080/hooks/{v}", HEX48),
    ("curl -X POST https://hooks.example.com/{v}/ -d @x", B64),
    ("$ wget -q https://api.example.com/v1/{v}?page=2", ALNUM),
    ('resp = requests.get("https://api.example.com/t/{v}/x")', ALNUM),
    ("await fetch(`https://api.example.com/t/{v}/report.csv`)", ALNUM),  # before a file
    ("PUT https://x.example.com/api/Tig3rOr/{v}/e", "MDE0OTc0NTU4NjM2MjA2OTgw.-vZ550.i4XDjB"
                                                   "MggvJUNhEW8YAXUszp4W54xVT1MhVUD2"),
    ("Invoke-RestMethod -Uri https://x.example.com/hook/{v}", HEX48),
    ("$ http POST https://x.example.com/hook/{v} a=1", B64),
    ("GET https://x.example.com/v1.2/{v}/events", HEX48),      # a dotted segment before
]


@pytest.mark.parametrize("layout,value", POSITIVE)
def test_the_segment_is_redacted(layout: str, value: str) -> None:
    text = layout.format(v=value)
    for r in (_alone(), _all()):
        assert_absent(value, r.redact_text(text))
    found = _alone().explain(text)
    assert [(f.type, text[f.start:f.end]) for f in found] == [("url_path_key", value)]


def test_a_percent_encoded_segment_is_judged_decoded() -> None:
    text = "POST https://ingest.example.com/api/2458973642%3AAAsCS4E5zL8xiKL_nLlBelzlC/events"
    assert text.startswith("POST")
    found = _alone().explain(text)
    assert [text[f.start:f.end] for f in found] == ["2458973642%3AAAsCS4E5zL8xiKL_nLlBelzlC"]


NEGATIVE = [
    # links, not calls: a document, a page, a workflow is named by an id
    f"see https://docs.example.com/document/d/{ALNUM}/edit for the plan",
    f'{{"url": "https://api.example.com/t/{ALNUM}/x"}}',
    f"webhook = 'https://flows.example.com/workflows/{HEX48}/triggers/manual'",
    f"POST the form, then open\nhttps://app.example.com/p/{ALNUM}",     # the call was a line before
    f"curlew https://app.example.com/p/{ALNUM}",                        # not curl
    # called, but no key in the path
    f"GET https://github.com/python/cpython/commit/{SHA}",
    f"GET https://github.com/o/r/blob/{SHA}/src/main.py",
    "GET https://registry.example.com/v2/app/blobs/sha256:" + "ab12" * 16,
    "GET https://github.com/user-attachments/assets/123e4567-e89b-42d3-a456-426614174000",
    "GET https://x.example.com/callbacks/1705791f-d446-4e92-a6d0-a13622422e80_31864a51-8c13"
    "-4b03-ad4d-945cdc8d0631",
    "GET https://x.example.com/jobs/job-123E4567-E89B-42D3-A456-426614174000-Retry",
    # a content hash with its file after it (a wheel in a lockfile)
    "GET https://files.pythonhosted.org/packages/ab/cd/" + "3f9a8b7c" * 7 + "1a2b"
    + "/numpy-2.0.0-cp312-manylinux.whl",                      # 60 hex: no digest length
    "GET https://cdn.example.com/static/js/main.3f9a8b7c1d2e4f5a6b7c.chunk.js",
    "curl https://docs.python.org/3/library/concurrent.futures.html#module-concurrent",
    "curl https://example.com/blog/how-to-rotate-your-production-credentials-safely",
    "GET https://example.com/api/GetUserPermissionsForOrganization/v2",
    "GET https://example.com/i/" + base64.urlsafe_b64encode(b"hello world, this is the banner")
    .decode().rstrip("="),
    "GET https://example.com/sha512-" + "A" * 20 + "bC9+Zz",
    "GET https://example.com/a/b/c/Zl2kGKeQK0ub5JP",             # 15 characters: too short
    "curl file:///home/dev/" + ALNUM,                            # no host
    "GET https://example.com/u/12345678901234567890123",         # digits only
    "GET https://example.com/x/[REDACTED:generic_secret:5fd0a215]/y",
]


@pytest.mark.parametrize("text", NEGATIVE)
def test_stays_byte_identical(text: str) -> None:
    assert _alone().redact_text(text) == text


def test_the_call_is_looked_for_200_characters_back_on_its_line() -> None:
    url = f"https://x.example.com/hook/{ALNUM}"
    inside = "POST" + " " * 196 + url
    outside = "POST" + " " * 197 + url
    assert inside.index("https") == 200
    assert _alone().redact_text(inside) != inside
    assert _alone().redact_text(outside) == outside


def test_drawn_bounds() -> None:
    assert MIN_LEN == 20
    assert _drawn(ALNUM[:20], [])
    assert not _drawn(ALNUM[:19], [])
    assert _drawn(HEX48, ["events"])
    assert not _drawn(HEX48, ["", "file.tar.gz"])
    assert not _drawn(HEX48 + ".js", [])
