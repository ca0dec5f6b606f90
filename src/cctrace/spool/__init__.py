"""The durable event spool between the hook and the worker: one file per event, ordered by seq.

Writers (`cctrace.spool.writer`, used by the hook) write each event to a temp name, fsync it,
then, under an flock'd counter, take the next sequence number and rename the file to its
final name, so files become visible strictly in seq order and a reader never sees half an
event. The reader (`cctrace.spool.reader`, used by the single worker) lists final names, parses
them and deletes them once processed (`ack`).

This package module is import-free on purpose: the hook imports `cctrace.spool.writer`
without paying for the reader's `json` import. `read_pending`, `ack` and `SpoolEntry` are
resolved lazily from the reader.
"""

from __future__ import annotations

_READER_NAMES = ("SpoolEntry", "read_pending", "ack", "clean_temp_files")


def __getattr__(name: str):  # PEP 562: lazy re-export of the reader's API
    if name in _READER_NAMES:
        from cctrace.spool import reader

        return getattr(reader, name)
    raise AttributeError(f"module 'cctrace.spool' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(list(globals()) + list(_READER_NAMES))
