"""Erasure is final: purge leaves tombstones that import, the worker and the outbox respect."""

from __future__ import annotations

import json
import shutil
import sqlite3

from cctrace.cli.main import main
from cctrace.config import Config
from cctrace.findings import Finding
from cctrace.store import tombstones
from cctrace.store.db import HookEvent, Store
from cctrace.worker import hookevents, pipeline
from cctrace.worker.conclude import record_findings
from cctrace.worker.redactors import make_redactor
from support.replay import FIXTURES


def _import(tmp_path, capsys, *extra: str) -> str:
    src = tmp_path / "projects"
    if not src.exists():
        shutil.copytree(FIXTURES / "multi_turn", src / "multi_turn",
                        ignore=shutil.ignore_patterns("hooks.jsonl", "runs"))
    assert main(["import", str(src), "--quiet", "--live-minutes", "0", *extra]) == 0
    return capsys.readouterr().out


def _reset_cursors(state: str) -> None:
    # The worst case: the cursors are gone too (a new machine, a rebuilt store).
    conn = sqlite3.connect(f"{state}/cctrace.db")
    conn.execute("DELETE FROM cursors")
    conn.commit()
    conn.close()


def test_purge_then_import_restores_nothing(tmp_path, capsys, _isolated_state):
    state = str(_isolated_state)
    _import(tmp_path, capsys)
    with Store.open(state) as store:
        (session,) = [s.id for s in store.sessions()]
        traces = [t for t, _ in store.select_traces([session])]
    assert main(["purge", "--session", session, "--local-only"]) == 0
    capsys.readouterr()
    # The purge took the transcript's read position too (its path names the session), so
    # the import reads the transcript again and the tombstones drop every turn; once more
    # with the position the import itself left removed.
    conn = sqlite3.connect(f"{state}/cctrace.db")
    assert conn.execute("SELECT path FROM cursors").fetchall() == []
    conn.close()
    for reset in (False, True):
        if reset:
            _reset_cursors(state)
        assert "0 new observation(s)" in _import(tmp_path, capsys)
        with Store.open(state) as store:
            assert store.sessions() == [] and store.select_traces() == []
            assert tombstones.erased(store, [f"trace:{t}" for t in traces] + [
                f"session:{session}"]) == {f"trace:{t}" for t in traces} | {
                f"session:{session}"}
            assert store.counters().get("tombstoned_traces") == len(traces) * (1 + reset)


def test_include_purged_restores_and_lifts_the_tombstones(tmp_path, capsys, _isolated_state):
    state = str(_isolated_state)
    _import(tmp_path, capsys)
    with Store.open(state) as store:
        (session,) = [s.id for s in store.sessions()]
        before = len(store.select_traces())
    assert main(["purge", "--session", session, "--local-only"]) == 0
    _reset_cursors(state)
    _import(tmp_path, capsys, "--include-purged")
    with Store.open(state) as store:
        assert len(store.select_traces()) == before
        assert tombstones.all_rows(store) == []
    log = open(f"{state}/audit/log").read()
    assert '"k":"unerase"' in log and f'"id":"session:{session}"' in log


def test_worker_drops_hook_events_and_findings_of_a_purged_session(_isolated_state):
    state = str(_isolated_state)
    cfg = Config(state_dir=state)
    with Store.open(state) as store:
        tombstones.add(store, ["session:s-gone"], "test")
        events = [HookEvent(1, 10, "s-gone", "Stop"), HookEvent(2, 11, "s-live", "Stop")]
        kept, dropped = tombstones.drop_events(store, events)
        assert [e.session_id for e in kept] == ["s-live"] and len(dropped) == 1
        found = [Finding(id=f"f{i}", kind="rule", rule_id="r", severity="low", title="t",
                         time_ns=1, session_id=sid) for i, sid in enumerate(("s-gone", "s-live"))]
        with store.transaction():
            assert record_findings(store, cfg, make_redactor(cfg), found) == 1
        assert [f.session_id for f in store.findings()] == ["s-live"]


def test_the_ingest_path_never_stores_a_purged_sessions_event(_isolated_state):
    from cctrace.spool import writer

    state = str(_isolated_state)
    with Store.open(state) as store:
        tombstones.add(store, ["session:s-gone"], "test")
    payload = {"session_id": "s-gone", "hook_event_name": "Stop", "cwd": "/nowhere"}
    writer.append(state, json.dumps(payload).encode(), received_ns=1, event="Stop")
    pipeline.step(state, Config(state_dir=state))
    with Store.open(state) as store:
        assert store.session_events("s-gone") == []
        assert store.counters()["tombstoned_events"] == 1
    assert hookevents.KEPT_FIELDS  # the event was slimmed before it was dropped


def test_a_planted_tombstone_is_void(_isolated_state):
    state = str(_isolated_state)
    with Store.open(state) as store:
        with store.transaction() as conn:
            conn.execute("INSERT INTO tombstones VALUES ('session:s1', 'forged', 1, '')")
        assert tombstones.erased(store, ["session:s1"]) == set()


def test_a_live_transcript_purged_then_reimported_stays_erased(tmp_path, capsys,
                                                               _isolated_state):
    """The reported bug: a recent transcript keeps its last turn open, so the next import
    re-reads that turn from its cursor and brought the purged session back."""
    state = str(_isolated_state)
    src = tmp_path / "projects"
    shutil.copytree(FIXTURES / "multi_turn", src / "multi_turn",
                    ignore=shutil.ignore_patterns("hooks.jsonl", "runs"))
    assert main(["import", str(src), "--quiet"]) == 0
    with Store.open(state) as store:
        (session,) = [s.id for s in store.sessions()]
    assert main(["purge", "--session", session, "--local-only"]) == 0
    assert main(["import", str(src), "--quiet"]) == 0
    with Store.open(state) as store:
        assert store.sessions() == []


def test_purge_drops_the_unsent_batches_of_the_findings_it_erases(_isolated_state):
    from store.helpers import T0, turn

    state = str(_isolated_state)
    cfg = Config(state_dir=state, langfuse_base_url="http://127.0.0.1:9",
                 langfuse_public_key="pk-lf-1", langfuse_secret_key="sk-lf-1")
    with Store.open(state) as store:
        (pair,) = store.insert_traces([turn("s1", "a", T0)])
        found = Finding(id="f" * 16, kind="rule", rule_id="r", severity="high", title="t",
                        time_ns=1, session_id="s1", trace_id=pair[0].id)
        with store.transaction():
            record_findings(store, cfg, make_redactor(cfg), [found])
        assert store.pending_count() > 0
        store.purge_traces([pair[0].id])
        assert store.pending_count() == 0
