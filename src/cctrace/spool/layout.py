"""Names and places inside the spool folder, shared by writer, reader and worker lifecycle.

Final event files are `<seq, 20 digits>.evt`; writers' temp files start with `.tmp-`; the
sequence counter is `.seq`. Standard library only (the hook imports this).
"""

from __future__ import annotations

import os

SPOOL_DIRNAME = "spool"
SUFFIX = ".evt"
TEMP_PREFIX = ".tmp-"
COUNTER_NAME = ".seq"
SEQ_WIDTH = 20


def spool_dir(state_dir: str) -> str:
    """The spool folder of a state dir (not created)."""
    return os.path.join(state_dir, SPOOL_DIRNAME)


def event_name(seq: int) -> str:
    """The final file name of event `seq`; zero-padded so names sort like numbers."""
    return f"{seq:0{SEQ_WIDTH}d}{SUFFIX}"


def parse_seq(name: str) -> int | None:
    """The seq of a final event file name, None for anything else (temp files, counter)."""
    if len(name) != SEQ_WIDTH + len(SUFFIX) or not name.endswith(SUFFIX):
        return None
    digits = name[:SEQ_WIDTH]
    return int(digits) if digits.isdigit() and digits.isascii() else None


def list_seqs(state_dir: str) -> list[int]:
    """Sequence numbers of the events currently in the spool, ascending."""
    seqs = []
    try:
        with os.scandir(spool_dir(state_dir)) as it:
            for entry in it:
                seq = parse_seq(entry.name)
                if seq is not None:
                    seqs.append(seq)
    except (FileNotFoundError, NotADirectoryError):
        return []
    seqs.sort()
    return seqs


def pending_signature(state_dir: str) -> tuple[int, int]:
    """(count, highest seq) of pending events: changes whenever a new event lands.

    Seqs only grow, so a new arrival always changes the signature even if the reader acked
    another event in between; the worker uses this to tell new work from stuck work.
    """
    seqs = list_seqs(state_dir)
    return (len(seqs), seqs[-1] if seqs else 0)
