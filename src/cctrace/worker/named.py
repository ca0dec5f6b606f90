"""What a slice of spool entries asks of the worker: the transcripts its hook events name.

Each main transcript a hook payload points at (`transcript_path`), once, in first-seen
order, with the session and folder the event gave, and whether a `SessionEnd` named it (the
transcript is then read to its end with every turn closed). Payloads are untrusted JSON: a
field of the wrong type names nothing.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from cctrace.worker.hookevents import payload_str as _str

# Events after which the session's transcript is read to its end with every turn closed.
FINAL_EVENTS = frozenset({"SessionEnd"})


def entry_cwd(entry: Any) -> str | None:
    return _str(entry.payload, "cwd") if isinstance(entry.payload, dict) else None


@dataclass
class TranscriptWork:
    path: str
    session_id: str | None
    cwd: str | None
    final: bool = False
    final_ns: int | None = None  # when the (last) SessionEnd naming it was received


def transcripts_named(entries: Iterable[Any]) -> list[TranscriptWork]:
    """The main transcripts the entries point at, in first-seen order."""
    work: dict[str, TranscriptWork] = {}
    for entry in entries:
        payload = entry.payload if isinstance(entry.payload, dict) else {}
        path = _str(payload, "transcript_path")
        if not path:
            continue
        item = work.setdefault(path, TranscriptWork(
            path, _str(payload, "session_id"), _str(payload, "cwd")))
        # A hostile payload may hold any JSON under the name (a list is unhashable).
        if (entry.event or _str(payload, "hook_event_name")) in FINAL_EVENTS:
            item.final = True
            received = getattr(entry, "received_ns", None)
            if isinstance(received, int):
                item.final_ns = max(item.final_ns or 0, received)
    return list(work.values())
