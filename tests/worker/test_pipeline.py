"""The worker pipeline on real recorded sessions: spool -> store -> outbox -> receiver."""

from __future__ import annotations

import os
import shutil

import pytest

from cctrace import spool
from cctrace.config import Config
from cctrace.export import outbox
from cctrace.store.db import Store
from cctrace.worker import pipeline
from support import replay
from support.absence import assert_absent
from support.otlp_receiver import OTLPReceiver
from support.traced import trace_spans


@pytest.fixture
def env(tmp_path, _isolated_state):
    e = dict(os.environ)
    e["CCTRACE_HOME"] = str(_isolated_state)
    e["CCTRACE_WORKER_PYTHON"] = shutil.which("true") or "/bin/true"  # no background worker
    return e


def _observations(state: str) -> dict[str, tuple]:
    with Store.open(state) as store:
        rows = store._read("SELECT id, trace_id, parent_id, type FROM observations")
    return {r["id"]: (r["trace_id"], r["parent_id"], r["type"]) for r in rows}


def test_spooled_session_lands_in_store_once(tmp_path, env, _isolated_state):
    state = str(_isolated_state)
    replay.spool_fixture("multi_turn", tmp_path / "t", env)
    assert spool.read_pending(state)
    report = pipeline.drain(state, Config(state_dir=state))
    assert report.events and report.new_observations
    assert spool.read_pending(state) == []  # processed entries leave the spool
    first = _observations(state)
    kinds = {t for _, _, t in first.values()}
    assert {"agent", "generation", "tool"} <= kinds
    with Store.open(state) as store:
        (summary,) = store.sessions()
        assert summary.turns == 3
        events = store.session_events(summary.id)
    assert events and all("tool_response" not in e.payload or
                          e.payload["tool_response"].get("omitted") for e in events)

    # The same events again (a re-delivered spool) and a fresh cursor: nothing new.
    replay.spool_fixture("multi_turn", tmp_path / "t", env)
    with Store.open(state) as store:
        store._conn.execute("DELETE FROM cursors")
    again = pipeline.drain(state, Config(state_dir=state))
    assert again.events and again.new_observations == 0
    assert _observations(state) == first


def test_resumed_copy_under_new_session_adds_no_spans(tmp_path, env, _isolated_state):
    state = str(_isolated_state)
    transcript = replay.spool_fixture("multi_turn", tmp_path / "a", env)
    pipeline.drain(state, Config(state_dir=state))
    before = _observations(state)
    # A fork copies history into a new session file with a new session id.
    fork = tmp_path / "b" / "0f0f0f0f-0000-4000-8000-000000000000.jsonl"
    fork.parent.mkdir()
    text = transcript.read_text().replace(transcript.stem, fork.stem)
    fork.write_text(text)
    payload = {"hook_event_name": "SessionEnd", "session_id": fork.stem,
               "transcript_path": str(fork), "cwd": str(tmp_path), "reason": "exit"}
    assert replay.run_hook(payload, env).returncode == 0
    report = pipeline.drain(state, Config(state_dir=state))
    assert report.events == 1 and report.new_observations == 0
    assert _observations(state) == before


def test_receiver_down_then_flush_delivers_each_span_once(tmp_path, env, _isolated_state):
    state = str(_isolated_state)
    with OTLPReceiver() as receiver:
        cfg = Config(state_dir=state, otlp_endpoint=receiver.endpoint)
        receiver.down()
        replay.spool_fixture("parallel_tools", tmp_path / "t", env)
        pipeline.drain(state, cfg)
        with Store.open(state) as store:
            report = outbox.deliver_due(store, cfg)
            assert report.delivered == 0 and store.pending_count() > 0
            assert outbox.flush(store, cfg, timeout=0.5).ok is False
        receiver.up()
        with Store.open(state) as store:
            assert outbox.flush(store, cfg, timeout=20).ok
            assert outbox.flush(store, cfg, timeout=1).delivered == 0
        ids = [s["span_id"] for s in trace_spans(receiver.spans())]
        assert sorted(ids) == sorted(_observations(state))  # every span, exactly once
        assert len(ids) == len(set(ids))


def _store_text(state: str) -> str:
    # Content columns are encrypted at rest: decrypt them (the store's own cipher) so the
    # assertions see what the store holds.
    out = []
    with Store.open(state) as store:
        for table in ("observations", "traces", "hook_events"):
            for r in store._read(f"SELECT * FROM {table}"):
                out.append(str(tuple(store._dec(v, f"{table}.{k}") if isinstance(v, str) else v
                                     for k, v in zip(r.keys(), r, strict=True))))
    return "\n".join(out)


def test_known_secret_from_environment_never_reaches_the_store(tmp_path, env, _isolated_state,
                                                               monkeypatch):
    state = str(_isolated_state)
    # A value the multi_turn session really contains, declared secret by the environment:
    # only the known-secrets detector can find it.
    monkeypatch.setenv("DEPLOY_TOKEN", "Added a second item; notes.md has 4 lines")
    replay.spool_fixture("multi_turn", tmp_path / "t", env)
    pipeline.drain(state, Config(state_dir=state))
    text = _store_text(state)
    assert "[REDACTED:" in text
    # Every piece of it, except those the user's prompt shares ("Add a second item, ..."
    # is not the secret, nor is "notes.md has been updated"): the pieces around "item;"
    # are found nowhere else.
    assert "Added a second item; notes.md has 4 lines" not in text
    assert_absent("item; notes.md h", text)


def test_metadata_level_stores_no_content(tmp_path, env, _isolated_state):
    state = str(_isolated_state)
    _isolated_state.mkdir(parents=True, exist_ok=True)
    (_isolated_state / "config.toml").write_text('[capture]\nlevel = "metadata"\n')
    replay.spool_fixture("multi_turn", tmp_path / "t", env)
    from cctrace import config

    report = pipeline.drain(state, config.load(state))
    assert report.new_observations
    text = _store_text(state)
    for content in ("Create notes.md with a first item", "Created notes.md with one item",
                    "# Notes"):
        assert content not in text
    assert "metadata-only" in text


def test_bad_capture_policy_keeps_the_spool(tmp_path, env, _isolated_state):
    state = str(_isolated_state)
    _isolated_state.mkdir(parents=True, exist_ok=True)
    (_isolated_state / "config.toml").write_text('[capture]\nlevel = "everything"\n')
    replay.spool_fixture("multi_turn", tmp_path / "t", env)
    from cctrace import config

    pending = len(spool.read_pending(state))
    with pytest.raises(config.ConfigError, match="capture.level"):
        pipeline.drain(state, config.load(state))
    assert len(spool.read_pending(state)) == pending


def test_records_written_after_a_complete_turn_are_still_captured(tmp_path, _isolated_state):
    """Claude Code writes the stop-hook summary after the Stop event that wakes the worker:
    a turn that already looked complete must still pick it up on the next pass."""
    import json

    from cctrace.policy import Policy

    src = replay.FIXTURES / "multi_turn"
    full = next(p for p in src.glob("*.jsonl") if p.name != "hooks.jsonl")
    lines = full.read_text().splitlines(keepends=True)
    last = max(i for i, line in enumerate(lines)
               if json.loads(line).get("subtype") == "stop_hook_summary")
    live = tmp_path / "live" / full.name
    live.parent.mkdir()
    live.write_text("".join(lines[:last]))

    def ids(state: str, path, final: bool) -> set[str]:
        cfg = Config(state_dir=state)
        with Store.open(state) as store:
            pipeline.process_transcript(store, cfg, pipeline.make_redactor(cfg), str(path),
                                        session_id=full.stem, final=final,
                                        policy=Policy.from_config(cfg), judge=False)
        return set(_observations(state))

    state = str(_isolated_state)
    before = ids(state, live, final=False)
    with live.open("a") as fh:
        fh.write("".join(lines[last:]))
    after = ids(state, live, final=False)
    clean = ids(str(tmp_path / "clean"), full, final=True)
    assert before < after == clean


def test_a_session_end_does_not_close_the_turn_a_resumed_run_has_begun(tmp_path,
                                                                      _isolated_state):
    """`claude --resume` appends its turn to the same file. Under load the worker can take
    run 1's SessionEnd when run 2 has already written its prompt and a few records: the
    end of run 1 must not close run 2's turn, or its later records (generations, tools)
    would land before any prompt and be dropped."""
    import json

    from cctrace.policy import Policy
    from cctrace.transcript.records import parse_time_ns

    src = replay.FIXTURES / "multi_turn"
    full = next(p for p in src.glob("*.jsonl") if p.name != "hooks.jsonl")
    lines = full.read_text().splitlines(keepends=True)
    records = [json.loads(line) for line in lines]
    prompts = [i for i, r in enumerate(records) if r.get("type") == "user"
               and isinstance((r.get("message") or {}).get("content"), str)]
    second = prompts[1]
    end_of_run_1 = parse_time_ns(records[second]["timestamp"]) - 1_000_000
    live = tmp_path / "live" / full.name
    live.parent.mkdir()
    live.write_text("".join(lines[:second + 2]))  # run 2's prompt and one more record

    def ids(state: str, path, final: bool, final_ns: int | None = None) -> set[str]:
        cfg = Config(state_dir=state)
        with Store.open(state) as store:
            pipeline.process_transcript(store, cfg, pipeline.make_redactor(cfg), str(path),
                                        session_id=full.stem, final=final, final_ns=final_ns,
                                        policy=Policy.from_config(cfg), judge=False)
        return set(_observations(state))

    state = str(_isolated_state)
    ids(state, live, final=True, final_ns=end_of_run_1)  # run 1's SessionEnd, taken late
    with live.open("a") as fh:
        fh.write("".join(lines[second + 2:]))
    after = ids(state, live, final=True)  # the last run's SessionEnd
    clean = ids(str(tmp_path / "clean"), full, final=True)
    assert after == clean


def test_a_poisoned_event_is_quarantined_not_stalling_the_rest(tmp_path, env, _isolated_state,
                                                               monkeypatch):
    """An entry that makes ingestion raise for a reason of its own is moved aside (kept,
    counted, logged without content); every other entry of the slice is processed."""
    from cctrace.spool import diag

    state = str(_isolated_state)
    replay.spool_fixture("multi_turn", tmp_path / "t", env)
    pending = spool.read_pending(state)
    poisoned = pending[len(pending) // 2].seq
    real = pipeline.to_hook_event

    def fragile(entry, *a, **kw):
        if entry.seq == poisoned:
            raise TypeError("unexpected payload shape")
        return real(entry, *a, **kw)

    monkeypatch.setattr(pipeline, "to_hook_event", fragile)
    cfg = Config(state_dir=state)
    while pipeline.step(state, cfg).events:
        pass
    assert spool.read_pending(state) == []
    moved = os.listdir(os.path.join(state, "spool", "quarantine"))
    assert [int(name.split(".")[0]) for name in moved] == [poisoned]
    with Store.open(state) as store:
        assert store.counters()["spool.quarantined"] == 1
        seqs = {e.seq for e in store.session_events(store.sessions()[0].id)}
    assert seqs == {e.seq for e in pending} - {poisoned}
    log = open(diag.log_path(state, "worker")).read()
    assert f"spool event {poisoned} quarantined: builtins.TypeError" in log
    assert "unexpected payload shape" not in log  # messages can quote data: never logged


def test_an_environment_failure_keeps_the_slice_in_the_spool(tmp_path, env, _isolated_state,
                                                             monkeypatch):
    state = str(_isolated_state)
    replay.spool_fixture("multi_turn", tmp_path / "t", env)
    waiting = len(spool.read_pending(state))

    def disk_full(*a, **kw):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(pipeline, "to_hook_event", disk_full)
    with pytest.raises(OSError):
        pipeline.step(state, Config(state_dir=state))
    assert len(spool.read_pending(state)) == waiting
    assert not os.path.exists(os.path.join(state, "spool", "quarantine"))


def test_flush_quarantines_a_poisoned_event_too(tmp_path, env, _isolated_state, monkeypatch):
    state = str(_isolated_state)
    replay.spool_fixture("multi_turn", tmp_path / "t", env)
    poisoned = spool.read_pending(state)[0].seq
    real = pipeline.to_hook_event
    monkeypatch.setattr(pipeline, "to_hook_event", lambda entry, *a, **kw: (
        (_ for _ in ()).throw(KeyError("shape")) if entry.seq == poisoned
        else real(entry, *a, **kw)))
    report = pipeline.drain(state, Config(state_dir=state))
    assert report.new_observations and spool.read_pending(state) == []
    assert os.listdir(os.path.join(state, "spool", "quarantine")) == [
        f"{poisoned:020d}.q"]
