"""`cctrace verify` proves the store: rows changed, deleted or added with sqlite3 behind
cctrace's back are named, agreed deletions (purge, retention) are not."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3

import pytest

from cctrace.cli.main import main
from cctrace.config import Config
from cctrace.store.db import Store
from cctrace.worker import pipeline
from support import replay


@pytest.fixture
def worked(tmp_path, _isolated_state):
    """A store filled by the real worker path: hook events, traces, findings."""
    state = str(_isolated_state)
    env = dict(os.environ, CCTRACE_HOME=state,
               CCTRACE_WORKER_PYTHON=shutil.which("true") or "/bin/true")
    replay.spool_fixture("multi_turn", tmp_path / "t", env)
    pipeline.drain(state, Config(state_dir=state))
    return state


def _verify(capsys) -> tuple[int, dict]:
    code = main(["verify", "--json"])
    return code, json.loads(capsys.readouterr().out)


def _sql(state: str, *statements: str) -> None:
    conn = sqlite3.connect(os.path.join(state, "cctrace.db"))
    for sql in statements:
        conn.execute(sql)
    conn.commit()
    conn.close()


def _store_damage(out: dict) -> list[dict]:
    return [d for d in out["damage"] if d["target"] == "store"]


def test_an_untouched_store_verifies(worked, capsys):
    code, out = _verify(capsys)
    assert code == 0 and out["damage"] == [] and out["store_rows"] > 20
    with Store.open(worked) as store:
        kinds = {r[0] for r in store._read("SELECT DISTINCT type FROM observations")}
        assert store.findings() and "tool" in kinds
    assert main(["verify"]) == 0
    assert "the store matches it" in capsys.readouterr().out


def test_deleting_bash_observations_and_all_findings_is_named(worked, capsys):
    with Store.open(worked) as store:
        bash = {r[0] for r in store._read("SELECT id FROM observations WHERE name = 'Bash'")}
        findings = {f.id for f in store.findings() if f.rule_id != "audit.checkpoint"}
    assert bash and findings
    _sql(worked, "DELETE FROM observations WHERE name = 'Bash'", "DELETE FROM findings")
    code, out = _verify(capsys)
    assert code == 1
    deleted = {d["message"].split()[2] for d in _store_damage(out) if d["kind"] == "deleted"}
    assert bash <= deleted and findings <= deleted
    assert all("Bash" in d["message"] for d in _store_damage(out)
               if d["message"].startswith("observations"))


def test_a_cost_multiplied_by_1000_is_named(tmp_path, _isolated_state, capsys):
    worked = str(_isolated_state)
    src = tmp_path / "projects"
    shutil.copytree(replay.FIXTURES / "v2_0_77_multi_turn", src,  # a priced model
                    ignore=shutil.ignore_patterns("hooks.jsonl", "runs"))
    assert main(["import", str(src), "--quiet", "--live-minutes", "0"]) == 0
    capsys.readouterr()
    with Store.open(worked) as store:
        (gen,) = store._read("SELECT id FROM observations WHERE cost_total > 0 LIMIT 1")
    _sql(worked, f"UPDATE observations SET cost_total = cost_total * 1000 WHERE id = '{gen[0]}'")
    code, out = _verify(capsys)
    assert code == 1
    assert [(d["kind"], d["message"].split()[2]) for d in _store_damage(out)] == [
        ("changed", gen[0])]


def test_edited_content_and_an_added_row_are_named(worked, capsys):
    with Store.open(worked) as store:
        (obs,) = store._read("SELECT * FROM observations WHERE type = 'tool' LIMIT 1")
        (ev,) = store._read("SELECT seq FROM hook_events LIMIT 1")
    _sql(worked,
         f"UPDATE observations SET input = 'enc1:AAAA' WHERE id = '{obs['id']}'",
         f"UPDATE hook_events SET event = 'Stop' WHERE seq = {ev[0]}",
         "INSERT INTO findings (id, kind, rule_id, severity, severity_rank, title, time_ns)"
         " VALUES ('planted', 'rule', 'x', 'info', 0, 'nothing to see', 1)")
    code, out = _verify(capsys)
    found = {(d["kind"], d["message"].split()[0], d["message"].split()[2].rstrip(":"))
             for d in _store_damage(out)}
    assert code == 1 and found == {("changed", "observations", obs["id"]),
                                   ("changed", "hook_events", str(ev[0])),
                                   ("added", "findings", "planted")}


def test_purge_and_retention_are_agreed_deletions(worked, capsys):
    with Store.open(worked) as store:
        (session,) = [s.id for s in store.sessions()]
    assert main(["purge", "--session", session, "--local-only"]) == 0
    capsys.readouterr()
    code, out = _verify(capsys)
    assert code == 0, out["damage"]


def test_retention_is_an_agreed_deletion(worked, capsys):
    import time

    from cctrace.security import retention

    with Store.open(worked) as store:
        report = retention.maybe_enforce(
            worked, store, Config(state_dir=worked, raw={"retention": {"days": 1}}),
            now_ns=time.time_ns() + 3 * 86_400 * 10**9, interval_s=0)
        assert report.deleted["traces"] and report.deleted["hook_events"]
        assert store.select_traces() == []
    code, out = _verify(capsys)
    assert code == 0, out["damage"]


def test_a_rolled_back_batch_voids_its_entries(worked, capsys, monkeypatch):
    """Entries are appended inside the batch's transaction; when it rolls back after that,
    `void` entries say so and verify does not report rows that were never stored."""
    from cctrace.findings import Finding, export
    from cctrace.worker import conclude

    def fail(*a, **kw):
        raise RuntimeError("crash after the append, before the commit")

    monkeypatch.setattr(export, "enqueue_findings", fail)
    cfg = Config(state_dir=worked)
    doomed = Finding(id="doomed", kind="rule", rule_id="r", severity="low", title="t",
                     time_ns=1, session_id="s-x")
    with Store.open(worked) as store:
        with pytest.raises(RuntimeError), store.transaction():
            conclude.record_findings(store, cfg, conclude.make_redactor(cfg), [doomed])
        assert store.findings(session_id="s-x") == []
    assert '"k":"void"' in open(os.path.join(worked, "audit", "log")).read()
    code, out = _verify(capsys)
    assert code == 0, out["damage"]


def test_raising_the_legacy_mark_does_not_hide_a_planted_row(worked, capsys):
    _sql(worked, "UPDATE store_meta SET value = 1000000 WHERE key LIKE 'legacy_rowid.%'",
         "INSERT INTO findings (id, kind, rule_id, severity, severity_rank, title, time_ns)"
         " VALUES ('planted', 'rule', 'x', 'info', 0, 'nothing to see', 1)")
    code, out = _verify(capsys)
    kinds = {(d["kind"], d["message"].split()[0]) for d in _store_damage(out)}
    assert code == 1 and ("added", "findings") in kinds and ("changed", "store_meta") in kinds


def test_a_store_cap_eviction_is_an_agreed_deletion(worked, capsys):
    from cctrace.worker import limits

    with Store.open(worked) as store:
        report = limits.enforce_store_cap(store, 1, worked)  # a 1-byte cap evicts all
        assert report.evicted_traces and store.select_traces() == []
    code, out = _verify(capsys)
    assert code == 0, out["damage"]
