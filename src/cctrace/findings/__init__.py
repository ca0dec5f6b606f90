"""Findings: what cctrace concluded about a session (risky actions, coverage gaps, tampering,
untrusted destinations), stored locally and exported as Langfuse scores.

`Finding` is the one shape every producer (rules, audit/coverage, destination trust) emits.
Ids are deterministic (producer + stable key), so re-evaluating anything never duplicates a
finding, and Langfuse upserts a score sent twice with the same id.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from typing import Any

SEVERITIES = ("info", "low", "medium", "high", "critical")
# Numeric risk sent as the `cctrace.risk` score for each severity.
RISK = {"info": 0.0, "low": 0.25, "medium": 0.5, "high": 0.75, "critical": 1.0}


@dataclass
class Finding:
    """One conclusion about a session, trace or observation. `detail` is already redacted."""

    id: str  # 16 hex; use finding_id()
    kind: str  # "rule", "coverage", "tamper", "destination", ...
    rule_id: str  # e.g. "exfil.curl_upload", "coverage.missing_tool_hooks"
    severity: str  # one of SEVERITIES
    title: str
    time_ns: int
    session_id: str | None = None
    trace_id: str | None = None
    observation_id: str | None = None
    tags: list[str] = field(default_factory=list)  # TAG_STYLE: attack.T…, owasp-llm.LLM…
    detail: dict[str, Any] = field(default_factory=dict)
    # Extra Langfuse scores to send besides the severity/risk pair, e.g.
    # {"cctrace.coverage": 0.75} or {"cctrace.tamper": 1}.
    scores: dict[str, float] = field(default_factory=dict)


def finding_id(producer: str, *key: str) -> str:
    """Deterministic 16-hex id from the producer and a stable key (tool_use_id, seq...)."""
    raw = "\x1f".join((producer, *key))
    return hashlib.sha256(f"cctrace:finding:{raw}".encode()).hexdigest()[:16]


# One tag style everywhere (the rule packs'): framework ids as `attack.T1552.001`,
# `owasp-llm.LLM02`, `owasp-asi.ASI03` (or the threat ids `owasp-asi.T9`), and plain
# lowercase labels (`egress`, `private-data`, a team's `team.policy`).
TAG_STYLE = re.compile(r"^(?:attack\.T\d{4}(?:\.\d{3})?|owasp-llm\.LLM\d{2}|"
                       r"owasp-asi\.(?:ASI\d{2}|T\d{1,2})|[a-z][a-z0-9-]*(?:\.[a-z0-9-]+)*)$")
_ATTACK = re.compile(r"^(?:(?:ATT&CK|ATTACK|MITRE)[-:. ]?(?:ATT&CK[-:. ]?)?)?"
                     r"(T\d{4}(?:\.\d{3})?)$", re.I)
_OWASP_LLM = re.compile(r"^OWASP[-:. ]?LLM[-:. ]?(\d{2})$", re.I)
_OWASP_ASI = re.compile(r"^OWASP[-:. ]?ASI[-:. ]?(ASI\d{2}|T\d{1,2}|\d{2})$", re.I)


def normalize_tag(tag: str) -> str:
    """`tag` in TAG_STYLE: older spellings (`ATT&CK:T1562.001`, `MITRE-T1567`,
    `OWASP-LLM02`, `OWASP-ASI-T9`) as the rule packs write them; anything else as is."""
    if TAG_STYLE.match(tag):
        return tag
    if m := _ATTACK.match(tag):
        return f"attack.{m.group(1).upper()}"
    if m := _OWASP_LLM.match(tag):
        return f"owasp-llm.LLM{m.group(1)}"
    if m := _OWASP_ASI.match(tag):
        ident = m.group(1).upper()
        return f"owasp-asi.{'ASI' + ident if ident.isdigit() else ident}"
    return tag


def normalize_tags(tags: list[str]) -> list[str]:
    """Each tag in TAG_STYLE, duplicates dropped, order kept."""
    out: list[str] = []
    for tag in tags:
        fixed = normalize_tag(tag) if isinstance(tag, str) else tag
        if fixed not in out:
            out.append(fixed)
    return out
