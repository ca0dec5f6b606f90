"""References and placeholders in the layouts agent sessions show (bench/redaction_layouts.py):
escaped as XML, Go JSON or URL text, Google Secret Manager resource names, `REPLACE_ME`.

A reference names where a secret is kept; a placeholder stands for one. Neither is a secret,
in any escaping, so texts holding them come out byte-identical; the same layouts with a
drawn value are still redacted (every 12-character piece gone).
"""

from __future__ import annotations

import pytest

from cctrace.redact.stoplist import is_placeholder, unescape
from support.absence import assert_absent

GSM = "projects/acme-prod/secrets/api-key/versions/latest"
LAYOUTS = [
    '<connection host="db.internal" {k}="{v}" pool="10"/>\n',
    '{{"level":"debug","msg":"config","jwtSecret":"{v}"}}\n',
    "[global]\nindex-url = https://deploy:{v}@pkgs.example.com/simple/\n",
    "MASTER_KEY={v}\n",
    'private static final String AUTH_TOKEN = "{v}";\n',
    "$ PGPASSWORD={v} psql -h db.internal -U app\n",
    "apiVersion: v1\nusers:\n- name: admin\n  user:\n    token: {v}\n",
]
KEPT = ["&lt;password&gt;", "&lt;your-token&gt;", "\\u003cpassword\\u003e", "%3Cpassword%3E",
        "op%3A%2F%2Fprod%2Fstripe%2Fsecret-key", "%24%7BDB_PASSWORD%7D", GSM,
        "projects/123456/secrets/db_password", "REPLACE_ME", "replace-me-with-the-key"]


@pytest.mark.parametrize("value", KEPT)
@pytest.mark.parametrize("layout", LAYOUTS)
def test_references_and_placeholders_stay_byte_identical(redactor, layout: str,
                                                         value: str) -> None:
    text = layout.format(k="appSecret", v=value)
    assert redactor.redact_text(text) == text


@pytest.mark.parametrize("value", ["Kq8Zr2Lk9Vb4Nm7XcP1w6Tz", "q8Zr%2FLk9Vb4Nm7Xc1Pw6Tz3Yd"])
@pytest.mark.parametrize("layout", LAYOUTS)
def test_the_same_layouts_with_a_drawn_value_are_redacted(redactor, layout: str,
                                                          value: str) -> None:
    out = redactor.redact_text(layout.format(k="appSecret", v=value))
    assert_absent(value, out)


@pytest.mark.parametrize("value, plain", [
    ("&lt;a&gt;", "<a>"), ("&amp;&quot;&apos;", "&\"'"), ("&#60;x&#62;", "<x>"),
    ("\\u003ca\\u003E", "<a>"), ("%3Ca%3e", "<a>"), ("%2525", "%25"),
    ("plain", "plain"), ("a&b", "a&b"), ("&#123456;", "&#123456;"), ("%zz\\u00", "%zz\\u00"),
])
def test_unescape_decodes_each_escape_once(value: str, plain: str) -> None:
    assert unescape(value) == plain


@pytest.mark.parametrize("value, expected", [
    (GSM, True), ("projects/p/secrets/s", True), ("projects/p/secrets/s/versions/3", True),
    ("projects/p/secrets/s/extra", False), ("projects/p/keys/s", False),
    ("xprojects/p/secrets/s", False),
    ("REPLACE_ME", True), ("replaceme", True), ("Replace-Me-Now", True),
    ("%3Cpassword%3E", True), ("&lt;token&gt;", True), ("\\u003ckey\\u003e", True),
    ("%24%7BTOKEN%7D", True), ("%2524%257BTOKEN%257D", True),
    ("Kq8Zr%2FLk9Vb4Nm7X", False), ("Kq8&amp;Zr2Lk9Vb4", False), ("Kq8\\u0026Zr2Lk9", False),
])
def test_is_placeholder_sees_through_escapes(value: str, expected: bool) -> None:
    assert is_placeholder(value) is expected
