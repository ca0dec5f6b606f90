"""Findings: stored once, exported as Langfuse scores and as collector event spans."""

from __future__ import annotations

import json

import pytest

from cctrace.cli.main import main
from cctrace.config import Config
from cctrace.export import outbox
from cctrace.findings import Finding, finding_id
from cctrace.findings.export import enqueue_findings, score_bodies
from cctrace.model import ids
from cctrace.store.db import Store
from support.otlp_receiver import OTLPReceiver


def _finding(sev: str = "high", **kw) -> Finding:
    base = dict(id=finding_id("rule", "exfil", "toolu_1"), kind="rule", rule_id="exfil.curl",
                severity=sev, title="secret file sent out", time_ns=1_700_000_000 * 10**9,
                session_id="sess-1", trace_id="ab" * 16, observation_id="cd" * 8,
                tags=["attack.T1041"], detail={"command": "curl -d @.env"})
    base.update(kw)
    return Finding(**base)


def test_store_ignores_duplicates_and_filters(tmp_path):
    with Store.open(str(tmp_path)) as store:
        first = _finding()
        low = _finding("low", id=finding_id("rule", "other"), rule_id="other")
        assert store.add_findings([first, low]) == [first, low]
        assert store.add_findings([first]) == []
        assert [f.id for f in store.findings(severity="medium")] == [first.id]
        assert store.findings(session_id="nope") == []
        (back,) = store.findings(kind="rule", severity="high")
        assert back.detail == first.detail and back.tags == ["attack.T1041"]
        with pytest.raises(ValueError):
            store.add_findings([_finding("severe", id="x")])


def test_score_bodies_target_and_types():
    bodies = score_bodies(_finding(scores={"cctrace.tamper": 1, "cctrace.coverage": 0.5}))
    by_name = {b["name"]: b for b in bodies}
    assert by_name["cctrace.severity"]["value"] == "high"
    assert by_name["cctrace.severity"]["dataType"] == "CATEGORICAL"
    assert by_name["cctrace.risk"]["value"] == 0.75
    assert by_name["cctrace.tamper"] == {**by_name["cctrace.tamper"], "value": 1,
                                         "dataType": "BOOLEAN"}
    assert by_name["cctrace.coverage"]["dataType"] == "NUMERIC"
    assert all(b["traceId"] == "ab" * 16 and b["observationId"] == "cd" * 8 for b in bodies)
    assert len({b["id"] for b in bodies}) == len(bodies)
    session_only = score_bodies(_finding(trace_id=None, observation_id=None))
    assert all(b["sessionId"] == "sess-1" and "traceId" not in b for b in session_only)
    # About no session and no trace (store-wide): on a trace of its own.
    wide = _finding(trace_id=None, session_id=None, observation_id=None)
    assert {(b["traceId"], "sessionId" in b, "observationId" in b)
            for b in score_bodies(wide)} == {(ids.trace_id(f"findings:{wide.id}"), False,
                                              False)}


def test_scores_reach_langfuse_and_events_reach_a_collector(tmp_path):
    with OTLPReceiver() as recv, Store.open(str(tmp_path)) as store:
        cfg = Config(state_dir=str(tmp_path), langfuse_base_url=recv.base_url,
                     langfuse_public_key="pk-lf-t", langfuse_secret_key="sk-lf-t",
                     otlp_endpoint=recv.endpoint)
        assert enqueue_findings(store, [_finding()], cfg) == 3  # 2 scores + 1 span batch
        assert outbox.flush(store, cfg, timeout=10).ok
        names = sorted(s["name"] for s in recv.scores())
        assert names == ["cctrace.risk", "cctrace.severity"]
        (span,) = recv.spans()
        assert span["attributes"]["langfuse.observation.type"] == "event"
        assert span["parent_span_id"] == "cd" * 8
        # Langfuse got no event span: only the collector path carries one.
        assert all(r.path != "/api/public/otel/v1/traces" for r in recv.requests)


def test_findings_cli(capsys, _isolated_state):
    with Store.open(str(_isolated_state)) as store:
        store.add_findings([_finding(session_id=None)])
    assert main(["findings", "--severity", "high"]) == 0
    assert "exfil.curl: secret file sent out" in capsys.readouterr().out
    assert main(["findings", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)[0]["rule_id"] == "exfil.curl"
    assert main(["findings", "--session", "zzz"]) == 1


def test_info_findings_send_scores_but_no_collector_span(tmp_path):
    with Store.open(str(tmp_path)) as store:
        cfg = Config(state_dir=str(tmp_path), langfuse_base_url="http://127.0.0.1:9",
                     langfuse_public_key="pk-lf-t", langfuse_secret_key="sk-lf-t",
                     otlp_endpoint="http://127.0.0.1:9/v1/traces")
        assert enqueue_findings(store, [_finding("info")], cfg) == 2
        assert {b.destination for b in store.due_batches(None, 2**62)} == {"langfuse-scores"}


def test_findings_cli_lists_the_worst_first_and_info_only_with_all(capsys, _isolated_state):
    t = 1_700_000_000 * 10**9
    with Store.open(str(_isolated_state)) as store:
        store.add_findings([
            _finding("info", id=finding_id("audit", "1"), rule_id="audit.checkpoint",
                     title="audit checkpoint 1: 9 entries sealed", time_ns=t + 3),
            _finding("medium", id=finding_id("rule", "m"), rule_id="m.rule", title="m",
                     time_ns=t + 2),
            _finding("high", id=finding_id("rule", "h"), rule_id="h.rule", title="h",
                     time_ns=t + 1)])
    assert main(["findings"]) == 0
    rules = [line.split()[4] for line in capsys.readouterr().out.splitlines()]
    assert rules == ["h.rule:", "m.rule:"]
    assert main(["findings", "--all"]) == 0
    rules = [line.split()[4] for line in capsys.readouterr().out.splitlines()]
    assert rules == ["h.rule:", "m.rule:", "audit.checkpoint:"]


def _agent_tamper() -> Finding:
    """A store-wide finding as `audit.selferase` makes it (no session, no trace)."""
    return Finding(id=finding_id("tamper", "purge"), kind="tamper", rule_id="audit.agent_tamper",
                   severity="high", title="`cctrace purge --session sess-1` run as if by an "
                   "agent: session sess-1 is still running", time_ns=1_700_000_000 * 10**9,
                   tags=["tamper"], scores={"cctrace.tamper": 1.0},
                   detail={"action": "cctrace purge --session sess-1", "by": "ann",
                           "reasons": ["session sess-1 is still running"],
                           "sessions": ["sess-1"], "extra": "never sent"})


def test_a_store_wide_finding_reaches_langfuse_as_its_own_trace_with_its_scores(tmp_path):
    found = _agent_tamper()
    own = ids.trace_id(f"findings:{found.id}")
    with OTLPReceiver() as recv, Store.open(str(tmp_path)) as store:
        cfg = Config(state_dir=str(tmp_path), langfuse_base_url=recv.base_url,
                     langfuse_public_key="pk-lf-t", langfuse_secret_key="sk-lf-t",
                     otlp_endpoint=recv.endpoint, user_id="ann@example.org",
                     environment="prod")
        # 3 scores, one span batch to Langfuse, the same to the collector.
        assert enqueue_findings(store, [found], cfg) == 5
        assert outbox.flush(store, cfg, timeout=10).ok
        scores = recv.scores()
        assert sorted((s["name"], s["value"], s["traceId"]) for s in scores) == [
            ("cctrace.risk", 0.75, own), ("cctrace.severity", "high", own),
            ("cctrace.tamper", 1, own)]
        assert all("sessionId" not in s and "observationId" not in s for s in scores)
        assert scores[0]["metadata"] == {
            "finding_id": found.id, "rule_id": "audit.agent_tamper", "kind": "tamper",
            "tags": ["tamper"], "action": "cctrace purge --session sess-1", "by": "ann",
            "reasons": ["session sess-1 is still running"], "sessions": ["sess-1"]}
        by_path = {r.path: r.spans for r in recv.requests if r.spans}
        assert sorted(by_path) == ["/api/public/otel/v1/traces", "/v1/traces"]
        for spans in by_path.values():
            (span,) = spans
            assert (span["trace_id"], span["parent_span_id"], span["name"]) == (
                own, None, "finding audit.agent_tamper")
            attrs = span["attributes"]
            meta = {k[len("langfuse.observation.metadata."):]: v for k, v in attrs.items()
                    if k.startswith("langfuse.observation.metadata.")}
            assert meta == {
                "cctrace.finding.id": f'"{found.id}"', "cctrace.finding.kind": '"tamper"',
                "cctrace.finding.severity": '"high"', "cctrace.finding.tags": '["tamper"]',
                "cctrace.tamper": "1.0",
                "cctrace.finding.action": '"cctrace purge --session sess-1"',
                "cctrace.finding.by": '"ann"',
                "cctrace.finding.reasons": '["session sess-1 is still running"]',
                "cctrace.finding.sessions": '["sess-1"]'}
            assert (attrs["langfuse.trace.name"], attrs["langfuse.trace.tags"],
                    attrs["langfuse.user.id"], attrs["langfuse.environment"],
                    attrs["langfuse.observation.level"],
                    attrs["langfuse.observation.status_message"]) == (
                "cctrace finding", ["tamper"], "ann@example.org", "prod", "ERROR", found.title)
            # No session to group it under, so nothing a session's erasure deletes.
            assert "langfuse.session.id" not in attrs and "session.id" not in attrs
            assert "never sent" not in json.dumps(attrs)


def test_a_store_wide_info_finding_still_gets_the_trace_its_scores_are_on(tmp_path):
    with Store.open(str(tmp_path)) as store:
        cfg = Config(state_dir=str(tmp_path), langfuse_base_url="http://127.0.0.1:9",
                     langfuse_public_key="pk-lf-t", langfuse_secret_key="sk-lf-t")
        wide = _finding("info", trace_id=None, session_id=None, observation_id=None)
        assert enqueue_findings(store, [wide], cfg) == 3
        assert sorted(b.destination for b in store.due_batches(None, 2**62)) == [
            "langfuse", "langfuse-scores", "langfuse-scores"]
