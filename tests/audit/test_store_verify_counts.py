"""Claude Code's cost counts (`cost_states`) and fork relations (`session_forks`) are in
the audit log like every other stored row: `cctrace verify` names one changed, deleted or
planted behind cctrace's back, and takes a purge as agreed."""

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

PARENT = "f8669889-13a4-4822-81db-141a0debf4dd"  # the recorded 2.1.328 `multi_turn`
FORK = "0f0f0f0f-1111-4222-8333-444455556666"


@pytest.fixture
def worked(tmp_path, _isolated_state):
    """`multi_turn` through the real hook and worker (three counts), plus a fork of it
    imported from a transcript whose first run is the parent's copied history."""
    state = str(_isolated_state)
    env = dict(os.environ, CCTRACE_HOME=state,
               CCTRACE_WORKER_PYTHON=shutil.which("true") or "/bin/true")
    transcript = replay.spool_fixture("multi_turn", tmp_path / "t", env)
    pipeline.drain(state, Config(state_dir=state))
    fork_dir = tmp_path / "projects" / "p"
    fork_dir.mkdir(parents=True)
    lines = []
    for line in transcript.read_text().splitlines():
        rec = json.loads(line)
        if rec.get("sessionId") == PARENT:
            rec["sessionId"] = FORK
            if rec.get("type") == "assistant" and not lines_past_first_run(lines):
                rec["requestSessionId"] = PARENT
        lines.append(json.dumps(rec))
    (fork_dir / f"{FORK}.jsonl").write_text("\n".join(lines) + "\n")
    assert main(["import", str(tmp_path / "projects"), "--quiet", "--live-minutes", "0"]) == 0
    return state


def lines_past_first_run(lines: list[str]) -> bool:
    return any(json.loads(line).get("type") == "cost-state" for line in lines)


def _verify(capsys) -> tuple[int, list[tuple[str, str, str]]]:
    capsys.readouterr()
    code = main(["verify", "--json"])
    out = json.loads(capsys.readouterr().out)
    return code, sorted((d["kind"], d["message"].split()[0], d["message"].split()[2])
                        for d in out["damage"] if d["target"] == "store")


def _sql(state: str, *statements: str) -> None:
    conn = sqlite3.connect(os.path.join(state, "cctrace.db"))
    for sql in statements:
        conn.execute(sql)
    conn.commit()
    conn.close()


def test_counts_and_forks_are_stored_and_verify(worked, capsys):
    with Store.open(worked) as store:
        counts = store._read("SELECT session_id, time_ns FROM cost_states ORDER BY 1, 2")
        forks = store._read("SELECT session_id, parent_session_id FROM session_forks")
    assert [r[0] for r in counts] == [FORK] * 3 + [PARENT] * 3
    assert [tuple(r) for r in forks] == [(FORK, PARENT)]
    assert _verify(capsys) == (0, [])


def test_a_changed_count_is_named(worked, capsys):
    with Store.open(worked) as store:
        (row,) = store._read("SELECT session_id, time_ns FROM cost_states"
                             " ORDER BY time_ns DESC LIMIT 1")
    _sql(worked, "UPDATE cost_states SET total_usd = total_usd * 10"
                 f" WHERE session_id = '{row[0]}' AND time_ns = {row[1]}")
    assert _verify(capsys) == (1, [("changed", "cost_states", f"{row[0]}@{row[1]}")])


def test_a_changed_fork_a_deleted_count_and_a_planted_one_are_named(worked, capsys):
    with Store.open(worked) as store:
        (first,) = store._read("SELECT session_id, time_ns FROM cost_states"
                               " ORDER BY time_ns LIMIT 1")
    _sql(worked,
         f"UPDATE session_forks SET parent_session_id = 'someone-else' WHERE session_id = '{FORK}'",
         f"DELETE FROM cost_states WHERE session_id = '{first[0]}' AND time_ns = {first[1]}",
         "INSERT INTO cost_states (session_id, time_ns, total_usd, model_usage)"
         " VALUES ('planted', 5, 0.01, '{}')")
    assert _verify(capsys) == (1, [
        ("added", "cost_states", "planted@5:"),
        ("changed", "session_forks", FORK),
        ("deleted", "cost_states", f"{first[0]}@{first[1]}"),
    ])


def test_purging_a_session_is_agreed(worked, capsys):
    assert main(["purge", "--session", PARENT, "--local-only"]) == 0
    with Store.open(worked) as store:
        assert [r[0] for r in store._read("SELECT DISTINCT session_id FROM cost_states")] \
            == [FORK]
    assert _verify(capsys) == (0, [])


def test_counts_stored_before_they_were_audited_are_legacy_rows(tmp_path, _isolated_state,
                                                                 capsys, monkeypatch):
    """A store whose counts were written before this release (schema v4, no entries for
    them) upgrades: those rows are counted as legacy, not reported as planted; the next
    batch logs their baseline, after which raising it in `store_meta` is itself named."""
    from cctrace import audit
    from cctrace.store import schema

    state = str(_isolated_state)
    env = dict(os.environ, CCTRACE_HOME=state,
               CCTRACE_WORKER_PYTHON=shutil.which("true") or "/bin/true")
    # (A context of its own: `undo()` would also undo the isolated state dir's patches.)
    with monkeypatch.context() as old:
        old.setattr(schema, "MIGRATIONS", schema.MIGRATIONS[:4])
        old.setattr(audit, "entries_from_counts", lambda *a, **k: [])
        # (That release kept no policy copies either: schema v6.)
        old.setattr(Store, "policy_copies", lambda self: {})
        old.setattr(Store, "note_policy_copies", lambda self, made, now_ns=None: 0)
        transcript = replay.spool_fixture("multi_turn", tmp_path / "t", env)
        pipeline.drain(state, Config(state_dir=state))
    assert os.environ["CCTRACE_HOME"] == state
    capsys.readouterr()
    assert main(["verify", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["damage"] == [] and out["warnings"] == [
        "3 store row(s) were written before the audit log committed to row digests: "
        "not judged"]
    # A later batch (the transcript grows) logs the counts' baseline.
    with transcript.open("a") as fh:
        fh.write(json.dumps({"type": "cost-state", "sessionId": PARENT, "totalCostUSD": 0.03,
                             "modelUsage": {}}) + "\n")
    assert main(["import", str(tmp_path / "t"), "--quiet", "--live-minutes", "0"]) == 0
    assert _verify(capsys) == (0, [])
    _sql(state, "UPDATE store_meta SET value = 99 WHERE key = 'legacy_rowid.cost_states'")
    assert _verify(capsys) == (1, [("changed", "store_meta", "legacy_rowid.cost_states")])
