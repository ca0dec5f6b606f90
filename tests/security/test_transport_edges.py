"""`validate_url` at its edges: every limit on both sides, every loopback name, every refusal's
reason. Written against the mutants `bench/mutation.py -m security.transport` left alive
(docs/testing.md): each assertion here fails on one of them."""

from __future__ import annotations

import pytest

from cctrace.security.transport import (
    MAX_URL,
    URLError,
    host_of,
    is_loopback,
    transport_problem,
    validate_url,
)


@pytest.mark.parametrize("name", ["localhost", "localhost.localdomain", "ip6-localhost",
                                  "LOCALHOST.", "api.localhost", "[::1]", "127.0.0.9"])
def test_every_loopback_name_takes_plain_http(name):
    assert is_loopback(name)
    host = name.strip("[]").rstrip(".").lower()
    url = validate_url(f"http://{name}:4318/v1/traces")
    assert url.scheme == "http" and url.host == host and url.port == 4318


@pytest.mark.parametrize("name", ["", None, "localhost.evil.example", "evillocalhost",
                                  "ip6-localhost.example", "10.0.0.1", "::2", "example.com"])
def test_near_loopback_names_are_not_loopback(name):
    assert not is_loopback(name)


def test_default_ports_and_the_rebuilt_text():
    assert validate_url("http://localhost").port == 80
    assert validate_url("https://example.com").port == 443
    assert validate_url("https://example.com:8443/x").port == 8443
    assert validate_url("https://Example.COM:443/v1") == "https://example.com:443/v1"
    assert validate_url("http://[::1]:80/") == "http://[::1]:80/"
    assert validate_url("https://example.com") == "https://example.com"
    assert validate_url("  https://example.com/a  ") == "https://example.com/a"


def test_url_length_limit_on_both_sides():
    head = "https://example.com/"
    assert validate_url(head + "a" * (MAX_URL - len(head)))
    with pytest.raises(URLError, match="too long"):
        validate_url(head + "a" * (MAX_URL - len(head) + 1))
    assert MAX_URL == 2048


def test_host_length_limit_on_both_sides():
    longest = ".".join(["a" * 63, "b" * 63, "c" * 63, "d" * 61])
    assert len(longest) == 253
    assert validate_url(f"https://{longest}/").host == longest
    with pytest.raises(URLError, match="host name too long"):
        validate_url(f"https://{longest}e/")
    assert validate_url(f"https://{'a' * 63}.example").host.startswith("a" * 63)
    with pytest.raises(URLError, match="invalid label"):
        validate_url(f"https://{'a' * 64}.example")


@pytest.mark.parametrize("port, ok", [("1", True), ("65535", True), ("0", False),
                                      ("65536", False), ("080", True), ("00443", True),
                                      ("004430", False), ("", False), ("8x", False),
                                      ("\u0661\u0662", False), ("-1", False)])
def test_port_range(port, ok):
    text = f"https://example.com:{port}/"
    if ok:
        assert validate_url(text).port == int(port)
    else:
        with pytest.raises(URLError, match="port"):
            validate_url(text)


@pytest.mark.parametrize("char", ["\x00", "\x1f", "\x7f", " ", "\t", "\u2028", "\u2029",
                                  "\\", "\u00a0", "\u3000"])
def test_control_whitespace_and_backslash_anywhere(char):
    for text in (f"https://exa{char}mple.com/", f"https://example.com/a{char}b"):
        with pytest.raises(URLError, match="whitespace, control characters or a backslash"):
            validate_url(text)


@pytest.mark.parametrize("char", ["!", "~", "=", "*", "'", "(", ")", ":", "@", ",", ";",
                                  "\x80", "\u00e9"])
def test_path_characters_either_pass_or_are_named(char):
    text = f"https://example.com/a{char}b"
    if char.isascii():
        assert validate_url(text).path == f"/a{char}b"
    else:
        with pytest.raises(URLError, match="must be percent-encoded"):
            validate_url(text)


@pytest.mark.parametrize("path, ok", [("/a%2Fb", True), ("/a%2fb", True), ("/%41", True),
                                      ("/a%2", False), ("/a%", False), ("/a%zz", False),
                                      ("/a%g1", False)])
def test_percent_escapes_in_the_path(path, ok):
    if ok:
        assert validate_url(f"https://example.com{path}").path == path
    else:
        with pytest.raises(URLError, match="must be percent-encoded"):
            validate_url(f"https://example.com{path}")


LONG_IDN = "\u00e9" * 64 + ".example"


@pytest.mark.parametrize("text, message", [
    (b"https://example.com", "the URL is not a string"),
    ("", "the URL is empty"),
    ("   ", "the URL is empty"),
    ("https://example.com/" + "a" * MAX_URL, "the URL is too long"),
    ("https://exa mple.com", "the URL contains whitespace, control characters or a backslash"),
    ("example.com", "scheme '(none)' is not https"),
    ("ftp://example.com", "scheme 'ftp' is not https"),
    ("https://[::1", "unbalanced [ in the host"),
    ("https://[::1]x", "text after the IPv6 address"),
    ("https://[not-v6]/", "not an IPv6 address: [not-v6]"),
    ("https://", "the URL has no host"),
    ("https:///x", "the URL has no host"),
    ("https://?x", "a query string or fragment is not allowed in the URL"),
    ("https://./", "the URL has no host"),
    ("https://:443/", "the URL has no host"),
    ("https://" + LONG_IDN, f"host {LONG_IDN!r} is not a valid international domain name"),
    ("https://0x7f.0.0.1", "host '0x7f.0.0.1' is not a canonical IPv4 address"),
    ("https://a_b.example", "host 'a_b.example' has an invalid label 'a_b'"),
    ("https://-a.example", "host '-a.example' has an invalid label '-a'"),
    ("https://a-.example", "host 'a-.example' has an invalid label 'a-'"),
    ("https://" + ".".join(["a" * 63] * 4), "host name too long"),
    ("http://example.com", "plain http to non-loopback host example.com; use https"),
    ("https://u@example.com", "user info (user@ or user:password@) is not allowed in the URL; "
                              "keys go in the config and the keychain"),
    ("https://example.com:99999", "port '99999' is not a number from 1 to 65535"),
    ("https://ex%41mple.com", "percent-encoded characters are not allowed in the host"),
    ("https://example.com/?a", "a query string or fragment is not allowed in the URL"),
    ("https://example.com/a%zz", "the URL path contains characters that must be "
                                 "percent-encoded"),
])
def test_each_refusal_says_exactly_why(text, message):
    with pytest.raises(URLError) as exc:
        validate_url(text)
    assert str(exc.value) == message
    if isinstance(text, str):
        assert transport_problem(text) == message and host_of(text) is None


def test_only_spaces_are_trimmed_and_case_is_folded():
    assert validate_url("https://EXAMPLE.comX/X") == "https://example.comx/X"
    assert validate_url(" https://xn--bcher-kva.example ") == "https://xn--bcher-kva.example"
    with pytest.raises(URLError):
        validate_url("https://example.com/\n")


def test_query_and_fragment_are_cut_from_the_authority():
    # The authority ends at the first of / ? #: a host followed by ? or # is not a host part.
    for text in ("https://example.com?x", "https://example.com#x", "https://example.com/a#b"):
        with pytest.raises(URLError, match="query string or fragment"):
            validate_url(text)
    assert host_of("https://Example.com/x") == "example.com"


def test_numeric_looking_last_label_must_be_a_dotted_quad():
    assert validate_url("https://192.168.0.1/").host == "192.168.0.1"
    assert validate_url("https://a.b1/").host == "a.b1"
    assert validate_url("https://1a.example/").host == "1a.example"
    for host in ("1.2.3", "1.2.3.4.5", "example.0x10", "example.123", "0300.0.0.1"):
        with pytest.raises(URLError, match="canonical IPv4"):
            validate_url(f"https://{host}/")
