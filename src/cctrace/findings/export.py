"""Findings on the wire: Langfuse scores through the outbox, event spans for collectors.

Towards Langfuse each finding becomes scores (`POST /api/public/scores`, one JSON object a
request): `cctrace.severity` (categorical), `cctrace.risk` (numeric 0..1) and the
finding's own `scores` (`cctrace.tamper` boolean, others numeric), attached to the
observation, else the trace, else the session. Score ids are derived from the finding id,
so a re-send is an upsert, never a duplicate. Towards a plain OTLP collector, which has no
scores, a finding of severity low or worse travels as an `event` span carrying
`cctrace.finding.*` metadata. A store-wide finding (about no session and no trace: an
agent's erasure or change of cctrace, `audit.agent_tamper`; a spool gap) has a trace of its
own, `own_trace_id`, sent to Langfuse too (its scores hang on it) with no session, so that
nothing a purge of a session deletes there (the session's trace ids, its session scores)
reaches it; its span carries the finding's `WIDE_DETAIL` keys, nothing else of it.
Everything goes through the durable outbox, like spans.
"""

from __future__ import annotations

import json
from typing import Any

from cctrace.config import Config
from cctrace.export.destinations import LANGFUSE, SCORES, SPANS, destinations
from cctrace.export.encode import batches
from cctrace.export.spans import make_resource, sanitize_environment
from cctrace.findings import RISK, Finding
from cctrace.model import ids
from cctrace.model.types import Observation, Trace

BOOLEAN_SCORES = frozenset({"cctrace.tamper"})
LEVEL = {"info": "DEFAULT", "low": "DEFAULT", "medium": "WARNING", "high": "ERROR",
         "critical": "ERROR"}
# What a store-wide finding's own trace says of its detail: which command, about which
# sessions, why it looked like an agent's and who ran it (`audit.agent_tamper`), which
# spool events are missing (`tamper.spool_gap`). Ids and words the finding already holds.
WIDE_DETAIL = ("action", "sessions", "reasons", "by", "from", "to", "missing")
WIDE_TRACE = "cctrace finding"


def store_wide(finding: Finding) -> bool:
    """About no session and no trace: the finding travels in a trace of its own."""
    return not finding.trace_id and not finding.session_id


def own_trace_id(finding: Finding) -> str:
    """The trace a finding's event span joins when it is about no stored trace."""
    return ids.trace_id(f"findings:{finding.session_id or finding.id}")


def wide_detail(finding: Finding) -> dict[str, Any]:
    """The `WIDE_DETAIL` part of a store-wide finding's detail (empty for any other)."""
    if not store_wide(finding):
        return {}
    return {k: finding.detail[k] for k in WIDE_DETAIL if k in finding.detail}


def score_bodies(finding: Finding, environment: str = "default") -> list[dict[str, Any]]:
    """The Langfuse score objects for one finding: on its observation, else its trace,
    else its session, else (store-wide) its own trace."""
    target: dict[str, Any] = {}
    if finding.trace_id:
        target["traceId"] = finding.trace_id
        if finding.observation_id:
            target["observationId"] = finding.observation_id
    elif finding.session_id:
        target["sessionId"] = finding.session_id
    else:
        target["traceId"] = own_trace_id(finding)
    meta = {"finding_id": finding.id, "rule_id": finding.rule_id, "kind": finding.kind,
            "tags": list(finding.tags), **wide_detail(finding)}
    common = {**target, "environment": sanitize_environment(environment), "metadata": meta}
    out = [
        {"id": f"{finding.id}-severity", "name": "cctrace.severity", "value": finding.severity,
         "dataType": "CATEGORICAL", "comment": finding.title, **common},
        {"id": f"{finding.id}-risk", "name": "cctrace.risk", "value": RISK[finding.severity],
         "dataType": "NUMERIC", "comment": finding.title, **common},
    ]
    for name, value in sorted(finding.scores.items()):
        boolean = name in BOOLEAN_SCORES
        out.append({"id": f"{finding.id}-{name}", "name": name,
                    "value": (1 if value else 0) if boolean else float(value),
                    "dataType": "BOOLEAN" if boolean else "NUMERIC",
                    "comment": finding.title, **common})
    return out


def event_observation(finding: Finding, header: tuple[Trace, str | None] | None = None,
                      config: Config | None = None) -> tuple[Trace, Observation]:
    """The finding as an `event` span in its trace.

    With the stored trace's `header` (listing fields and root id) the span joins that trace
    as a well-formed child: under its observation, else under the root, with the trace's
    own name, tags and session. A store-wide finding's trace is its own, named
    `WIDE_TRACE`, tagged with its tags, with `config`'s user, environment and release.
    """
    trace_id = finding.trace_id or own_trace_id(finding)
    stored, root_id = header if header else (None, None)
    obs = Observation(
        id=ids.span_id("finding", finding.id), trace_id=trace_id,
        parent_id=finding.observation_id or root_id, type="event",
        name=f"finding {finding.rule_id}",
        start_ns=finding.time_ns, end_ns=finding.time_ns, level=LEVEL[finding.severity],
        status_message=finding.title,
        metadata={"cctrace.finding.id": finding.id, "cctrace.finding.kind": finding.kind,
                  "cctrace.finding.severity": finding.severity,
                  "cctrace.finding.tags": list(finding.tags), **finding.scores,
                  **{f"cctrace.finding.{k}": v for k, v in wide_detail(finding).items()}},
    )
    if stored is not None:
        stored.observations = [obs]
        return stored, obs
    trace = Trace(id=trace_id, session_id=finding.session_id or "", name=WIDE_TRACE,
                  start_ns=finding.time_ns, end_ns=finding.time_ns, observations=[obs])
    if store_wide(finding):
        trace.tags = list(finding.tags)
        if config is not None:
            trace.user_id = config.user_id
            trace.environment = config.environment
            trace.release = config.release
    return trace, obs


def enqueue_findings(store: Any, findings: list[Finding], config: Config) -> int:
    """Queue every finding for every active destination; returns outbox rows written."""
    rows = 0
    dests = destinations(config)
    for dest in (d for d in dests if d.kind == SCORES):
        for finding in findings:
            for body in score_bodies(finding, config.environment):
                store.enqueue_batch(dest.name, json.dumps(body).encode(), [body["id"]],
                                    "application/json")
                rows += 1
    # Langfuse gets scores; only a plain collector gets event spans, and only for findings
    # worth a look (info findings, such as audit checkpoints, already ride on span
    # attributes and would only add noise there). A store-wide finding's span goes to
    # Langfuse too: it is the trace its scores are on.
    collectors = [d.name for d in dests if d.kind == SPANS and d.name != LANGFUSE]
    everywhere = [d.name for d in dests if d.kind == SPANS]
    header = getattr(store, "trace_header", None)
    for names, chosen in ((collectors, [f for f in findings if f.severity != "info"
                                        and not store_wide(f)]),
                          (everywhere, [f for f in findings if store_wide(f)])):
        if not (names and chosen):
            continue
        pairs = [event_observation(f, header(f.trace_id) if header and f.trace_id else None,
                                   config) for f in chosen]
        resource = make_resource(config.environment, config.release)
        for payload, span_ids in batches([(t, [o]) for t, o in pairs], resource):
            for name in names:
                store.enqueue_batch(name, payload, span_ids)
                rows += 1
    return rows
