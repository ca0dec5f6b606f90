"""`cctrace purge --session ID` leaves nothing about the session in the state dir, nor in
Langfuse (its traces, and its session scores).

Real pipeline (`cctrace flush` over spooled hook events and real transcripts), real store
(unencrypted, so content would show in the raw bytes), a Langfuse stand-in; then `cctrace
purge --session ID` and a scan of every table of the store (every column of every row) and
every file under the state dir (raw bytes) for the session's id and for content only it
had. Two cases: a session with traces (the multi_turn fixture), and one without any: a
2.1.x fork opened and left without a prompt of its own (its copied history builds no
trace, but the worker stores its hook events, Claude Code's cost counts, the fork relation
and its transcript cursor). A second session stays in both cases, untouched.

What does keep the id, by design, and is asserted exactly: the tombstone (`session:<id>`,
so a re-import brings nothing back) and the audit log (append-only, hash-chained: ids and
hashes, never content; docs/audit.md).
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from cctrace.spool import writer
from support import replay
from support.configure import langfuse_toml, write_config
from support.otlp_receiver import OTLPReceiver

PARENT = "f8669889-13a4-4822-81db-141a0debf4dd"  # tests/fixtures/transcripts/multi_turn
OTHER = "7b8a0341-3740-4c64-add3-4e108ad9046e"  # tests/fixtures/transcripts/thinking
FORK = "5f0e9c2a-4b7d-4e61-9d3a-c1f2e8a7b640"
PARENT_ONLY = "Create notes.md with a first item [mt-1]"  # multi_turn's first prompt
FORK_ONLY = "fork-project-8c1d5e"  # the fork's folder: in its hook events only


def _cli(state: Path, *args: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, CCTRACE_HOME=str(state))
    return subprocess.run([sys.executable, "-m", "cctrace", *args], env=env,
                          capture_output=True, text=True, timeout=300)


def _spool(state: Path, payload: dict) -> None:
    data = json.dumps(payload).encode()
    writer.append(str(state), data, received_ns=time.time_ns(),
                  event=payload.get("hook_event_name"), size=len(data), fsync=False)


def _fork_of(parent: Path, dest: Path) -> Path:
    """The parent's transcript as 2.1.x copies it into a fork: the fork's session id on
    every record, the parent's as `requestSessionId` on every copied call."""
    lines = []
    for line in parent.read_text().splitlines():
        rec = json.loads(line)
        if isinstance(rec, dict) and "sessionId" in rec:
            rec["sessionId"] = FORK
            if rec.get("type") == "assistant":
                rec["requestSessionId"] = PARENT
        lines.append(json.dumps(rec))
    path = dest / f"{FORK}.jsonl"
    path.write_text("\n".join(lines) + "\n")
    return path


def _record(state: Path, tmp: Path, receiver: OTLPReceiver, fixtures: tuple[str, ...],
            fork: bool) -> None:
    write_config(langfuse_toml(receiver.base_url, "pk-lf-1", "sk-lf-1")
                 + "[store]\nencrypt = false\n", state)
    for name in fixtures:
        transcript = replay.copy_fixture(name, tmp / name)
        for payload in replay.payloads(name, transcript):
            _spool(state, payload)
    if fork:
        _spool_fork(state, tmp)
    out = _cli(state, "flush", "--json", "--timeout", "60")
    assert out.returncode == 0 and json.loads(out.stdout)["ok"], out.stdout + out.stderr


def _spool_fork(state: Path, tmp: Path) -> None:
    fork = _fork_of(tmp / "multi_turn" / f"{PARENT}.jsonl", tmp / "multi_turn")
    base = {"session_id": FORK, "transcript_path": str(fork), "cwd": f"/home/dev/{FORK_ONLY}"}
    for payload in ({"hook_event_name": "SessionStart", "source": "resume"},
                    {"hook_event_name": "UserPromptSubmit", "prompt": "then left"},
                    {"hook_event_name": "SessionEnd", "reason": "other"}):
        _spool(state, {**base, **payload})


def _rows_naming(db: Path, needles: tuple[str, ...], unless: tuple[str, ...] = ()
                 ) -> dict[str, int]:
    """table -> how many of its rows hold any needle in any column (and none of
    `unless`)."""
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        tables = [r[0] for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table'")]
        out = {}
        for table in tables:
            hits = 0
            for row in conn.execute(f'SELECT * FROM "{table}"'):
                text = " ".join(v.decode("utf-8", "replace") if isinstance(v, bytes)
                                else str(v) for v in row)
                hits += any(n in text for n in needles) and not any(
                    n in text for n in unless)
            if hits:
                out[table] = hits
        return out
    finally:
        conn.close()


def _files_naming(state: Path, needles: tuple[str, ...]) -> list[str]:
    found = []
    for path in sorted(p for p in state.rglob("*") if p.is_file()):
        data = path.read_bytes()
        if any(n.encode() in data for n in needles):
            found.append(str(path.relative_to(state)))
    return found


def _db(state: Path) -> Path:
    (db,) = [p for p in state.glob("*.db")]
    return db


@pytest.mark.parametrize("target, content, other, kept", [
    (PARENT, PARENT_ONLY, OTHER, "traces"),
    (FORK, FORK_ONLY, PARENT, "no traces"),
], ids=["with-traces", "without-traces"])
def test_purge_by_session_leaves_nothing_about_it(tmp_path, _isolated_state, target, content,
                                                  other, kept):
    state = _isolated_state
    with OTLPReceiver() as receiver:
        fixtures = ("multi_turn", "thinking") if target == PARENT else ("multi_turn",)
        _record(state, tmp_path, receiver, fixtures, fork=target == FORK)
        db = _db(state)
        before = _rows_naming(db, (target,))
        # What there was to erase (the case is what it says).
        assert ("traces" in before) == (kept == "traces")
        assert {"hook_events", "cost_states", "cursors"} <= set(before)
        assert _files_naming(state, (content,))
        traces = [r[0] for r in sqlite3.connect(db).execute(
            "SELECT id FROM traces WHERE session_id = ?", (target,))]
        # (The fork's rows name its parent: they go with the fork.)
        other_rows = _rows_naming(db, (other,), unless=(target,))

        # What Langfuse holds about the session beyond its traces: session scores (the
        # findings about no trace); a trace's own scores go with the trace there.
        session_scores = sorted(sc["id"] for sc in receiver.scores()
                                if sc.get("sessionId") == target)
        assert bool(session_scores) == (kept == "traces")

        out = _cli(state, "purge", "--session", target, "--json")
        assert out.returncode == 0, out.stdout + out.stderr
        assert sorted(receiver.deleted_trace_ids()) == sorted(traces)
        assert sorted(receiver.deleted_score_ids()) == session_scores

    assert _rows_naming(db, (content,)) == {}
    assert _files_naming(state, (content,)) == []
    # The id: only in the tombstones that keep it erased (the session's, and each trace's,
    # whose reason names the command), and in the audit log.
    assert _rows_naming(db, (target,)) == {"tombstones": 1 + len(traces)}
    assert {f for f in _files_naming(state, (target,)) if not f.startswith("audit/")} == {
        db.name}
    # The other session is as it was.
    assert _rows_naming(db, (other,), unless=(target,)) == other_rows
    # And the audit log accounts for every row that went (`erase` of the session).
    verify = _cli(state, "verify", "--json")
    assert verify.returncode == 0, verify.stdout + verify.stderr
