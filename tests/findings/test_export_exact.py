"""Findings on the wire, value by value: every Langfuse score body, the event span a
collector gets (its level, parent, trace and metadata), the trace a store-wide finding has
of its own, and which outbox rows `enqueue_findings` writes for which destination.

The outbox side uses a recording store, so each row (destination, body, ids, content type)
is compared whole; the span payloads are decoded as a collector decodes them."""

from __future__ import annotations

import json
from typing import Any

from cctrace.config import Config
from cctrace.findings import Finding, export, finding_id
from cctrace.model import ids
from cctrace.model.types import Trace
from support.otlp_receiver import decode_protobuf

T = 1_700_000_000 * 10**9
TRACE, OBS, ROOT = "ab" * 16, "cd" * 8, "ef" * 8


def _finding(sev: str = "high", **kw: Any) -> Finding:
    base: dict[str, Any] = dict(
        id=finding_id("rule", "exfil", "toolu_1"), kind="rule", rule_id="exfil.curl",
        severity=sev, title="secret file sent out", time_ns=T, session_id="sess-1",
        trace_id=TRACE, observation_id=OBS, tags=["attack.T1041"],
        detail={"command": "curl -d @.env", "action": "not sent: has a session"})
    base.update(kw)
    return Finding(**base)


def _wide(sev: str = "high", **kw: Any) -> Finding:
    """About no session and no trace, with every `WIDE_DETAIL` key and one more."""
    detail = {"action": "cctrace purge --all", "sessions": ["s1"], "reasons": ["r"],
              "by": "ann", "from": 3, "to": 7, "missing": [4, 5], "command": "never sent"}
    return _finding(sev, id=finding_id("tamper", "x"), kind="tamper",
                    rule_id="audit.agent_tamper", title="purge as if by an agent",
                    session_id=None, trace_id=None, observation_id=None, tags=["tamper"],
                    detail=detail, scores={"cctrace.tamper": 1.0}, **kw)


WIDE_META = {"action": "cctrace purge --all", "sessions": ["s1"], "reasons": ["r"],
             "by": "ann", "from": 3, "to": 7, "missing": [4, 5]}


# -- which findings are store-wide, and what of their detail travels

def test_store_wide_means_no_session_and_no_trace():
    assert export.store_wide(_finding(trace_id=None, session_id=None)) is True
    assert export.store_wide(_finding(trace_id=None)) is False
    assert export.store_wide(_finding(session_id=None)) is False
    assert export.store_wide(_finding(trace_id="", session_id="")) is True


def test_own_trace_is_keyed_by_the_session_else_the_finding():
    f = _finding(trace_id=None)
    assert export.own_trace_id(f) == ids.trace_id("findings:sess-1")
    wide = _wide()
    assert export.own_trace_id(wide) == ids.trace_id(f"findings:{wide.id}")
    assert export.own_trace_id(f) != export.own_trace_id(wide)


def test_wide_detail_is_the_listed_keys_of_a_store_wide_finding_only():
    assert export.wide_detail(_wide()) == WIDE_META
    assert list(export.wide_detail(_wide())) == list(export.WIDE_DETAIL)
    assert export.wide_detail(_finding()) == {}
    assert export.wide_detail(_finding(trace_id=None)) == {}
    assert export.wide_detail(_finding(trace_id=None, session_id=None, detail={})) == {}
    assert export.wide_detail(_finding(trace_id=None, session_id=None,
                                       detail={"by": "bo", "x": 1})) == {"by": "bo"}


# -- Langfuse scores

def test_score_bodies_whole_on_an_observation():
    f = _finding("medium", scores={"cctrace.tamper": 0, "cctrace.coverage": 1})
    meta = {"finding_id": f.id, "rule_id": "exfil.curl", "kind": "rule",
            "tags": ["attack.T1041"]}
    common = {"traceId": TRACE, "observationId": OBS, "environment": "prod-eu",
              "metadata": meta, "comment": "secret file sent out"}
    bodies = export.score_bodies(f, "Prod EU")
    assert bodies == [
        {"id": f"{f.id}-severity", "name": "cctrace.severity", "value": "medium",
         "dataType": "CATEGORICAL", **common},
        {"id": f"{f.id}-risk", "name": "cctrace.risk", "value": 0.5, "dataType": "NUMERIC",
         **common},
        # sorted by name; a numeric score is a float, a boolean one 0 or 1
        {"id": f"{f.id}-cctrace.coverage", "name": "cctrace.coverage", "value": 1.0,
         "dataType": "NUMERIC", **common},
        {"id": f"{f.id}-cctrace.tamper", "name": "cctrace.tamper", "value": 0,
         "dataType": "BOOLEAN", **common},
    ]
    assert type(bodies[2]["value"]) is float and type(bodies[3]["value"]) is int
    assert export.score_bodies(f)[0]["environment"] == "default"


def test_a_true_boolean_score_is_1():
    (*_, tamper) = export.score_bodies(_finding(scores={"cctrace.tamper": 0.5}))
    assert (tamper["value"], tamper["dataType"]) == (1, "BOOLEAN")


def test_score_targets_trace_else_session_else_own_trace():
    def target(f: Finding) -> set[tuple[Any, ...]]:
        return {(b.get("traceId"), b.get("observationId"), b.get("sessionId"))
                for b in export.score_bodies(f)}

    assert target(_finding()) == {(TRACE, OBS, None)}
    assert target(_finding(observation_id=None)) == {(TRACE, None, None)}
    # an observation id without a trace id is not a target: Langfuse needs the trace
    assert target(_finding(trace_id=None)) == {(None, None, "sess-1")}
    wide = _wide()
    assert target(wide) == {(ids.trace_id(f"findings:{wide.id}"), None, None)}


def test_a_store_wide_findings_scores_carry_its_wide_detail():
    wide = _wide("critical")
    bodies = export.score_bodies(wide)
    assert [(b["name"], b["value"]) for b in bodies] == [
        ("cctrace.severity", "critical"), ("cctrace.risk", 1.0), ("cctrace.tamper", 1)]
    assert all(b["metadata"] == {"finding_id": wide.id, "rule_id": "audit.agent_tamper",
                                 "kind": "tamper", "tags": ["tamper"], **WIDE_META}
               for b in bodies)
    assert "never sent" not in json.dumps(bodies)
    assert "not sent" not in json.dumps(export.score_bodies(_finding()))


# -- the event span

def test_level_per_severity():
    assert {sev: export.event_observation(_finding(sev))[1].level
            for sev in ("info", "low", "medium", "high", "critical")} == {
        "info": "DEFAULT", "low": "DEFAULT", "medium": "WARNING", "high": "ERROR",
        "critical": "ERROR"}


def test_event_span_joins_its_stored_trace_under_its_observation():
    f = _finding("low")
    stored = Trace(id=TRACE, session_id="sess-1", name="turn 3", start_ns=1, end_ns=2,
                   tags=["t"], user_id="u")
    trace, obs = export.event_observation(f, (stored, ROOT))
    assert trace is stored and trace.observations == [obs]
    assert (trace.name, trace.tags, trace.user_id) == ("turn 3", ["t"], "u")
    assert obs.__dict__ == {
        "id": ids.span_id("finding", f.id), "trace_id": TRACE, "parent_id": OBS,
        "type": "event", "name": "finding exfil.curl", "start_ns": T, "end_ns": T,
        "input": None, "output": None, "level": "DEFAULT",
        "status_message": "secret file sent out", "model": None, "model_parameters": None,
        "usage": None, "cost": None, "completion_start_ns": None,
        "metadata": {"cctrace.finding.id": f.id, "cctrace.finding.kind": "rule",
                     "cctrace.finding.severity": "low",
                     "cctrace.finding.tags": ["attack.T1041"]}}


def test_event_span_without_an_observation_hangs_under_the_root():
    stored = Trace(id=TRACE, session_id="sess-1", name="turn", start_ns=1, end_ns=2)
    _, obs = export.event_observation(_finding(observation_id=None), (stored, ROOT))
    assert (obs.parent_id, obs.trace_id) == (ROOT, TRACE)
    _, obs = export.event_observation(_finding(observation_id=None), (stored, None))
    assert obs.parent_id is None


def test_a_finding_whose_trace_is_not_stored_gets_a_plain_trace_of_its_own():
    f = _finding("medium", trace_id=None, observation_id=None, scores={"cctrace.x": 0.5})
    cfg = Config(state_dir="/nowhere", user_id="ann", environment="prod", release="1.2")
    trace, obs = export.event_observation(f, None, cfg)
    own = ids.trace_id("findings:sess-1")
    assert (trace.id, trace.session_id, trace.name, trace.start_ns, trace.end_ns) == (
        own, "sess-1", "cctrace finding", T, T)
    # not store-wide: the config's user and the finding's tags are not the trace's
    assert (trace.tags, trace.user_id, trace.environment, trace.release) == (
        [], None, "default", None)
    assert trace.observations == [obs]
    assert (obs.trace_id, obs.parent_id, obs.level) == (own, None, "WARNING")
    assert obs.metadata == {"cctrace.finding.id": f.id, "cctrace.finding.kind": "rule",
                            "cctrace.finding.severity": "medium",
                            "cctrace.finding.tags": ["attack.T1041"], "cctrace.x": 0.5}


def test_a_store_wide_findings_trace_has_its_tags_and_the_configs_user():
    wide = _wide()
    cfg = Config(state_dir="/nowhere", user_id="ann", environment="prod", release="1.2")
    trace, obs = export.event_observation(wide, None, cfg)
    assert (trace.id, trace.session_id, trace.name, trace.tags, trace.user_id,
            trace.environment, trace.release) == (
        ids.trace_id(f"findings:{wide.id}"), "", "cctrace finding", ["tamper"], "ann",
        "prod", "1.2")
    assert trace.tags is not wide.tags
    assert obs.metadata == {
        "cctrace.finding.id": wide.id, "cctrace.finding.kind": "tamper",
        "cctrace.finding.severity": "high", "cctrace.finding.tags": ["tamper"],
        "cctrace.tamper": 1.0, **{f"cctrace.finding.{k}": v for k, v in WIDE_META.items()}}
    bare, _ = export.event_observation(wide)
    assert (bare.tags, bare.user_id, bare.environment, bare.release) == (
        ["tamper"], None, "default", None)


# -- the outbox rows

class Recorder:
    """A store that records each outbox row, and knows one stored trace."""

    def __init__(self, traces: dict[str, tuple[Trace, str | None]] | None = None) -> None:
        self.rows: list[tuple[Any, ...]] = []
        self.traces = traces or {}
        self.asked: list[str] = []

    def enqueue_batch(self, destination: str, payload: bytes, ids_: list[str],
                      content_type: str = "application/x-protobuf") -> None:
        self.rows.append((destination, payload, list(ids_), content_type))

    def trace_header(self, trace_id: str) -> tuple[Trace, str | None] | None:
        self.asked.append(trace_id)
        return self.traces.get(trace_id)


def _config(langfuse: bool = True, otlp: bool = True) -> Config:
    kw: dict[str, Any] = {}
    if langfuse:
        kw.update(langfuse_base_url="http://127.0.0.1:9", langfuse_public_key="pk-lf-t",
                  langfuse_secret_key="sk-lf-t")
    if otlp:
        kw.update(otlp_endpoint="http://127.0.0.1:9/v1/traces")
    return Config(state_dir="/nowhere", environment="Prod", release="r7", user_id="ann", **kw)


def _scores(rows: list[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
    return [(d, json.loads(p), i, c) for d, p, i, c in rows if d == "langfuse-scores"]


def _spans(rows: list[tuple[Any, ...]]) -> list[tuple[str, list[dict[str, Any]], list[str]]]:
    return [(d, decode_protobuf(p), i) for d, p, i, _ in rows if d != "langfuse-scores"]


def test_scores_go_to_langfuse_one_body_a_row_and_a_span_to_the_collector_only():
    f = _finding("high", scores={"cctrace.tamper": 1})
    store = Recorder()
    cfg = _config()
    assert export.enqueue_findings(store, [f], cfg) == 4
    assert _scores(store.rows) == [("langfuse-scores", b, [b["id"]], "application/json")
                                   for b in export.score_bodies(f, "Prod")]
    assert [b["environment"] for _, b, _, _ in _scores(store.rows)] == ["prod"] * 3
    ((dest, spans, span_ids),) = _spans(store.rows)
    assert (dest, span_ids) == ("otlp", [ids.span_id("finding", f.id)])
    (span,) = spans
    assert (span["trace_id"], span["parent_span_id"], span["name"], span["span_id"]) == (
        TRACE, OBS, "finding exfil.curl", ids.span_id("finding", f.id))
    assert (span["resource"]["langfuse.environment"], span["resource"]["langfuse.release"]
            ) == ("prod", "r7")
    assert store.asked == [TRACE]
    assert store.rows[-1][3] == "application/x-protobuf"


def test_a_stored_trace_names_the_collectors_span():
    stored = Trace(id=TRACE, session_id="sess-1", name="turn 9", start_ns=1, end_ns=2)
    store = Recorder({TRACE: (stored, ROOT)})
    assert export.enqueue_findings(store, [_finding(observation_id=None)], _config()) == 3
    ((_, (span,), _),) = _spans(store.rows)
    assert (span["parent_span_id"], span["attributes"]["langfuse.trace.name"]) == (
        ROOT, "turn 9")


def test_a_store_without_trace_headers_still_sends_the_span():
    class Plain:
        def __init__(self) -> None:
            self.rows: list[tuple[Any, ...]] = []

        def enqueue_batch(self, *row: Any) -> None:
            self.rows.append(row)

    store = Plain()
    assert export.enqueue_findings(store, [_finding(observation_id=None)], _config()) == 3
    (span_row,) = [r for r in store.rows if r[0] == "otlp"]
    (span,) = decode_protobuf(span_row[1])
    assert (span["trace_id"], span["parent_span_id"]) == (TRACE, None)
    assert span["attributes"]["langfuse.trace.name"] == "cctrace finding"


def test_no_header_is_asked_for_a_finding_without_a_trace():
    store = Recorder()
    f = _finding("low", trace_id=None, observation_id=None)
    assert export.enqueue_findings(store, [f], _config()) == 3
    assert store.asked == []
    ((dest, (span,), _),) = _spans(store.rows)
    assert (dest, span["trace_id"]) == ("otlp", ids.trace_id("findings:sess-1"))


def test_info_findings_get_no_collector_span_and_store_wide_ones_go_everywhere():
    info, low, wide = _finding("info"), _finding("low", id="1" * 16), _wide("info")
    store = Recorder()
    # scores: 2 + 2 + 3; the collector's batch holds `low`; the wide one's batch goes to
    # Langfuse and the collector
    assert export.enqueue_findings(store, [info, low, wide], _config()) == 10
    assert [(r[0], r[2]) for r in store.rows][7:] == [
        ("otlp", [ids.span_id("finding", low.id)]),
        ("langfuse", [ids.span_id("finding", wide.id)]),
        ("otlp", [ids.span_id("finding", wide.id)])]
    (_, (span,), _) = _spans(store.rows)[1]
    assert (span["trace_id"], span["attributes"]["langfuse.trace.tags"],
            span["attributes"]["langfuse.user.id"],
            span["attributes"]["langfuse.observation.level"]) == (
        ids.trace_id(f"findings:{wide.id}"), ["tamper"], "ann", "DEFAULT")


def test_without_a_collector_a_session_finding_sends_scores_only():
    store = Recorder()
    assert export.enqueue_findings(store, [_finding()], _config(otlp=False)) == 2
    assert [r[0] for r in store.rows] == ["langfuse-scores", "langfuse-scores"]
    assert store.asked == []


def test_without_langfuse_a_store_wide_finding_still_reaches_the_collector():
    store = Recorder()
    wide = _wide()
    assert export.enqueue_findings(store, [wide], _config(langfuse=False)) == 1
    ((dest, (span,), span_ids),) = _spans(store.rows)
    assert (dest, span_ids, span["name"]) == (
        "otlp", [ids.span_id("finding", wide.id)], "finding audit.agent_tamper")


def test_nothing_configured_or_nothing_found_writes_no_row():
    store = Recorder()
    assert export.enqueue_findings(store, [_finding(), _wide()],
                                   _config(langfuse=False, otlp=False)) == 0
    assert export.enqueue_findings(store, [], _config()) == 0
    assert store.rows == [] and store.asked == []
