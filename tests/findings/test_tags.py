"""One tag style on every finding: the rule packs' (`attack.T…`, `owasp-llm.LLM…`,
`owasp-asi.…`, lowercase labels), for what every producer emits now and, on display, for
findings stored with an older spelling."""

from __future__ import annotations

import pytest

from cctrace.audit import coverage
from cctrace.findings import TAG_STYLE, Finding, finding_id, normalize_tag
from cctrace.rules import load_ruleset
from cctrace.security import envcheck
from cctrace.store.db import Store


@pytest.mark.parametrize(("old", "new"), [
    ("ATT&CK:T1562.001", "attack.T1562.001"), ("MITRE-T1567", "attack.T1567"),
    ("T1041", "attack.T1041"), ("OWASP-LLM02", "owasp-llm.LLM02"),
    ("OWASP-ASI-T9", "owasp-asi.T9"), ("OWASP-ASI01", "owasp-asi.ASI01"),
    ("attack.T1552.001", "attack.T1552.001"), ("owasp-llm.LLM01", "owasp-llm.LLM01"),
    ("egress", "egress"),
])
def test_older_spellings_become_the_one_style(old, new):
    assert normalize_tag(old) == new and TAG_STYLE.match(new)


def test_every_producer_uses_the_one_style():
    tags = {t for r in load_ruleset().rules for t in r.tags}
    tags |= set(envcheck.TAGS) | {coverage.EVASION}
    assert len(tags) > 40
    assert sorted(t for t in tags if not TAG_STYLE.match(t)) == []


def test_stored_findings_with_old_tags_are_shown_in_the_one_style(tmp_path):
    old = Finding(id=finding_id("destination", "x"), kind="destination",
                  rule_id="destination.untrusted_env", severity="high", title="t",
                  time_ns=1, session_id="s1",
                  tags=["OWASP-LLM02", "OWASP-ASI-T9", "MITRE-T1567", "attack.T1567"])
    with Store.open(str(tmp_path)) as store:
        store.add_findings([old])
        (shown,) = store.findings()
    assert shown.tags == ["owasp-llm.LLM02", "owasp-asi.T9", "attack.T1567"]
