"""Appending one event to the spool: temp file, fsync, then seq + rename under one flock.

Standard library only and cheap to import: the hook runs this on every Claude Code event.
Each event is written in full to a uniquely named temp file and fdatasync'd (so a crash can
lose the newest event but never leave a torn one behind a final name; the header's `stored`
byte count lets the reader detect one anyway). Only then is the counter file flock'd, the
next seq taken and the file renamed to `<seq>.evt`. Doing seq and rename in the same critical
section makes events visible in seq order, so a reader that has seen seq N has seen every
event below N that will ever exist. The counter is a file, not a clock: wall-clock jumps do
not matter, and concurrent hooks (Claude Code runs hooks of parallel tool calls at once) each
get a distinct, increasing number.

File layout: one JSON header line, then the payload bytes exactly as received.
"""

from __future__ import annotations

import fcntl
import os

from cctrace import statedir
from cctrace.spool import layout

FILE_MODE = 0o600
_OPEN_FLAGS = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0)


def header(
    received_ns: int, event: str | None, size: int, stored: int, oversize: bool = False,
    env: dict[str, int] | None = None,
) -> bytes:
    """The header line; hand-built JSON (no `json` import on the hook's path).

    `event` must already be a safe token (letters, digits, underscore): callers sanitize it;
    so must the names in `env` (`cctrace.hook.envnote`: fixed variable names -> CRC-32).
    """
    ev = f'"{event}"' if event else "null"
    note = ""
    if env:
        note = ',"env":{' + ",".join(f'"{k}":{int(v)}' for k, v in env.items()) + "}"
    return (
        f'{{"v":1,"received_ns":{int(received_ns)},"event":{ev},"size":{int(size)},'
        f'"stored":{int(stored)},"oversize":{"true" if oversize else "false"},'
        f'"pid":{os.getpid()}{note}}}\n'
    ).encode("ascii")


def _write_all(fd: int, data: bytes | memoryview) -> None:
    view = memoryview(data)
    while view:
        n = os.write(fd, view)
        view = view[n:]


def _write_temp(folder: str, head: bytes, payload: bytes, fsync: bool) -> str:
    tmp = os.path.join(folder, f"{layout.TEMP_PREFIX}{os.getpid()}-{os.urandom(6).hex()}")
    fd = os.open(tmp, _OPEN_FLAGS, FILE_MODE)
    try:
        _write_all(fd, head)
        if payload:
            _write_all(fd, payload)
        if fsync:
            os.fdatasync(fd) if hasattr(os, "fdatasync") else os.fsync(fd)
    except BaseException:
        os.close(fd)
        _unlink_quietly(tmp)
        raise
    os.close(fd)
    return tmp


def _unlink_quietly(path: str) -> None:
    try:
        os.unlink(path)
    except OSError:
        pass


def _read_counter(fd: int) -> int | None:
    raw = os.pread(fd, 64, 0).strip()
    return int(raw) if raw.isdigit() else None


def _publish(folder: str, tmp: str) -> int:
    """Take the next seq and rename `tmp` to it, both under the counter's flock."""
    fd = os.open(os.path.join(folder, layout.COUNTER_NAME), os.O_RDWR | os.O_CREAT, FILE_MODE)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        last = _read_counter(fd)
        if last is None:
            # Lost or damaged counter: continue above whatever is still pending.
            last = _max_pending(folder)
        seq = last + 1
        final = os.path.join(folder, layout.event_name(seq))
        if os.path.lexists(final):
            # The counter went backwards (e.g. restored after a crash); never overwrite.
            seq = max(seq, _max_pending(folder)) + 1
            final = os.path.join(folder, layout.event_name(seq))
        # Counter first: if we die between the two steps the seq is skipped, never reused.
        os.pwrite(fd, f"{seq:0{layout.SEQ_WIDTH}d}\n".encode("ascii"), 0)
        os.rename(tmp, final)
        return seq
    finally:
        os.close(fd)  # also drops the flock


def _max_pending(folder: str) -> int:
    best = 0
    with os.scandir(folder) as it:
        for entry in it:
            seq = layout.parse_seq(entry.name)
            if seq is not None and seq > best:
                best = seq
    return best


def append(
    state_dir: str,
    payload: bytes,
    *,
    received_ns: int,
    event: str | None,
    size: int | None = None,
    oversize: bool = False,
    fsync: bool = True,
    env: dict[str, int] | None = None,
) -> int:
    """Durably add one event to the spool and return its seq; raises OSError on failure.

    `payload` is stored verbatim (for an oversize stub, pass b"" and the real `size`).
    """
    statedir.ensure_dir(state_dir)
    folder = statedir.ensure_dir(layout.spool_dir(state_dir))
    head = header(received_ns, event, len(payload) if size is None else size, len(payload),
                  oversize, env)
    tmp = _write_temp(folder, head, payload, fsync)
    try:
        return _publish(folder, tmp)
    except BaseException:
        _unlink_quietly(tmp)
        raise
