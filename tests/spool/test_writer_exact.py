"""The spool writer's exact behaviour: the header bytes, the temp file (its name, flags,
short writes, sync before publish, removal on failure) and the counter as it is read."""

from __future__ import annotations

import errno
import fcntl
import os
import re

import pytest

from cctrace.spool import layout, reader, writer


def _folder(root: str) -> str:
    return layout.spool_dir(root)


def _temps(root: str) -> list[str]:
    return sorted(n for n in os.listdir(_folder(root)) if n.startswith(layout.TEMP_PREFIX))


def test_header_bytes_exactly():
    pid = os.getpid()
    assert writer.header(12, "Stop", 34, 5) == (
        f'{{"v":1,"received_ns":12,"event":"Stop","size":34,"stored":5,"oversize":false,'
        f'"pid":{pid}}}\n').encode()
    assert writer.header(1, None, 0, 0, True) == (
        f'{{"v":1,"received_ns":1,"event":null,"size":0,"stored":0,"oversize":true,'
        f'"pid":{pid}}}\n').encode()


def test_header_env_note_exactly():
    pid = os.getpid()
    got = writer.header(7, "X", 2, 2, env={"HTTPS_PROXY": 123, "NO_PROXY": 4})
    assert got == (
        f'{{"v":1,"received_ns":7,"event":"X","size":2,"stored":2,"oversize":false,'
        f'"pid":{pid},"env":{{"HTTPS_PROXY":123,"NO_PROXY":4}}}}\n').encode()
    # an empty note writes no key at all
    assert b'"env"' not in writer.header(7, "X", 2, 2, env={})


def test_env_note_round_trips_through_the_reader(tmp_path):
    root = str(tmp_path)
    writer.append(root, b"{}", received_ns=1, event="X", env={"A": 1, "B_C": 4294967295})
    (entry,) = reader.read_pending(root)
    assert entry.env == {"A": 1, "B_C": 4294967295} and entry.error is None


def test_short_writes_are_continued_until_every_byte_is_written(tmp_path, monkeypatch):
    real = os.write
    calls = []

    def short(fd, data):
        calls.append(len(data))
        return real(fd, bytes(data)[:7])

    monkeypatch.setattr(writer.os, "write", short)
    payload = b'{"hook_event_name": "Stop", "pad": "' + b"y" * 50 + b'"}'
    seq = writer.append(str(tmp_path), payload, received_ns=5, event="Stop")
    monkeypatch.undo()
    (entry,) = reader.read_pending(str(tmp_path))
    assert entry.seq == seq and entry.error is None
    assert entry.payload == {"hook_event_name": "Stop", "pad": "y" * 50}
    assert len(calls) > 2 and calls[-1] <= 7


def test_temp_file_name_flags_and_sync_before_publish(tmp_path, monkeypatch):
    root = str(tmp_path)
    seen: dict[str, object] = {"synced": []}
    real_open, real_rename = os.open, os.rename

    def spy_open(path, flags, mode=0o777):
        fd = real_open(path, flags, mode)
        if os.path.basename(path).startswith(layout.TEMP_PREFIX):
            seen["temp"] = os.path.basename(path)
            seen["flags"] = flags
            seen["cloexec"] = bool(fcntl.fcntl(fd, fcntl.F_GETFD) & fcntl.FD_CLOEXEC)
        return fd

    def spy_sync(fd):
        seen["synced"].append((fd, "temp" in seen, "renamed" in seen))

    def spy_rename(src, dst):
        seen["renamed"] = (os.path.basename(src), os.path.basename(dst))
        return real_rename(src, dst)

    def no_fsync(fd):
        raise AssertionError("fdatasync is there: the full fsync is not needed")

    monkeypatch.setattr(writer.os, "open", spy_open)
    monkeypatch.setattr(writer.os, "fdatasync", spy_sync)
    monkeypatch.setattr(writer.os, "fsync", no_fsync)
    monkeypatch.setattr(writer.os, "rename", spy_rename)
    writer.append(root, b"{}", received_ns=1, event="X")  # fsync defaults to on
    monkeypatch.undo()
    assert re.fullmatch(rf"\.tmp-{os.getpid()}-[0-9a-f]{{12}}", seen["temp"])
    assert seen["flags"] & os.O_EXCL and seen["flags"] & os.O_CREAT
    assert seen["cloexec"] is True
    # synced once, after the temp file was made and before the rename made it visible
    assert [(t, r) for _, t, r in seen["synced"]] == [(True, False)]
    assert seen["renamed"] == (seen["temp"], layout.event_name(1))


def test_no_sync_when_asked(tmp_path, monkeypatch):
    calls = []
    monkeypatch.setattr(writer.os, "fdatasync", calls.append)
    monkeypatch.setattr(writer.os, "fsync", calls.append)
    writer.append(str(tmp_path), b"{}", received_ns=1, event="X", fsync=False)
    assert calls == []


def test_a_temp_name_taken_already_is_never_written_through(tmp_path, monkeypatch):
    root = str(tmp_path)
    folder = _folder(root)
    os.makedirs(folder)
    monkeypatch.setattr(writer.os, "urandom", lambda n: b"\x01" * n)
    taken = os.path.join(folder, f"{layout.TEMP_PREFIX}{os.getpid()}-{'01' * 6}")
    with open(taken, "wb") as fh:
        fh.write(b"someone else's")
    with pytest.raises(FileExistsError):
        writer.append(root, b"{}", received_ns=1, event="X")
    with open(taken, "rb") as fh:
        assert fh.read() == b"someone else's"
    assert layout.list_seqs(root) == []


@pytest.mark.parametrize(("call", "code", "next_seq"), [
    ("write", errno.ENOSPC, 2),   # failed before a seq was taken
    ("rename", errno.EXDEV, 3),   # the seq taken before the failed rename is skipped
])
def test_a_failure_leaves_no_temp_file_and_raises_the_os_error(tmp_path, monkeypatch, call,
                                                               code, next_seq):
    root = str(tmp_path)
    writer.append(root, b"{}", received_ns=1, event="X")

    def failing(*args):
        raise OSError(code, os.strerror(code))

    monkeypatch.setattr(writer.os, call, failing)
    with pytest.raises(OSError) as info:
        writer.append(root, b"{}", received_ns=2, event="X")
    assert info.value.errno == code
    monkeypatch.undo()
    assert _temps(root) == [] and layout.list_seqs(root) == [1]
    assert writer.append(root, b"{}", received_ns=3, event="X") == next_seq


@pytest.mark.parametrize(("counter", "expected"), [
    (b"7\n", 8),                                  # fewer digits than written: read whole
    (b"00000000000000000041\n", 42),
    (b"00000000000000000007" + b" " * 44 + b"junk", 8),   # past 64 bytes is never read
    (b"0000000000000000007" + b" " * 44 + b"junk", 1),    # junk inside them: not a counter
])
def test_the_counter_is_read_from_its_first_byte_and_at_most_64(tmp_path, counter, expected):
    root = str(tmp_path)
    os.makedirs(_folder(root))
    with open(os.path.join(_folder(root), layout.COUNTER_NAME), "wb") as fh:
        fh.write(counter)
    assert writer.append(root, b"{}", received_ns=1, event="X") == expected
    with open(os.path.join(_folder(root), layout.COUNTER_NAME), "rb") as fh:
        assert fh.read() == f"{expected:020d}\n".encode() + counter[21:]
