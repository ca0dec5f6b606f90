"""The spool reader, exactly: which headers are trusted, each error's exact text (no
content in it), what an unreadable or vanished file gives, the limit, the temp sweep's
grace, and ack's count. A bad record is returned with its reason; the rest are read."""

from __future__ import annotations

import json
import os
import time

import pytest

from cctrace.spool import diag, layout, reader, writer


def _put(root: str, name: str, data: bytes) -> str:
    folder = layout.spool_dir(root)
    os.makedirs(folder, exist_ok=True)
    path = os.path.join(folder, name)
    with open(path, "wb") as fh:
        fh.write(data)
    return path


def _file(root: str, seq: int, head: dict | bytes, body: bytes = b"{}") -> str:
    raw = head if isinstance(head, bytes) else json.dumps(head).encode()
    return _put(root, layout.event_name(seq), raw + b"\n" + body)


def _appended(root: str, count: int) -> None:
    for n in range(count):
        writer.append(root, b"{}", received_ns=n, event="X")


def _head(**kw) -> dict:
    return {"v": 1, "received_ns": 5, "size": 2, "stored": 2, **kw}


def test_a_header_is_trusted_only_whole(tmp_path):
    root = str(tmp_path)
    cases = {
        1: _head(),
        2: _head(v=2),
        3: {k: v for k, v in _head().items() if k != "v"},
        4: _head(received_ns="5"),
        5: _head(size=True),
        6: _head(stored=2.0),
        7: {k: v for k, v in _head().items() if k != "stored"},
        8: b"[1]",
        9: b"{not json",
        10: _head(received_ns=False),
    }
    for seq, head in cases.items():
        _file(root, seq, head)
    got = {e.seq: e.error for e in reader.read_pending(root)}
    assert got == {1: None, **{n: "corrupt spool header" for n in range(2, 11)}}


def test_a_corrupt_file_is_reported_with_its_whole_length(tmp_path):
    root = str(tmp_path)
    path = _put(root, layout.event_name(3), b"x" * 50)
    (entry,) = reader.read_pending(root)
    assert (entry.seq, entry.received_ns, entry.event, entry.payload, entry.path, entry.size,
            entry.error, entry.oversize, entry.pid, entry.env) == (
        3, 0, None, None, path, 50, "corrupt spool header", False, None, None)


def test_the_header_line_is_looked_for_in_the_first_4096_bytes(tmp_path):
    root = str(tmp_path)
    base = json.dumps(_head()).encode()
    fits = base[:-1] + b"," + b'"pad":"' + b"p" * (4095 - len(base) - 9) + b'"}'
    assert len(fits) == 4095  # its newline is the 4096th byte
    _file(root, 1, fits)
    over = base[:-1] + b"," + b'"pad":"' + b"p" * (4096 - len(base) - 9) + b'"}'
    assert len(over) == 4096
    _file(root, 2, over)
    got = {e.seq: e.error for e in reader.read_pending(root)}
    assert got == {1: None, 2: "corrupt spool header"}


def test_the_header_is_the_first_line_not_the_first_one_that_parses(tmp_path):
    root = str(tmp_path)
    _put(root, layout.event_name(1), b"\n" + json.dumps(_head()).encode() + b"\n{}")
    (entry,) = reader.read_pending(root)
    assert entry.error == "corrupt spool header" and entry.payload is None


def test_fields_of_a_good_file(tmp_path):
    root = str(tmp_path)
    path = _file(root, 4, _head(event="Stop", pid=77, size=99, oversize=False,
                                env={"A": 1, "B": "x", "C": True, "D": 2}),
                 b'{"hook_event_name": "Ignored"}')
    # stored is 2 but the body is longer: torn
    (entry,) = reader.read_pending(root)
    assert entry.error == "torn spool file: 30 of 2 bytes"
    os.unlink(path)
    _file(root, 4, _head(event="Stop", pid=77, size=99, stored=30,
                         env={"A": 1, "B": "x", "C": True, "D": 2}),
          b'{"hook_event_name": "Ignored"}')
    (entry,) = reader.read_pending(root)
    assert (entry.event, entry.pid, entry.size, entry.received_ns, entry.error) == (
        "Stop", 77, 99, 5, None)
    assert entry.payload == {"hook_event_name": "Ignored"}
    # bool is an int in Python: True is kept as 1 (only what is no int is left out)
    assert entry.env == {"A": 1, "C": True, "D": 2}


@pytest.mark.parametrize(("extra", "event", "pid", "env", "oversize"), [
    ({"event": 5, "pid": "7", "env": ["A"]}, "Stop", None, None, False),
    ({"event": None, "env": {}}, "Stop", None, None, False),
    ({"env": {"B": "x"}, "oversize": 1}, "Stop", None, None, False),
    ({"event": "Pre", "pid": 0}, "Pre", 0, None, False),
])
def test_what_is_not_of_its_type_is_left_out(tmp_path, extra, event, pid, env, oversize):
    root = str(tmp_path)
    body = b'{"hook_event_name": "Stop"}'
    _file(root, 1, _head(stored=len(body), **extra), body)
    (entry,) = reader.read_pending(root)
    assert (entry.event, entry.pid, entry.env, entry.oversize, entry.error) == (
        event, pid, env, oversize, None)


def test_the_payloads_event_is_taken_only_when_it_is_text(tmp_path):
    root = str(tmp_path)
    body = b'{"hook_event_name": 7}'
    _file(root, 1, _head(stored=len(body)), body)
    (entry,) = reader.read_pending(root)
    assert entry.event is None and entry.payload == {"hook_event_name": 7}


def test_an_oversize_stub_says_how_large(tmp_path):
    root = str(tmp_path)
    _file(root, 1, _head(size=123456789, stored=0, oversize=True), b"")
    (entry,) = reader.read_pending(root)
    assert entry.error == "payload too large: 123456789 bytes, not stored"
    assert entry.oversize is True and entry.payload is None


@pytest.mark.parametrize(("body", "error"), [
    (b"", "empty payload"),
    (b" \t\n", "empty payload"),
    (b'{"a": "\xc3"}', "payload is not UTF-8 (byte 7)"),
    (b'{"a": 1,}', "payload is not valid JSON: Expecting property name enclosed in double "
                   "quotes at char 8"),
    (b"[" * 100_000 + b"]" * 100_000, "payload is not valid JSON: nested too deeply"),
    (b"[1]", "payload is a JSON list, not an object"),
    (b'"text"', "payload is a JSON str, not an object"),
    (b"null", "payload is a JSON NoneType, not an object"),
])
def test_each_unusable_payload_has_its_exact_reason(tmp_path, body, error):
    root = str(tmp_path)
    _file(root, 1, _head(stored=len(body)), body)
    (entry,) = reader.read_pending(root)
    assert entry.payload is None and entry.error == error


def test_a_good_file_after_a_bad_one_is_read(tmp_path):
    root = str(tmp_path)
    _put(root, layout.event_name(1), b"junk")
    writer.append(root, b'{"n": 2}', received_ns=9, event="X")
    entries = reader.read_pending(root)
    assert [(e.seq, e.payload, e.error) for e in entries] == [
        (1, None, "corrupt spool header"), (2, {"n": 2}, None)]


def test_limit(tmp_path):
    root = str(tmp_path)
    _appended(root, 3)
    assert [e.seq for e in reader.read_pending(root, limit=2)] == [1, 2]
    assert [e.seq for e in reader.read_pending(root, limit=0)] == []
    assert [e.seq for e in reader.read_pending(root, limit=-1)] == []
    assert [e.seq for e in reader.read_pending(root, limit=None)] == [1, 2, 3]


def _before_reading(monkeypatch, seq: int, action) -> None:
    """Run `action(path)` just before event `seq` is read (after the listing)."""
    real = reader.read_entry

    def read(path, at):
        if at == seq:
            action(path)
        return real(path, at)

    monkeypatch.setattr(reader, "read_entry", read)


def test_a_file_gone_between_listing_and_reading_is_skipped(tmp_path, monkeypatch):
    root = str(tmp_path)
    _appended(root, 3)
    _before_reading(monkeypatch, 2, os.unlink)
    assert [e.seq for e in reader.read_pending(root)] == [1, 3]


def test_an_unreadable_file_is_returned_with_the_reason(tmp_path, monkeypatch):
    root = str(tmp_path)
    _appended(root, 2)

    def denied(path):
        raise PermissionError(13, "Permission denied")

    _before_reading(monkeypatch, 1, denied)
    first, second = reader.read_pending(root)
    path = os.path.join(layout.spool_dir(root), layout.event_name(1))
    assert (first.seq, first.received_ns, first.event, first.payload, first.path, first.size,
            first.error) == (1, 0, None, None, path, 0, "unreadable spool file: Permission denied")
    assert (second.seq, second.error) == (2, None)


def test_read_pending_reserves_the_counters(tmp_path):
    root = str(tmp_path / "state")
    writer.append(root, b"{}", received_ns=1, event="X")
    reader.read_pending(root)
    for name in diag.RESERVED_COUNTERS:
        with open(diag.counter_path(root, name), "rb") as fh:
            assert fh.read() == b"0\n"


def test_temp_files_older_than_the_grace_are_swept(tmp_path):
    root = str(tmp_path)
    now = 1_000_000.0
    ages = {"old": 601.0, "edge": 600.0, "young": 10.0}
    for name, age in ages.items():
        path = _put(root, layout.TEMP_PREFIX + name, b"half")
        os.utime(path, (now - age, now - age))
    other = _put(root, "tmp-not-ours", b"x")
    os.utime(other, (0, 0))
    target = _put(root, "target", b"x")
    os.symlink(target, os.path.join(layout.spool_dir(root), layout.TEMP_PREFIX + "link"))
    os.utime(target, (now, now))
    os.utime(os.path.join(layout.spool_dir(root), layout.TEMP_PREFIX + "link"), (0, 0),
             follow_symlinks=False)
    assert reader.clean_temp_files(root, now=now) == 2
    left = sorted(os.listdir(layout.spool_dir(root)))
    assert left == sorted([layout.TEMP_PREFIX + "edge", layout.TEMP_PREFIX + "young",
                           "target", "tmp-not-ours"])
    assert reader.clean_temp_files(root, grace_seconds=5.0, now=now) == 2
    assert reader.TEMP_GRACE_SECONDS == 600.0


def test_the_sweep_uses_the_clock_by_default(tmp_path):
    root = str(tmp_path)
    path = _put(root, layout.TEMP_PREFIX + "x", b"half")
    past = time.time() - 601
    os.utime(path, (past, past))
    assert reader.clean_temp_files(root) == 1


def test_the_sweep_survives_a_file_removed_under_it(tmp_path, monkeypatch):
    root = str(tmp_path)
    for name in ("a", "b"):
        _put(root, layout.TEMP_PREFIX + name, b"half")
        os.utime(os.path.join(layout.spool_dir(root), layout.TEMP_PREFIX + name), (0, 0))
    real = os.unlink
    calls = []

    def racing(path):
        calls.append(path)
        if len(calls) == 1:
            real(path)
            raise FileNotFoundError(2, "gone")
        return real(path)

    monkeypatch.setattr(reader.os, "unlink", racing)
    assert reader.clean_temp_files(root, now=10_000.0) == 1
    assert len(calls) == 2


def test_the_sweep_of_a_missing_or_file_spool_is_zero(tmp_path):
    assert reader.clean_temp_files(str(tmp_path / "none")) == 0
    (tmp_path / "state").mkdir()
    (tmp_path / "state" / layout.SPOOL_DIRNAME).write_bytes(b"")
    assert reader.clean_temp_files(str(tmp_path / "state")) == 0


def test_ack_counts_what_it_deleted_and_goes_on_past_a_missing_one(tmp_path):
    root = str(tmp_path)
    _appended(root, 3)
    entries = reader.read_pending(root)
    os.unlink(entries[0].path)
    assert reader.ack(entries) == 2
    assert layout.list_seqs(root) == []


def test_an_env_note_of_another_shape_does_not_send_a_good_event_to_quarantine(
        _isolated_state):
    # Before the reader dropped it, a list here failed the worker's environment findings
    # (`note.items()`), and the event, stored, was quarantined on the one-by-one retry.
    from cctrace.config import Config
    from cctrace.spool import quarantine
    from cctrace.worker import pipeline

    root = str(_isolated_state)
    body = json.dumps({"session_id": "s-1", "hook_event_name": "UserPromptSubmit",
                       "prompt": "hello", "cwd": "/nowhere"}).encode()
    # received now: retention would drop a quarantine record of 1970 at once
    _file(root, 1, _head(event="UserPromptSubmit", size=len(body), stored=len(body),
                         received_ns=time.time_ns(), env=["HTTPS_PROXY", 5]), body)
    (entry,) = reader.read_pending(root)
    assert entry.env is None and entry.error is None
    pipeline.step(root, Config(state_dir=root))
    assert quarantine.count(root) == 0 and layout.list_seqs(root) == []
