"""Incremental reader: offsets, partial lines, truncation, replacement, bad lines."""

from __future__ import annotations

import json
import os

from hypothesis import given, settings
from hypothesis import strategies as st

from cctrace.transcript import reader
from cctrace.transcript.reader import Cursor, read_new


def line(i: int, pad: int = 0) -> bytes:
    return json.dumps({"type": "user", "uuid": f"u{i}", "pad": "x" * pad}).encode() + b"\n"


def test_missing_file_is_empty(tmp_path):
    res = read_new(str(tmp_path / "nope.jsonl"))
    assert res.records == [] and res.cursor.offset == 0


def test_reads_complete_lines_and_leaves_partial_line(tmp_path):
    p = tmp_path / "t.jsonl"
    p.write_bytes(line(1) + line(2) + b'{"type": "user", "uu')
    res = read_new(str(p))
    assert [r.uuid for r in res.records] == ["u1", "u2"]
    assert res.records[1].offset == len(line(1))
    assert res.cursor.offset == len(line(1) + line(2))
    with open(p, "ab") as fh:
        fh.write(b'id": "u3"}\n')
    res2 = read_new(str(p), res.cursor)
    assert [r.uuid for r in res2.records] == ["u3"]
    assert res2.records[0].offset == len(line(1) + line(2))
    assert read_new(str(p), res2.cursor).records == []


def test_cursor_roundtrips_through_json(tmp_path):
    p = tmp_path / "t.jsonl"
    p.write_bytes(line(1))
    cur = read_new(str(p)).cursor
    cur.turn_offset = 0
    back = Cursor.from_dict(json.loads(json.dumps(cur.to_dict())))
    assert back == cur


def test_truncation_starts_over(tmp_path):
    p = tmp_path / "t.jsonl"
    p.write_bytes(line(1) + line(2) + line(3))
    cur = read_new(str(p)).cursor
    p.write_bytes(line(9))  # same inode, smaller
    res = read_new(str(p), cur)
    assert res.stats["reset"] == "truncated"
    assert [r.uuid for r in res.records] == ["u9"]


def test_replacement_by_new_inode_starts_over(tmp_path):
    p = tmp_path / "t.jsonl"
    p.write_bytes(line(1))
    cur = read_new(str(p)).cursor
    other = tmp_path / "o.jsonl"
    other.write_bytes(line(7) + line(8) + line(9))
    os.replace(other, p)
    res = read_new(str(p), cur)
    assert res.stats["reset"] == "replaced"
    assert [r.uuid for r in res.records] == ["u7", "u8", "u9"]


def test_replacement_in_place_detected_by_head(tmp_path):
    p = tmp_path / "t.jsonl"
    p.write_bytes(line(1))
    cur = read_new(str(p)).cursor
    with open(p, "r+b") as fh:  # same inode, same size or larger, different head
        fh.write(line(5) + line(6))
    res = read_new(str(p), cur)
    assert res.stats["reset"] == "replaced"
    assert [r.uuid for r in res.records] == ["u5", "u6"]


def test_bad_lines_are_skipped_and_counted(tmp_path):
    p = tmp_path / "t.jsonl"
    p.write_bytes(line(1) + b"not json\n" + b"[1,2]\n" + b"\xff\xfe\n" + b"\n" + line(2))
    res = read_new(str(p))
    assert [r.uuid for r in res.records] == ["u1", "u2"]
    assert res.stats["bad_lines"] == 3


def test_turn_offset_rereads_open_turn(tmp_path):
    p = tmp_path / "t.jsonl"
    p.write_bytes(line(1) + line(2))
    cur = read_new(str(p)).cursor
    cur.turn_offset = len(line(1))
    with open(p, "ab") as fh:
        fh.write(line(3))
    res = read_new(str(p), cur)
    assert [r.uuid for r in res.records] == ["u2", "u3"]
    assert res.stats["new_bytes"] == len(line(3))
    assert res.cursor.turn_offset == len(line(1))


def test_long_lines_across_chunks(tmp_path, monkeypatch):
    monkeypatch.setattr(reader, "CHUNK", 64)
    p = tmp_path / "t.jsonl"
    data = line(1, 500) + line(2) + line(3, 1000)
    p.write_bytes(data + line(4, 300)[:-1])  # last line unfinished
    res = read_new(str(p))
    assert [r.uuid for r in res.records] == ["u1", "u2", "u3"]
    assert [r.offset for r in res.records] == [0, len(line(1, 500)),
                                               len(line(1, 500) + line(2))]
    assert res.cursor.offset == len(data)


def test_max_bytes_bounds_one_call(tmp_path, monkeypatch):
    monkeypatch.setattr(reader, "CHUNK", 16)
    p = tmp_path / "t.jsonl"
    p.write_bytes(b"".join(line(i) for i in range(10)))
    cur, seen = None, []
    for _ in range(20):
        res = read_new(str(p), cur, max_bytes=40)
        seen += [r.uuid for r in res.records]
        cur = res.cursor
    assert seen == [f"u{i}" for i in range(10)]


def _reference_read_lines(fh, start: int, size: int, limit: int):
    """The reader as it was before it split chunks in place: chunk, join, split the
    complete part (kept here as the oracle)."""
    fh.seek(start)
    records, bad, pos, buf, parts, pending = [], 0, start, b"", [], 0
    while pos + len(buf) + pending < size:
        chunk = fh.read(reader.CHUNK)
        if not chunk:
            break
        cut = chunk.rfind(b"\n")
        if cut < 0:
            parts.append(chunk)
            pending += len(chunk)
            continue
        if parts:
            buf = buf + b"".join(parts)
            parts, pending = [], 0
        body, buf = buf + chunk[: cut + 1], chunk[cut + 1:]
        bad += reader._parse_lines(body.split(b"\n")[:-1], pos, records)
        pos += len(body)
        if pos >= limit:
            break
    return records, pos, bad


LINES = st.lists(st.one_of(
    st.builds(lambda i, pad: line(i, pad)[:-1], st.integers(0, 99), st.integers(0, 300)),
    st.sampled_from([b"", b"   ", b"not json", b"[1, 2]", b'{"type": "user", "message": 3}',
                     b"\xff\xfe", b'{"a": ' + b"[" * 80 + b"]" * 80 + b"}"])),
    max_size=25)


@settings(max_examples=300, deadline=None)
@given(lines=LINES, tail=st.binary(max_size=40).filter(lambda b: b"\n" not in b),
       chunk=st.integers(1, 400), start_line=st.integers(0, 5), limit=st.integers(0, 4000))
def test_split_in_place_reads_what_the_reference_reads(tmp_path_factory, lines, tail, chunk,
                                                       start_line, limit) -> None:
    data = b"".join(piece + b"\n" for piece in lines) + tail
    path = tmp_path_factory.mktemp("r") / "t.jsonl"
    path.write_bytes(data)
    start = sum(len(piece) + 1 for piece in lines[:start_line])
    old_chunk = reader.CHUNK
    reader.CHUNK = chunk
    try:
        with open(path, "rb") as fh:
            got = reader._read_lines(fh, start, len(data), start + limit)
            want = _reference_read_lines(fh, start, len(data), start + limit)
    finally:
        reader.CHUNK = old_chunk
    assert got[1:] == want[1:]
    assert [(r.offset, r.data) for r in got[0]] == [(r.offset, r.data) for r in want[0]]
