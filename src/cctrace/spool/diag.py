"""Diagnostics the hook and the worker leave in the state dir: bounded logs and counters.

Standard library only (the hook imports this on its failure path). Logs are
`<state>/logs/<name>.log`, rotated to `<name>.log.1` once above the log cap
(`limits.log_kb`), so each log takes at most twice the cap. Counters are
`<state>/counters/<name>`, one decimal number incremented under an flock, so concurrent
hooks never lose a count. Callers pass only event names, exception types and errno values
here, never payload content.
"""

from __future__ import annotations

import fcntl
import os
import time

_APPEND = os.O_WRONLY | os.O_APPEND | os.O_CREAT | getattr(os, "O_CLOEXEC", 0)


def _ensure(path: str) -> str:
    os.makedirs(path, mode=0o700, exist_ok=True)
    return path


def log_path(state_dir: str, name: str) -> str:
    return os.path.join(state_dir, "logs", f"{name}.log")


def counter_path(state_dir: str, name: str) -> str:
    return os.path.join(state_dir, "counters", name)


def append_log(state_dir: str, name: str, message: str, max_bytes: int | None = None) -> None:
    """Append one timestamped line to a bounded, rotating log. Raises OSError if it cannot.

    `max_bytes` defaults to the `limits.log_kb` cap (see `cctrace.spool.limits`); 0 is no cap.
    """
    if max_bytes is None:
        from cctrace.spool import limits

        max_bytes = limits.read_limits(state_dir)["log_bytes"]
    path = log_path(state_dir, name)
    _ensure(os.path.dirname(path))
    stamp = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    line = f"{stamp} pid={os.getpid()} {message}".replace("\n", " ")[:2000] + "\n"
    fd = os.open(path, _APPEND, 0o600)
    try:
        if max_bytes and os.fstat(fd).st_size >= max_bytes:
            # Two writers may both rotate; the cost is a few lost log lines, never unbounded growth.
            os.close(fd)
            fd = -1
            os.replace(path, path + ".1")
            fd = os.open(path, _APPEND, 0o600)
        os.write(fd, line.encode("utf-8", "replace"))
    finally:
        if fd >= 0:
            os.close(fd)


def bump_counter(state_dir: str, name: str, by: int = 1) -> int:
    """Add `by` to a counter file and return the new value. Raises OSError if it cannot."""
    path = counter_path(state_dir, name)
    _ensure(os.path.dirname(path))
    fd = os.open(path, os.O_RDWR | os.O_CREAT | getattr(os, "O_CLOEXEC", 0), 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        raw = os.pread(fd, 64, 0).strip()
        value = (int(raw) if raw.isdigit() else 0) + by
        data = f"{value}\n".encode("ascii")
        os.pwrite(fd, data, 0)
        os.ftruncate(fd, len(data))
        return value
    finally:
        os.close(fd)


# Counters the hook bumps when something goes wrong. Created ahead (value 0) by the
# worker, so that on a full disk a bump rewrites bytes already allocated instead of
# needing a new block: the hook can still count the events it could not spool.
RESERVED_COUNTERS = ("hook.lost", "hook.oversize", "hook.unparsed", "hook.dropped_cap")
_reserved: set[str] = set()


def reserve_counters(state_dir: str, names: tuple[str, ...] = RESERVED_COUNTERS) -> int:
    """Create the missing counter files with value 0 (once per process and state dir).

    Returns how many were created; never raises (a full or read-only disk is the reason
    this exists, so it must not fail there either).
    """
    if state_dir in _reserved and os.path.exists(counter_path(state_dir, names[0])):
        return 0  # one stat per call; a deleted and re-created state dir is noticed
    created = 0
    try:
        _ensure(os.path.join(state_dir, "counters"))
        for name in names:
            path = counter_path(state_dir, name)
            try:
                fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL
                             | getattr(os, "O_CLOEXEC", 0), 0o600)
            except FileExistsError:
                continue
            try:
                os.write(fd, b"0\n")
                created += 1
            finally:
                os.close(fd)
        _reserved.add(state_dir)
    except OSError:
        pass
    return created


def read_counters(state_dir: str, prefix: str = "") -> dict[str, int]:
    """All counters whose name starts with `prefix` (missing folder: empty)."""
    folder = os.path.join(state_dir, "counters")
    out: dict[str, int] = {}
    try:
        names = os.listdir(folder)
    except OSError:
        return out
    for name in names:
        if not name.startswith(prefix):
            continue
        try:
            with open(os.path.join(folder, name), "rb") as fh:
                raw = fh.read(64).strip()
        except OSError:
            continue
        if raw.isdigit():
            out[name] = int(raw)
    return out
