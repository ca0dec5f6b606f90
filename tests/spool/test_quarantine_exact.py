"""The spool quarantine, exactly: the record (which ids may be kept), its file (name, mode,
encryption bound to the `quarantine` column, a stale temp file), the raw file deleted,
the conversion of raw copies, and what `records`, `count`, `remove` and the cap do."""

from __future__ import annotations

import json
import os
import stat
import time
from types import SimpleNamespace

import pytest

from cctrace.security.crypto import cipher_for_state_dir
from cctrace.spool import layout, quarantine, reader, writer


def _entry(seq=7, payload=None, event=None, path="/nonexistent/x.evt", size=11,
           received_ns=123):
    return SimpleNamespace(seq=seq, received_ns=received_ns, size=size, event=event,
                           payload=payload, path=path)


def _plain(state: str) -> None:
    os.makedirs(state, exist_ok=True)
    with open(os.path.join(state, "config.toml"), "w") as fh:
        fh.write("[store]\nencrypt = false\n")


@pytest.mark.parametrize(("value", "kept"), [
    ("abc-DEF_123.x:y@z", True),
    ("a" * 128, True),
    ("a" * 129, False),
    ("", False),
    ("has space", False),
    ("slash/es", False),
    ("é", False),
    ("line\nbreak", False),
    (5, False),
    (None, False),
])
def test_which_ids_may_be_kept(value, kept):
    rec = quarantine.record_of(_entry(payload={"session_id": value, "tool_name": value,
                                               "tool_use_id": value,
                                               "hook_event_name": value}))
    expected = value if kept else None
    assert (rec["session_id"], rec["tool_name"], rec["tool_use_id"], rec["event"]) == (
        expected,) * 4


def test_the_record_exactly():
    payload = {"session_id": "s-1", "tool_name": "Bash", "tool_use_id": "toolu_1",
               "hook_event_name": "PostToolUse", "tool_input": {"command": "cat secret"}}
    assert quarantine.record_of(_entry(payload=payload, event="PreToolUse"),
                                KeyError("x")) == {
        "seq": 7, "received_ns": 123, "size": 11, "event": "PreToolUse",
        "session_id": "s-1", "tool_name": "Bash", "tool_use_id": "toolu_1",
        "error": "KeyError"}
    # the payload's event when the header has none (or one that may not be kept)
    assert quarantine.record_of(_entry(payload=payload, event="bad event"))["event"] == \
        "PostToolUse"
    assert quarantine.record_of(_entry(payload=None, event=None)) == {
        "seq": 7, "received_ns": 123, "size": 11, "event": None, "session_id": None,
        "tool_name": None, "tool_use_id": None, "error": None}
    assert quarantine.record_of(_entry(payload=["s-1"]))["session_id"] is None


def test_keep_writes_the_record_encrypted_for_its_column_and_deletes_the_raw_file(
        _isolated_state):
    state = str(_isolated_state)
    writer.append(state, b'{"session_id": "s-1", "prompt": "BLUEHERON"}', received_ns=42,
                  event="UserPromptSubmit")
    (entry,) = reader.read_pending(state)
    old = os.umask(0)
    try:
        path = quarantine.keep(state, entry, ValueError("BLUEHERON"))
    finally:
        os.umask(old)
    assert path == os.path.join(state, "spool", "quarantine", f"{entry.seq:020d}.q")
    assert quarantine.folder(state) == os.path.join(state, "spool", "quarantine")
    assert not os.path.exists(entry.path)
    assert sorted(os.listdir(quarantine.folder(state))) == [f"{entry.seq:020d}.q"]
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    with open(path, "rb") as fh:
        data = fh.read()
    assert b"s-1" not in data and b"BLUEHERON" not in data
    plain = cipher_for_state_dir(state).decrypt_bytes(data, "quarantine")
    assert plain == json.dumps({
        "error": "ValueError", "event": "UserPromptSubmit", "received_ns": 42,
        "seq": entry.seq, "session_id": "s-1", "size": entry.size, "tool_name": None,
        "tool_use_id": None}, sort_keys=True).encode()


def test_without_encryption_the_record_is_plain_sorted_json(_isolated_state):
    state = str(_isolated_state)
    _plain(state)
    path = quarantine.keep(state, _entry(payload={"session_id": "s-2"}))
    with open(path, "rb") as fh:
        assert fh.read() == json.dumps(quarantine.record_of(
            _entry(payload={"session_id": "s-2"})), sort_keys=True).encode()
    assert quarantine.records(state) == [(path, quarantine.record_of(
        _entry(payload={"session_id": "s-2"})))]


def test_a_stale_longer_temp_file_is_truncated_not_left_in_the_record(_isolated_state):
    state = str(_isolated_state)
    _plain(state)
    folder = quarantine.folder(state)
    os.makedirs(folder)
    with open(os.path.join(folder, f"{7:020d}.q.tmp"), "wb") as fh:
        fh.write(b"x" * 5000)
    path = quarantine.keep(state, _entry())
    with open(path, "rb") as fh:
        assert json.loads(fh.read())["seq"] == 7
    assert sorted(os.listdir(folder)) == [f"{7:020d}.q"]


def test_keep_when_the_raw_file_is_gone_already(_isolated_state):
    state = str(_isolated_state)
    path = quarantine.keep(state, _entry(path=os.path.join(state, "gone.evt")))
    assert [p for p, _ in quarantine.records(state)] == [path]


def test_keep_enforces_the_cap(_isolated_state, monkeypatch):
    state = str(_isolated_state)
    _plain(state)
    monkeypatch.setattr(quarantine, "MAX_RECORDS", 1000)
    for seq in range(1, 4):
        quarantine.keep(state, _entry(seq=seq))
    assert quarantine.enforce_cap(state, max_records=2) == 1
    assert [r["seq"] for _, r in quarantine.records(state)] == [2, 3]


def test_the_default_cap_is_1000_records_oldest_dropped(_isolated_state):
    state = str(_isolated_state)
    folder = quarantine.folder(state)
    os.makedirs(folder)
    for seq in range(1, 1002):
        with open(os.path.join(folder, f"{seq:020d}.q"), "wb") as fh:
            fh.write(b"{}")
    with open(os.path.join(folder, "zz-not-a-record"), "wb") as fh:
        fh.write(b"")
    assert quarantine.MAX_RECORDS == 1000
    assert quarantine.enforce_cap(state) == 1
    names = sorted(os.listdir(folder))
    assert names[0] == f"{2:020d}.q" and len(names) == 1001  # 1000 records, the other file
    assert quarantine.enforce_cap(state) == 0
    assert quarantine.enforce_cap(state, max_records=0) == 1000
    assert os.listdir(folder) == ["zz-not-a-record"]


def test_the_cap_goes_on_past_a_record_deleted_under_it(_isolated_state, monkeypatch):
    state = str(_isolated_state)
    folder = quarantine.folder(state)
    os.makedirs(folder)
    for seq in (1, 2, 3):
        with open(os.path.join(folder, f"{seq:020d}.q"), "wb") as fh:
            fh.write(b"{}")
    real = os.unlink
    calls = []

    def racing(path):
        calls.append(os.path.basename(path))
        real(path)
        if len(calls) == 1:
            raise FileNotFoundError(2, "gone")

    monkeypatch.setattr(quarantine.os, "unlink", racing)
    assert quarantine.enforce_cap(state, max_records=1) == 2
    assert calls == [f"{1:020d}.q", f"{2:020d}.q"]


def test_records_read_what_they_can_oldest_first(_isolated_state):
    state = str(_isolated_state)
    good = quarantine.keep(state, _entry(seq=9, payload={"session_id": "s"}))
    folder = quarantine.folder(state)
    cipher = cipher_for_state_dir(state)
    other_column = os.path.join(folder, f"{3:020d}.q")
    with open(other_column, "wb") as fh:
        fh.write(cipher.encrypt_bytes(b'{"seq": 3}', "other"))
    a_list = os.path.join(folder, f"{5:020d}.q")
    with open(a_list, "wb") as fh:
        fh.write(cipher.encrypt_bytes(b"[5]", "quarantine"))
    broken = os.path.join(folder, f"{6:020d}.q")
    with open(broken, "wb") as fh:
        fh.write(b"{not json")
    os.mkdir(os.path.join(folder, f"{7:020d}.q"))   # unreadable: a folder
    for name in ("notes.txt", layout.event_name(0)):   # no records, one before them all
        with open(os.path.join(folder, name), "wb") as fh:
            fh.write(b"{}")
    got = quarantine.records(state)
    assert [(os.path.basename(p), r) for p, r in got] == [
        (f"{3:020d}.q", None), (f"{5:020d}.q", None), (f"{6:020d}.q", None),
        (f"{7:020d}.q", None),
        (os.path.basename(good), quarantine.record_of(_entry(seq=9, payload={"session_id": "s"})))]
    assert quarantine.count(state) == 6  # with the raw copy


def test_records_and_count_of_no_folder(_isolated_state, tmp_path):
    assert quarantine.records(str(tmp_path / "none")) == []
    assert quarantine.count(str(tmp_path / "none")) == 0
    spool = tmp_path / "file-state" / "spool"
    spool.mkdir(parents=True)
    (spool / "quarantine").write_bytes(b"")
    assert quarantine.count(str(tmp_path / "file-state")) == 0


def test_count_takes_records_and_raw_copies_only(_isolated_state):
    state = str(_isolated_state)
    folder = quarantine.folder(state)
    os.makedirs(folder)
    for name in (f"{1:020d}.q", layout.event_name(2), "x.q.tmp", "1.evt", "other"):
        with open(os.path.join(folder, name), "wb") as fh:
            fh.write(b"")
    assert quarantine.count(state) == 2


def test_remove_by_session_time_or_everything(_isolated_state):
    state = str(_isolated_state)
    for seq, session, received in ((1, "s-a", 100), (2, "s-b", 200), (3, "s-a", 300),
                                   (4, None, 0)):
        quarantine.keep(state, _entry(seq=seq, received_ns=received,
                                      payload={"session_id": session} if session else {}))
    with open(os.path.join(quarantine.folder(state), f"{5:020d}.q"), "wb") as fh:
        fh.write(b"unreadable")

    def seqs():
        return [r["seq"] if r else None for _, r in quarantine.records(state)]

    assert quarantine.remove(state) == 0
    assert quarantine.remove(state, session_ids=["s-x"]) == 0
    assert quarantine.remove(state, session_ids=["s-b"]) == 1
    assert seqs() == [1, 3, 4, None]
    # no time reads as 0, the oldest; unreadable records go with any time
    assert quarantine.remove(state, before_ns=1) == 2
    assert seqs() == [1, 3]
    # strictly before: 300 stays
    assert quarantine.remove(state, before_ns=300) == 1
    assert seqs() == [3]
    assert quarantine.remove(state, everything=True) == 1
    assert seqs() == []


def test_remove_leaves_unreadable_records_for_a_session_purge(_isolated_state):
    state = str(_isolated_state)
    with_session = quarantine.keep(state, _entry(seq=1, payload={"session_id": "s-a"}))
    os.makedirs(quarantine.folder(state), exist_ok=True)
    with open(os.path.join(quarantine.folder(state), f"{2:020d}.q"), "wb") as fh:
        fh.write(b"unreadable")
    assert quarantine.remove(state, session_ids=["s-a"]) == 1
    assert not os.path.exists(with_session) and quarantine.count(state) == 1
    assert quarantine.remove(state, everything=True) == 1


def test_remove_goes_on_past_a_record_deleted_under_it(_isolated_state, monkeypatch):
    state = str(_isolated_state)
    for seq in (1, 2):
        quarantine.keep(state, _entry(seq=seq))
    real = os.unlink
    calls = []

    def racing(path):
        calls.append(path)
        real(path)
        if len(calls) == 1:
            raise FileNotFoundError(2, "gone")

    monkeypatch.setattr(quarantine.os, "unlink", racing)
    assert quarantine.remove(state, everything=True) == 1
    assert len(calls) == 2


def test_sweep_converts_raw_copies_and_skips_the_rest(_isolated_state):
    state = str(_isolated_state)
    for n in range(2):
        writer.append(state, json.dumps({"session_id": f"s-{n}", "prompt": "BLUEHERON"})
                      .encode(), received_ns=time.time_ns(), event="UserPromptSubmit")
    folder = quarantine.folder(state)
    os.makedirs(folder)
    for entry in reader.read_pending(state):
        os.replace(entry.path, os.path.join(folder, os.path.basename(entry.path)))
    # before the raw copies (names sort): an unreadable one, skipped, and a record
    os.mkdir(os.path.join(folder, layout.event_name(0)))
    quarantine.keep(state, _entry(seq=0))
    assert quarantine.sweep(state) == 2
    names = sorted(os.listdir(folder))
    assert names == [layout.event_name(0), f"{0:020d}.q", f"{1:020d}.q", f"{2:020d}.q"]
    assert [r["session_id"] for _, r in quarantine.records(state)] == [None, "s-0", "s-1"]
    assert quarantine.sweep(state) == 0
    assert quarantine.sweep(str(_isolated_state / "nowhere")) == 0
