"""Findings: what cctrace concluded about a session (risky actions, coverage gaps, tampering,
untrusted destinations), stored locally and exported as Langfuse scores.

`Finding` is the one shape every producer (rules, audit/coverage, destination trust) emits.
Ids are deterministic (producer + stable key), so re-evaluating anything never duplicates a
finding, and Langfuse upserts a score sent twice with the same id.
"""

from __future__ import annotations

import hashlib
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
    tags: list[str] = field(default_factory=list)  # MITRE ATT&CK / OWASP ids
    detail: dict[str, Any] = field(default_factory=dict)
    # Extra Langfuse scores to send besides the severity/risk pair, e.g.
    # {"cctrace.coverage": 0.75} or {"cctrace.tamper": 1}.
    scores: dict[str, float] = field(default_factory=dict)


def finding_id(producer: str, *key: str) -> str:
    """Deterministic 16-hex id from the producer and a stable key (tool_use_id, seq...)."""
    raw = "\x1f".join((producer, *key))
    return hashlib.sha256(f"cctrace:finding:{raw}".encode()).hexdigest()[:16]
