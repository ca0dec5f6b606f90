"""Nothing raw at rest in the spool quarantine: ids and sizes only, encrypted; purge,
retention and the cap delete records; doctor reports them as a problem."""

from __future__ import annotations

import json
import os
import time

from cctrace.cli import doctor
from cctrace.cli import main as cli_main
from cctrace.config import Config
from cctrace.security import retention
from cctrace.spool import quarantine, writer
from cctrace.spool.reader import read_pending
from cctrace.store.db import Store
from cctrace.worker import pipeline

PROMPT = "please summarise BLUEHERON-launch-plan from secrets/plan.txt"


def _spool(state: str, session: str = "s-poison", n: int = 1) -> None:
    for i in range(n):
        payload = {"session_id": session, "hook_event_name": "UserPromptSubmit",
                   "prompt": f"{PROMPT} #{i}", "cwd": "/nowhere"}
        writer.append(state, json.dumps(payload).encode(), received_ns=time.time_ns() + i,
                      event="UserPromptSubmit")


def _poison_all(monkeypatch) -> None:
    def boom(entry, *a, **kw):
        raise TypeError(f"cannot handle {PROMPT}")

    monkeypatch.setattr(pipeline, "to_hook_event", boom)


def _raw_bytes(folder: str) -> bytes:
    return b"".join(open(os.path.join(folder, n), "rb").read() for n in os.listdir(folder))


def test_a_poisoned_event_leaves_ids_and_sizes_only_encrypted(_isolated_state, monkeypatch):
    state = str(_isolated_state)
    _spool(state)
    _poison_all(monkeypatch)
    pipeline.step(state, Config(state_dir=state))
    assert read_pending(state) == []
    folder = quarantine.folder(state)
    raw = _raw_bytes(folder)
    assert os.listdir(folder) and all(n.endswith(".q") for n in os.listdir(folder))
    assert b"BLUEHERON" not in raw and b"s-poison" not in raw and b"prompt" not in raw
    ((_, record),) = quarantine.records(state)
    assert record["session_id"] == "s-poison" and record["error"] == "TypeError"
    assert record["size"] > len(PROMPT) and "prompt" not in json.dumps(record)
    check = doctor.check_quarantine(state)
    assert check.status == doctor.FAIL and "1 hook event" in check.detail


def test_raw_copies_of_an_older_release_are_converted(_isolated_state):
    state = str(_isolated_state)
    _spool(state)
    (entry,) = read_pending(state)
    os.makedirs(quarantine.folder(state))
    os.replace(entry.path, os.path.join(quarantine.folder(state), os.path.basename(entry.path)))
    assert quarantine.count(state) == 1
    pipeline.step(state, Config(state_dir=state))
    assert b"BLUEHERON" not in _raw_bytes(quarantine.folder(state))
    assert [r["seq"] for _, r in quarantine.records(state)] == [entry.seq]


def test_purge_retention_and_the_cap_delete_records(_isolated_state, monkeypatch):
    state = str(_isolated_state)
    _spool(state, "s-a", 2)
    _spool(state, "s-b", 3)
    _poison_all(monkeypatch)
    pipeline.step(state, Config(state_dir=state))
    assert quarantine.count(state) == 5
    # The session has no stored trace: purge still removes its quarantine records.
    assert cli_main.main(["purge", "--session", "s-a", "--local-only"]) == 0
    assert quarantine.remove(state, session_ids=["s-a"]) == 0  # already gone
    assert sorted(r["session_id"] for _, r in quarantine.records(state)) == ["s-b"] * 3
    assert quarantine.enforce_cap(state, max_records=2) == 1
    with Store.open(state) as store:
        retention.maybe_enforce(state, store, Config(state_dir=state, raw={
            "retention": {"days": 1}}), now_ns=time.time_ns() + 3 * 86_400 * 10**9)
    assert quarantine.count(state) == 0
    assert doctor.check_quarantine(state).status == doctor.OK


def test_purge_quarantine_flag_deletes_every_record_and_nothing_else(_isolated_state,
                                                                      monkeypatch):
    state = str(_isolated_state)
    _spool(state, "s-a", 2)
    _poison_all(monkeypatch)
    pipeline.step(state, Config(state_dir=state))
    assert cli_main.main(["purge", "--quarantine", "--local-only"]) == 0
    assert quarantine.count(state) == 0
