"""Incremental, bounded-memory reading of one JSONL transcript file by byte offset.

A `Cursor` remembers how far a file was consumed (end of the last complete line), which
file that was (device, inode, a hash of its head) and where the oldest still-open turn
starts (`turn_offset`), so the builder can rebuild an unfinished turn next time. The
reader never trusts a partial last line, starts over when the file was truncated or
replaced, skips lines that are not JSON objects (counted), and streams the file in chunks
so memory is bounded by the longest line, not the file.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from dataclasses import asdict, dataclass, field
from typing import Any

from cctrace.transcript.records import Record

CHUNK = 1 << 20
# Nesting deeper than this is cut out of a record (the value is replaced by a marker), so
# every later stage walks bounded structures; Claude Code's own records nest about 8 deep.
MAX_DEPTH = 64
TOO_DEEP = "[WITHHELD:too-deep]"
# A line that cannot be read at all becomes a record of this type (an error event in its
# turn): its type of failure and size, never its content.
UNREADABLE = "cctrace_unreadable"
_TIMESTAMP = re.compile(rb'"timestamp"\s*:\s*"([0-9T:.+\-Z]{19,40})"')
_SIDECHAIN = re.compile(rb'"isSidechain"\s*:\s*true')
# The head hash covers at most this many bytes; a transcript's first line is always
# longer than a few bytes and unique per session (uuid, timestamp).
HEAD_BYTES = 1024


@dataclass
class Cursor:
    """How far one transcript has been consumed; JSON-serialisable."""

    path: str
    offset: int = 0
    dev: int | None = None
    inode: int | None = None
    head_len: int = 0
    head_hash: str | None = None
    turn_offset: int | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Cursor:
        known = {k: data[k] for k in cls.__dataclass_fields__ if k in data}
        return cls(**known)

    @property
    def resume_offset(self) -> int:
        """Where the next read starts: the open turn, else the end of consumed data."""
        if self.turn_offset is not None and 0 <= self.turn_offset <= self.offset:
            return self.turn_offset
        return self.offset


@dataclass
class ReadResult:
    """Records read this time (from the cursor's resume offset), the new cursor, stats."""

    records: list[Record]
    cursor: Cursor
    stats: dict[str, Any] = field(default_factory=dict)


def _head_hash(fh: Any, length: int) -> str:
    fh.seek(0)
    return hashlib.sha256(fh.read(length)).hexdigest()


def _fresh(cursor: Cursor) -> Cursor:
    return Cursor(path=cursor.path)


def read_new(
    path: str, cursor: Cursor | None = None, max_bytes: int | None = None
) -> ReadResult:
    """Parse complete lines from `cursor.resume_offset` to the end of `path`.

    Lines between `turn_offset` and `offset` are returned again (the caller re-builds the
    open turn); `stats["new_bytes"]` says how much was genuinely new. `max_bytes` bounds
    one call's new data (the rest is read next time; an open turn is re-read whole). A
    missing file gives an empty result.
    """
    cursor = Cursor(path=path) if cursor is None else cursor
    stats: dict[str, Any] = {"new_bytes": 0, "lines": 0, "bad_lines": 0, "reset": None}
    try:
        fh = open(path, "rb")
    except (FileNotFoundError, NotADirectoryError):
        stats["missing"] = True
        return ReadResult([], cursor, stats)
    with fh:
        st = os.fstat(fh.fileno())
        cur = cursor
        if cur.inode is not None and (cur.dev, cur.inode) != (st.st_dev, st.st_ino):
            stats["reset"] = "replaced"
            cur = _fresh(cur)
        elif st.st_size < cur.offset:
            stats["reset"] = "truncated"
            cur = _fresh(cur)
        elif cur.head_hash is not None and (
            st.st_size < cur.head_len or _head_hash(fh, cur.head_len) != cur.head_hash
        ):
            stats["reset"] = "replaced"
            cur = _fresh(cur)
        start = cur.resume_offset
        limit = st.st_size if max_bytes is None else min(st.st_size, cur.offset + max_bytes)
        records, end, bad = _read_lines(fh, start, st.st_size, limit)
        stats["lines"] = len(records) + bad
        stats["bad_lines"] = bad
        stats["new_bytes"] = max(0, end - cur.offset)
        head_len, head_hash = cur.head_len, cur.head_hash
        if head_hash is None or head_len < HEAD_BYTES:
            head_len = min(max(end, cur.offset), HEAD_BYTES)
            head_hash = _head_hash(fh, head_len) if head_len else None
        new = Cursor(
            path=path,
            offset=max(end, cur.offset),
            dev=st.st_dev,
            inode=st.st_ino,
            head_len=head_len if head_hash else 0,
            head_hash=head_hash,
            turn_offset=cur.turn_offset,
        )
    return ReadResult(records, new, stats)


def _read_lines(fh: Any, start: int, size: int, limit: int) -> tuple[list[Record], int, int]:
    """Records of complete lines from `start`, stopping once past `limit`.

    Returns (records, end offset of the last complete line, undecodable lines). Each chunk
    is split into lines as it is (the line it ends inside is carried into the next chunk),
    so the file's bytes are copied once before parsing, not three times.
    """
    fh.seek(start)
    records: list[Record] = []
    bad = 0
    pos = start  # file offset of carry[0]: the first byte not parsed yet
    carry = b""  # the unfinished line the last chunk ended with
    parts: list[bytes] = []  # pieces of one long line, joined once it is complete
    pending = 0
    while pos + len(carry) + pending < size:
        chunk = fh.read(CHUNK)
        if not chunk:
            break
        if b"\n" not in chunk:
            parts.append(chunk)  # one long line still incomplete: keep reading
            pending += len(chunk)
            continue
        if parts:
            carry = carry + b"".join(parts)
            parts, pending = [], 0
        lines = chunk.split(b"\n")
        if carry:
            lines[0] = carry + lines[0]
        carry = lines.pop()  # after the chunk's last newline: b"" or an unfinished line
        bad += _parse_lines(lines, pos, records)
        pos += sum(map(len, lines)) + len(lines)
        if pos >= limit:
            break
    return records, pos, bad


_MESSAGE_TYPES = ("user", "assistant")


def _parse_lines(lines: list[bytes], base: int, out: list[Record]) -> int:
    """Parse complete `lines` (newlines removed) starting at file offset `base` into `out`;
    returns how many could not be decoded."""
    bad = 0
    line_start = 0
    for line in lines:
        offset = base + line_start
        line_start += len(line) + 1
        if not line or line.isspace():  # blank (strip() would copy every line)
            continue
        try:
            data = json.loads(line)
        except (ValueError, UnicodeDecodeError):
            bad += 1
            continue
        except Exception as exc:  # noqa: BLE001 - RecursionError, MemoryError: this line only
            out.append(Record(unreadable(line, exc), offset))
            continue
        if line.count(b"{") + line.count(b"[") > MAX_DEPTH:
            data = clamp(data, MAX_DEPTH)
        if not isinstance(data, dict) or (
            data.get("type") in _MESSAGE_TYPES and "message" in data
            and not isinstance(data["message"], dict)
        ):
            # A user/assistant record whose message is not an object is damaged, not a
            # turn or a model call: building from it would invent phantom generations.
            bad += 1
            continue
        out.append(Record(data, offset))
    return bad


def unreadable(line: bytes, exc: BaseException) -> dict[str, Any]:
    """The stand-in record of a line that could not be read: ids and sizes only."""
    digest = hashlib.sha256(line).hexdigest()
    data: dict[str, Any] = {"type": UNREADABLE, "uuid": f"unreadable-{digest[:32]}",
                            "error": type(exc).__name__, "size": len(line), "sha256": digest}
    stamp = _TIMESTAMP.search(line[:4096]) or _TIMESTAMP.search(line[-4096:])
    if stamp:
        data["timestamp"] = stamp.group(1).decode("ascii")
    if _SIDECHAIN.search(line[:4096]) or _SIDECHAIN.search(line[-4096:]):
        data["isSidechain"] = True
    return data


def clamp(value: Any, max_depth: int) -> Any:
    """`value` with every container nested deeper than `max_depth` replaced by a marker
    (iterative: no recursion however deep the input)."""
    if not isinstance(value, (dict, list)):
        return value
    root: list[Any] = [value]
    stack: list[tuple[Any, Any, int]] = [(root, 0, 0)]
    while stack:
        parent, key, depth = stack.pop()
        node = parent[key]
        if isinstance(node, dict):
            if depth >= max_depth:
                parent[key] = TOO_DEEP
                continue
            for k, v in node.items():
                if isinstance(v, (dict, list)):
                    stack.append((node, k, depth + 1))
        elif isinstance(node, list):
            if depth >= max_depth:
                parent[key] = TOO_DEEP
                continue
            for i, v in enumerate(node):
                if isinstance(v, (dict, list)):
                    stack.append((node, i, depth + 1))
    return root[0]


_SURROGATE = re.compile("[\ud800-\udfff]")


def _fix(text: str) -> str:
    return _SURROGATE.sub("\ufffd", text) if _SURROGATE.search(text) else text


def fix_surrogates(value: Any) -> Any:
    """`value` with every lone surrogate (a `\\ud800` escape no pair completes) replaced by
    U+FFFD in strings and keys: no UTF-8 encoder downstream (the store, the wire) can take
    one (iterative)."""
    if isinstance(value, str):
        return _fix(value)
    if not isinstance(value, (dict, list)):
        return value
    root: list[Any] = [value]
    stack: list[tuple[Any, Any]] = [(root, 0)]
    while stack:
        parent, key = stack.pop()
        node = parent[key]
        if isinstance(node, str):
            parent[key] = _fix(node)
        elif isinstance(node, dict):
            fixed = {(_fix(k) if isinstance(k, str) else k): v for k, v in node.items()}
            parent[key] = fixed
            stack.extend((fixed, k) for k, v in fixed.items()
                         if isinstance(v, (str, dict, list)))
        elif isinstance(node, list):
            stack.extend((node, i) for i, v in enumerate(node)
                         if isinstance(v, (str, dict, list)))
    return root[0]
