"""Per-session mute: what the hook skips, and which transcript ranges the worker leaves out.

`cctrace-plugin mute` (the plugin's bin/) creates `<state>/muted/<session id>`: from its next
event on, the hook spools nothing for that session. Claude Code's transcript still receives
the muted turns, and the worker may read that transcript for an earlier event at any time,
so the muted stretch of the transcript is recorded as a byte range:
- the first muted event writes into `<session id>` where the transcript stands (the start);
- `unmute` renames the file to `<session id>.was`; the session's next event appends
  "start end" (end: where the transcript stands then) to `<session id>.ranges`.
The worker drops every record inside a range, or after the start of a mute still in force
(`muted_ranges`), so muted turns never reach the store, whenever it reads.
A mute is never silent: the first muted event also spools a `CctraceMuted` event of ids
only (`began_payload`), which the worker turns into a `coverage.muted` finding. Muting is a
file any process of the user can write (an agent's Bash call too), so the record says that
a session went dark and when, whoever muted it.
Standard library only; with nothing muted the hook pays one `stat`.
"""

from __future__ import annotations

import os

from cctrace.spool import jsonlite

FOLDER = "muted"
_HEAD = 64 * 1024
# The event a mute's beginning is spooled as, and what `check` returns for that event.
BEGAN = "CctraceMuted"


def _sid_ok(sid: str | None) -> bool:
    return bool(sid) and len(sid) <= 128 and sid.replace("-", "").replace("_", "").isalnum()


def _size(path: str | None) -> int:
    try:
        return os.stat(path).st_size if path else 0
    except OSError:
        return 0


def _read_int(path: str) -> int | None:
    try:
        with open(path, "rb") as fh:
            raw = fh.read(32).strip()
    except OSError:
        return None
    return int(raw) if raw.isdigit() else None


def _write(path: str, text: str, append: bool = False) -> None:
    flags = os.O_WRONLY | os.O_CREAT | (os.O_APPEND if append else os.O_TRUNC)
    fd = os.open(path, flags, 0o600)
    try:
        os.write(fd, text.encode())
    finally:
        os.close(fd)


def check(state_dir: str, data: bytes) -> bool | str:
    """Truthy when the payload's session is muted (the event must not be spooled): `BEGAN`
    for the session's first muted event, else True. Keeps the muted byte range of its
    transcript up to date (see the module docstring)."""
    folder = os.path.join(state_dir, FOLDER)
    try:
        os.stat(folder)
    except OSError:
        return False  # nothing muted: the common case costs this one stat
    head = data[:_HEAD].decode("utf-8", "ignore")
    sid = jsonlite.top_level_string(head, "session_id")
    if not _sid_ok(sid):
        return False
    base = os.path.join(folder, sid)
    if os.path.exists(base):
        if _read_int(base) is None:  # the first muted event: where the mute begins
            _write(base, f"{_size(jsonlite.top_level_string(head, 'transcript_path'))}\n")
            return BEGAN
        return True
    if os.path.exists(base + ".was"):
        start = _read_int(base + ".was")
        if start is not None:  # no event was muted at all: nothing to leave out
            end = _size(jsonlite.top_level_string(head, "transcript_path"))
            _write(base + ".ranges", f"{start} {max(end, start)}\n", append=True)
        try:
            os.unlink(base + ".was")
        except OSError:
            pass
    return False


def began_payload(data: bytes) -> bytes:
    """The `BEGAN` event for the muted payload `data`: its session id and transcript path
    (ids, no content)."""
    from _json import encode_basestring_ascii as quote

    head = data[:_HEAD].decode("utf-8", "ignore")
    sid = jsonlite.top_level_string(head, "session_id") or ""
    path = jsonlite.top_level_string(head, "transcript_path") or ""
    return (f'{{"hook_event_name": "{BEGAN}", "session_id": {quote(sid)}, '
            f'"transcript_path": {quote(path)}}}').encode("ascii")


def muted_ranges(state_dir: str, transcript_path: str) -> list[tuple[int, int | None]]:
    """For the worker: byte ranges of this transcript written while its session was muted
    (end None: the mute is still in force). Records starting inside one are left out."""
    name = os.path.basename(transcript_path)
    sid = name[:-len(".jsonl")] if name.endswith(".jsonl") else ""
    if not _sid_ok(sid):
        return []
    base = os.path.join(state_dir, FOLDER, sid)
    ranges: list[tuple[int, int | None]] = []
    try:
        with open(base + ".ranges", encoding="ascii", errors="replace") as fh:
            for line in fh:
                parts = line.split()
                if len(parts) == 2 and parts[0].isdigit() and parts[1].isdigit():
                    ranges.append((int(parts[0]), int(parts[1])))
    except OSError:
        pass
    for open_file in (base, base + ".was"):
        start = _read_int(open_file)
        if start is not None:
            ranges.append((start, None))
    return ranges


def is_muted(offset: int, ranges: list[tuple[int, int | None]]) -> bool:
    return any(start <= offset and (end is None or offset < end) for start, end in ranges)
