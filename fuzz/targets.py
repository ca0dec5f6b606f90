"""Fuzz targets shared by the atheris harnesses and the always-run corpus tests.

`hook_target(data)` is everything the hook and the worker do with a hook's stdin: the hook's
own reader (through a real pipe), event-name sniffing and spooling, then the worker's spool
parsing and conversion to a stored, redacted hook event. `transcript_target(data)` is the
transcript path: the incremental reader (whole file, and in two appends through a cursor),
the trace builder (open and final) and pricing. A target returns normally on any input;
an exception or a hang is a bug.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import threading

_STATE = tempfile.mkdtemp(prefix="cctrace-fuzz-")


def _pin_no_worker() -> None:
    """Completing events would start a worker; worker.json names `true` instead."""
    from cctrace.worker import lifecycle

    lifecycle.write_worker_info(_STATE, python=shutil.which("true") or "/bin/true")


_pin_no_worker()


def _pipe_read(data: bytes, limit: int) -> tuple[bytes, int, bool]:
    from cctrace.hook import main as hook

    r, w = os.pipe()

    def feed() -> None:
        try:
            os.write(w, data)
        except OSError:
            pass
        finally:
            os.close(w)

    t = threading.Thread(target=feed, daemon=True)
    t.start()
    try:
        return hook.read_stdin(limit, fd=r)
    finally:
        t.join()
        os.close(r)


def hook_target(data: bytes) -> None:
    from cctrace.hook import main as hook
    from cctrace.redact.stage import NullRedactor
    from cctrace.spool import reader
    from cctrace.worker import named
    from cctrace.worker.hookevents import to_hook_event

    limit = 4096 if data[:1] == b" " else 1 << 20  # exercise the oversize path too
    got, size, over = _pipe_read(data, limit)
    assert size == len(data)
    assert over == (len(data) > limit)
    name = hook.event_name(got, complete=not over)
    assert name is None or (name.isascii() and len(name) <= 64)
    hook.handle(_STATE, got, size, over, 1)
    entries = reader.read_pending(_STATE)
    for entry in entries:
        event = to_hook_event(entry, NullRedactor())
        assert isinstance(event.payload, dict)
        named.transcripts_named([entry])
    reader.ack(entries)


def transcript_target(data: bytes) -> None:
    from cctrace.model.build import BuildContext, build_traces
    from cctrace.store.cost import apply_costs
    from cctrace.transcript.reader import read_new

    fd, path = tempfile.mkstemp(suffix=".jsonl", dir=_STATE)
    try:
        half = len(data) // 2
        os.write(fd, data[:half])
        first = read_new(path)
        os.write(fd, data[half:])
        second = read_new(path, first.cursor)
        whole = read_new(path, max_bytes=max(1, len(data) // 3))
        for result in (first, second, whole):
            for final in (False, True):
                built = build_traces(result.records, BuildContext(session_id="s", final=final))
                apply_costs(built.traces)
    finally:
        os.close(fd)
        os.unlink(path)


TARGETS = {"hook": hook_target, "transcript": transcript_target}
