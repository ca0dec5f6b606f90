"""Writing and reading the spool: order, parsing, errors, ack, temp files, counter recovery."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
import time

import pytest

from cctrace import spool
from cctrace.spool import layout, reader, writer

SECRET = "sk-do-not-log-me-0123456789"


def _append(root: str, payload: bytes, event: str | None = "PreToolUse", **kw) -> int:
    return writer.append(root, payload, received_ns=kw.pop("received_ns", 123), event=event, **kw)


def test_entries_come_back_in_seq_order_with_their_fields(tmp_path):
    root = str(tmp_path / "state")
    payloads = [{"hook_event_name": "PreToolUse", "n": n} for n in range(5)]
    seqs = [_append(root, json.dumps(p).encode(), received_ns=1000 + n)
            for n, p in enumerate(payloads)]
    assert seqs == sorted(seqs) and len(set(seqs)) == 5
    entries = spool.read_pending(root)
    assert [e.seq for e in entries] == seqs
    assert [e.payload for e in entries] == payloads
    assert [e.received_ns for e in entries] == [1000 + n for n in range(5)]
    assert all(e.event == "PreToolUse" and e.error is None for e in entries)
    assert entries[0].size == len(json.dumps(payloads[0]).encode())
    assert entries[0].pid == os.getpid()


def test_limit_and_ack(tmp_path):
    root = str(tmp_path)
    for n in range(4):
        _append(root, json.dumps({"n": n}).encode())
    first = spool.read_pending(root, limit=2)
    assert [e.payload["n"] for e in first] == [0, 1]
    assert spool.ack(first) == 2
    assert spool.ack(first) == 0  # already gone: not an error
    assert [e.payload["n"] for e in spool.read_pending(root)] == [2, 3]


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (b"", "empty payload"),
        (b"   \n", "empty payload"),
        (f"not json {SECRET}".encode(), "not valid JSON"),
        (f'["{SECRET}"]'.encode(), "not an object"),
        (b'{"a": "\xff\xfe"}', "not UTF-8"),
    ],
)
def test_unusable_payloads_are_returned_with_a_reason_that_quotes_nothing(tmp_path, body, reason):
    root = str(tmp_path)
    _append(root, body, event=None)
    (entry,) = spool.read_pending(root)
    assert entry.payload is None
    assert reason in entry.error
    assert SECRET not in entry.error
    assert entry.size == len(body)


def test_event_falls_back_to_the_payload(tmp_path):
    root = str(tmp_path)
    _append(root, b'{"hook_event_name": "Stop"}', event=None)
    assert spool.read_pending(root)[0].event == "Stop"


def test_oversize_stub(tmp_path):
    root = str(tmp_path)
    _append(root, b"", event="PostToolUse", size=99_000_000, oversize=True)
    (entry,) = spool.read_pending(root)
    assert entry.oversize and entry.payload is None
    assert entry.event == "PostToolUse" and entry.size == 99_000_000
    assert "too large" in entry.error


def test_torn_and_corrupt_files_are_reported_not_misread(tmp_path):
    root = str(tmp_path)
    torn = _append(root, b'{"hook_event_name": "Stop", "pad": "' + b"x" * 100 + b'"}')
    bad = _append(root, b"{}")
    folder = layout.spool_dir(root)
    path = os.path.join(folder, layout.event_name(torn))
    with open(path, "r+b") as fh:
        fh.truncate(os.path.getsize(path) - 10)
    with open(os.path.join(folder, layout.event_name(bad)), "wb") as fh:
        fh.write(b"no header here")
    by_seq = {e.seq: e for e in spool.read_pending(root)}
    assert by_seq[torn].payload is None and "torn" in by_seq[torn].error
    assert by_seq[bad].payload is None and "corrupt" in by_seq[bad].error


def test_files_and_dirs_are_private_whatever_the_umask(tmp_path):
    root = str(tmp_path / "state")
    old = os.umask(0)
    try:
        _append(root, b"{}")
    finally:
        os.umask(old)
    folder = layout.spool_dir(root)
    assert stat.S_IMODE(os.stat(root).st_mode) == 0o700
    assert stat.S_IMODE(os.stat(folder).st_mode) == 0o700
    for name in os.listdir(folder):
        assert stat.S_IMODE(os.stat(os.path.join(folder, name)).st_mode) == 0o600


def test_damaged_counter_continues_above_pending_events(tmp_path):
    root = str(tmp_path)
    for _ in range(3):
        _append(root, b"{}")
    with open(os.path.join(layout.spool_dir(root), layout.COUNTER_NAME), "wb") as fh:
        fh.write(b"garbage")
    assert _append(root, b"{}") == 4


def test_counter_behind_an_existing_file_never_overwrites_it(tmp_path):
    root = str(tmp_path)
    for _ in range(2):
        _append(root, b'{"keep": true}')
    with open(os.path.join(layout.spool_dir(root), layout.COUNTER_NAME), "wb") as fh:
        fh.write(b"1\n")
    new = _append(root, b'{"new": true}')
    assert new == 3
    payloads = [e.payload for e in spool.read_pending(root)]
    assert payloads == [{"keep": True}, {"keep": True}, {"new": True}]


def test_stale_temp_files_are_swept_fresh_ones_kept(tmp_path):
    root = str(tmp_path)
    _append(root, b"{}")
    folder = layout.spool_dir(root)
    old = os.path.join(folder, layout.TEMP_PREFIX + "1-old")
    fresh = os.path.join(folder, layout.TEMP_PREFIX + "2-fresh")
    for path in (old, fresh):
        with open(path, "wb") as fh:
            fh.write(b"half an ev")
    past = time.time() - reader.TEMP_GRACE_SECONDS - 60
    os.utime(old, (past, past))
    entries = spool.read_pending(root)
    assert len(entries) == 1
    assert not os.path.exists(old) and os.path.exists(fresh)


def test_read_pending_on_a_missing_spool_is_empty(tmp_path):
    assert spool.read_pending(str(tmp_path / "nothing")) == []


_WRITER = """
import json, sys
from cctrace.spool import writer
root, who, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
for n in range(count):
    writer.append(root, json.dumps({"who": who, "n": n}).encode(), received_ns=n, event="X",
                  fsync=False)
"""


def test_concurrent_writers_and_a_reader_lose_and_repeat_nothing(tmp_path):
    root = str(tmp_path)
    writers, per_writer = 4, 60
    procs = [
        subprocess.Popen([sys.executable, "-c", _WRITER, root, str(w), str(per_writer)])
        for w in range(writers)
    ]
    seen: list[tuple[int, str, int]] = []
    last_seq = 0
    while True:
        running = any(p.poll() is None for p in procs)
        batch = spool.read_pending(root, limit=25)
        for entry in batch:
            # Visibility is in seq order: a reader never finds a lower seq after a higher one.
            assert entry.seq > last_seq
            last_seq = entry.seq
            seen.append((entry.seq, entry.payload["who"], entry.payload["n"]))
        spool.ack(batch)
        if not running and not batch:
            break
        if not batch:
            time.sleep(0.01)  # let the writers have the CPU
    assert all(p.wait() == 0 for p in procs)
    assert sorted((w, n) for _, w, n in seen) == sorted(
        (str(w), n) for w in range(writers) for n in range(per_writer)
    )
    assert [s for s, _, _ in seen] == list(range(1, writers * per_writer + 1))
