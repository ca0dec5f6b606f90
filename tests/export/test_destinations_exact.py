"""Destinations to the letter: every field of each destination, every problem message, the
proxy and CA bundle rules, the timeout bounds, which strings count as secrets. Written
against the mutants `bench/mutation.py -m export.destinations` left alive (docs/testing.md)."""

from __future__ import annotations

import base64
import os

import pytest

from cctrace.config import Config
from cctrace.export import destinations as d

PK, SK = "pk-lf-1234", "sk-lf-5678"
TOKEN = base64.b64encode(f"{PK}:{SK}".encode()).decode()


def cfg(tmp_path, raw=None, **kw) -> Config:
    return Config(state_dir=str(tmp_path), raw=raw or {}, **kw)


def lf(tmp_path, raw=None, url="https://lf.example.org/", **kw) -> Config:
    return cfg(tmp_path, raw, langfuse_base_url=url, langfuse_public_key=PK,
               langfuse_secret_key=SK, **kw)


def test_constants():
    assert (d.LANGFUSE, d.LANGFUSE_SCORES, d.OTLP, d.SPANS, d.SCORES) == (
        "langfuse", "langfuse-scores", "otlp", "spans", "scores")
    assert (d.LANGFUSE_PATH, d.SCORES_PATH, d.DEFAULT_TIMEOUT) == (
        "/api/public/otel/v1/traces", "/api/public/scores", 10.0)


def test_every_field_of_both_langfuse_destinations_and_otlp(tmp_path):
    c = lf(tmp_path, otlp_endpoint="https://otel.example.com/v1/traces",
           otlp_headers={"x-team": "a"})
    spans, scores, otlp = d.destinations(c)
    assert (spans.name, spans.url, spans.timeout, spans.kind, spans.verify, spans.proxy) == (
        "langfuse", "https://lf.example.org/api/public/otel/v1/traces", 10.0, "spans", True,
        None)
    assert spans.headers == {"Authorization": f"Basic {TOKEN}",
                             "x-langfuse-ingestion-version": "4", "x-langfuse-public-key": PK}
    assert (scores.name, scores.url, scores.kind, scores.timeout) == (
        "langfuse-scores", "https://lf.example.org/api/public/scores", "scores", 10.0)
    assert scores.headers == {"Authorization": f"Basic {TOKEN}"}
    assert (otlp.name, otlp.url, otlp.kind, otlp.headers, otlp.verify) == (
        "otlp", "https://otel.example.com/v1/traces", "spans", {"x-team": "a"}, True)
    assert [x.timeout for x in d.destinations(c, timeout=2.5)] == [2.5, 2.5, 2.5]
    assert d.configured_names(c) == ["langfuse", "langfuse-scores", "otlp"]


def test_destination_urls_are_the_checked_form(tmp_path):
    (spans, scores) = d.destinations(lf(tmp_path, url="HTTPS://LF.Example.ORG:443//"))
    assert spans.url == "https://lf.example.org:443/api/public/otel/v1/traces"
    assert scores.url == "https://lf.example.org:443/api/public/scores"
    (otlp,) = d.destinations(cfg(tmp_path, otlp_endpoint="https://OTEL.example.com/v1/traces"))
    assert otlp.url == "https://otel.example.com/v1/traces"


@pytest.mark.parametrize("value, expected", [
    (None, 10.0), (5, 5.0), (0.5, 0.5), (300, 300.0), (300.5, 10.0), (0, 10.0), (-1, 10.0),
    (True, 10.0), ("5", 10.0),
])
def test_export_timeout_bounds(tmp_path, value, expected):
    raw = {} if value is None else {"export": {"timeout": value}}
    assert d.export_timeout(cfg(tmp_path, raw)) == expected


@pytest.mark.parametrize("given, missing, where", [
    ({"langfuse_base_url": "https://lf.example.org"}, ["public_key", "secret_key"], True),
    ({"langfuse_public_key": PK}, ["base_url", "secret_key"], True),
    ({"langfuse_secret_key": SK}, ["base_url", "public_key"], False),
    ({"langfuse_base_url": "https://lf.example.org", "langfuse_secret_key": SK},
     ["public_key"], False),
    ({"langfuse_public_key": PK, "langfuse_secret_key": SK}, ["base_url"], False),
])
def test_incomplete_langfuse_names_what_is_missing(tmp_path, given, missing, where):
    msg = "incomplete: langfuse." + ", langfuse.".join(missing) + " not set"
    if where:
        msg += " (cctrace setup stores it in the keychain)"
    c = cfg(tmp_path, **given)
    assert d.problems(c) == {"langfuse": msg}
    assert [x.name for x in d.destinations(c)] == []
    names = d.configured_names(c)
    assert names == (["langfuse", "langfuse-scores"]
                     if "langfuse_base_url" in given or "langfuse_public_key" in given else [])


def test_a_bad_url_is_a_problem_with_its_label(tmp_path):
    c = lf(tmp_path, url="http://lf.example.org/x?k=1", otlp_endpoint="ftp://o.example/")
    assert d.problems(c) == {
        "langfuse": "http://lf.example.org/x: a query string or fragment is not allowed in "
                    "the URL",
        "otlp": "ftp://o.example/: scheme 'ftp' is not https"}
    assert d.destinations(c) == []
    assert d.problems(lf(tmp_path)) == {}


@pytest.mark.parametrize("bundle", ["", "  ", 5, False])
def test_a_ca_bundle_that_is_no_path_is_a_problem(tmp_path, bundle):
    for name in ("langfuse", "otlp"):
        c = lf(tmp_path, {name: {"ca_bundle": bundle}}, otlp_endpoint="https://o.example/t")
        assert d.problems(c) == {name: f"{name}.ca_bundle must be a file path"}


def test_ca_bundles_reach_their_destinations(tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path))
    c = lf(tmp_path, {"langfuse": {"ca_bundle": " ~/lf.pem "}, "otlp": {"ca_bundle": "o.pem"}},
           otlp_endpoint="https://o.example/t")
    spans, scores, otlp = d.destinations(c)
    assert spans.verify == scores.verify == os.path.join(str(tmp_path), "lf.pem")
    assert otlp.verify == os.path.abspath("o.pem")


@pytest.mark.parametrize("raw, expected", [
    (None, None), ("", None),
    ("https://proxy.example:3128", "https://proxy.example:3128"),
    ("http://proxy.example:3128", "http://proxy.example:3128"),
    ("HTTP://Proxy.Example:3128", "http://proxy.example:3128"),
    ("  https://proxy.example  ", "https://proxy.example"),
])
def test_proxy_url(tmp_path, raw, expected):
    c = lf(tmp_path, {} if raw is None else {"export": {"proxy": raw}})
    assert d.proxy_url(c) == expected
    assert {x.proxy for x in d.destinations(c)} == {expected}


@pytest.mark.parametrize("raw, message", [
    (5, "export.proxy must be a URL string"),
    ("socks5://p.example:1080", "scheme 'socks5' is not https"),
    ("http://u:p@proxy.example", "user info"),
])
def test_a_bad_proxy_is_a_problem_for_both(tmp_path, raw, message):
    c = lf(tmp_path, {"export": {"proxy": raw}}, otlp_endpoint="https://o.example/t")
    got = d.problems(c)
    assert set(got) == {"langfuse", "otlp"}
    assert all(v.startswith("export.proxy: ") and message in v for v in got.values())
    if raw == 5:
        assert got["otlp"] == "export.proxy: export.proxy must be a URL string"
    assert d.destinations(c) == []


def test_secrets_of_a_destination():
    basic = base64.b64encode(b"user:pa:ss").decode()
    dest = d.Destination("otlp", "https://o.example/t", headers={
        "Authorization": f"Basic {basic}", "X-Token": "Bearer tok-123", "x-e": "", "k": "v1"})
    assert dest.secrets() == sorted({f"Basic {basic}", basic, "user", "pa:ss",
                                     "Bearer tok-123", "tok-123", "v1"},
                                    key=len, reverse=True)
    odd = d.Destination("o", "https://o.example", headers={"A": "Basic !!!notb64", "B": "Token x"})
    assert set(odd.secrets()) == {"Basic !!!notb64", "!!!notb64", "Token x"}


def test_scrub_replaces_each_secret_of_four_or_more_characters():
    dest = d.Destination("o", "https://o.example", headers={"A": "Bearer abcd", "B": "xyz"})
    assert d.scrub("Bearer abcd abcd xyz", dest) == "[REDACTED] [REDACTED] xyz"
    assert d.scrub("abcd", None) == "abcd"


def test_repr_shows_header_names_only():
    dest = d.Destination("otlp", "https://u:p@o.example:8443/t?k=v",
                         headers={"b": "secret-1", "a": "secret-2"}, timeout=3.0)
    text = repr(dest)
    assert text == ("Destination(name='otlp', url='https://o.example:8443/t', headers=[a, b], "
                    "timeout=3.0, kind='spans')") == str(dest)


@pytest.mark.parametrize("url, expected", [
    ("https://u:p@h.example:8443/p?q=1#f", "https://h.example:8443/p"),
    ("https://h.example/p", "https://h.example/p"),
    ("http://[::1]:99999/", "<unparseable url>"),
])
def test_safe_url(url, expected):
    assert d.safe_url(url) == expected
    assert d.url_label(url) == expected
    assert d.url_label("") == "(empty)"


def test_destination_defaults_and_identity():
    import dataclasses

    dest = d.Destination("otlp", "https://o.example/t")
    assert (dest.headers, dest.timeout, dest.kind, dest.verify, dest.proxy) == (
        {}, 10.0, "spans", True, None)
    with pytest.raises(dataclasses.FrozenInstanceError):
        dest.verify = False  # type: ignore[misc]
    # A destination is its name, URL, timeout and kind: credentials, CA bundle and proxy
    # do not change which outbox queue it is, and it stays hashable with a headers dict.
    other = d.Destination("otlp", "https://o.example/t", headers={"a": "1"}, verify="/ca.pem",
                          proxy="https://p.example")
    assert dest == other and hash(dest) == hash(other)
    assert dest != d.Destination("otlp", "https://o.example/t", timeout=3.0)


def test_safe_url_without_a_host():
    assert d.safe_url("https:///p?q") == "https:///p"
    assert d.safe_url("file:///etc/x") == "file:///etc/x"


def test_a_base_url_path_is_kept_up_to_its_slashes(tmp_path):
    spans, scores = d.destinations(lf(tmp_path, url="https://lf.example.org/sub/X//"))
    assert spans.url == "https://lf.example.org/sub/X/api/public/otel/v1/traces"
    assert scores.url == "https://lf.example.org/sub/X/api/public/scores"
    assert d.langfuse_url("https://h.example/X/") == "https://h.example/X/api/public/otel/v1/traces"
