"""`cctrace tail`: a replayed real session streamed from the store, redacted; live following."""

from __future__ import annotations

import json
import os
import shutil

import pytest

from cctrace import config as config_mod
from cctrace.cli import main as cli_main
from cctrace.cli import tail
from cctrace.store.db import Store
from cctrace.worker import pipeline
from store.helpers import SEC, T0, turn
from support import replay

SECRET = "Zq8-vLx2-Kp0-Wd4"


@pytest.fixture(autouse=True)
def _registered(monkeypatch):
    monkeypatch.setattr(cli_main, "COMMANDS", ["tail"])


@pytest.fixture
def env(_isolated_state):
    e = dict(os.environ)
    e["CCTRACE_HOME"] = str(_isolated_state)
    e["CCTRACE_WORKER_PYTHON"] = shutil.which("true") or "/bin/true"  # no background worker
    return e


def run(capsys, *argv):
    code = cli_main.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_replayed_session_streams_redacted(tmp_path, env, _isolated_state, capsys):
    state = str(_isolated_state)
    transcript = replay.spool_fixture("tool_errors", tmp_path / "t", env)
    text = transcript.read_text()
    assert "ls /nonexistent-cctrace-dir" in text
    # A credential in the command Claude ran: the spool and transcript hold it raw.
    command = "ls /nonexistent-cctrace-dir"
    transcript.write_text(text.replace(command, f"psql postgres://a:{SECRET}@h/x; {command}"))
    pipeline.drain(state, config_mod.load(state))
    code, out, _ = run(capsys, "tail", "-n", "1000", "--no-follow")
    assert code == 0
    lines = out.splitlines()
    assert any(" tool Bash " in line and "!! ERROR" in line for line in lines)
    assert any("  gen " in line and " in " in line for line in lines)
    assert any("turn done" in line and "Look at the missing directory" in line
               for line in lines)
    assert SECRET not in out
    # The preview is cut before the marker it would split (cctrace.redact.cut).
    assert "postgres://a:…" in out
    with Store.open(state) as store:
        stored = store.latest_observation_rowid()
    assert len(lines) == stored  # every stored step, once
    code, out, _ = run(capsys, "tail", "-n", "2", "--no-follow", "--json")
    docs = [json.loads(line) for line in out.splitlines()]
    assert len(docs) == 2 and all(d["session_id"] == transcript.stem for d in docs)
    assert SECRET not in out


def test_follow_prints_new_steps_as_they_are_stored():
    sid = "cccc0000-0000-0000-0000-000000000003"
    other = "dddd0000-0000-0000-0000-000000000004"
    emitted: list[str] = []
    with Store.open() as store:
        store.insert_traces([turn(sid, "a", T0)])
        start = store.latest_observation_rowid()
        arrivals = [[turn(other, "x", T0 + SEC)], [turn(sid, "b", T0 + 60 * SEC,
                                                        tool_error=True)]]

        def sleep(_: float) -> None:  # each poll, the worker stores one more turn
            store.insert_traces(arrivals.pop(0))

        last = tail.follow(store, lambda r, s, p, o: emitted.append(tail.tail_line(s, p, o)),
                           start_rowid=start, session_id=sid, sleep=sleep,
                           keep_going=lambda: bool(arrivals))
        assert last == store.latest_observation_rowid()
    # Only turn b of the followed session: its root, generation and failed tool.
    assert len(emitted) == 3 and all(line[10:18] == sid[:8] for line in emitted)
    assert any("turn done" in line and "prompt b" in line for line in emitted)
    assert any("tool Bash" in line and "!! ERROR: exit code 1" in line and "> ls" in line
               for line in emitted)


def test_last_n_and_bad_arguments(capsys):
    with Store.open() as store:
        for i in range(5):
            store.insert_traces([turn(f"s{i}", f"k{i}", T0 + i * SEC)])
    code, out, _ = run(capsys, "tail", "-n", "4", "--no-follow")
    assert code == 0 and len(out.splitlines()) == 4
    code, out, _ = run(capsys, "tail", "-n", "2", "--no-follow", "--session", "s1")
    assert [line.split()[1] for line in out.splitlines()] == ["s1", "s1"]
    assert run(capsys, "tail", "-n", "-1")[0] == 2
    assert tail.tool_preview({"command": "ls -la", "x": 1}) == "ls -la"
    assert tail.tool_preview(None) == ""
