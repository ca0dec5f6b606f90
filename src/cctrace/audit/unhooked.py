"""Sessions that ran with no cctrace hook at all, found in Claude Code's transcripts folder.

A repository's `.claude/settings.json` with `disableAllHooks: true` (or a session started
before the install, or hooks removed by hand) leaves no hook event behind: nothing from that
session reaches the worker, so `coverage.reconcile` never sees it and the bypass would be
silent. When the spool is drained, at most every `INTERVAL_S`, the worker lists
`~/.claude/projects/*/<session>.jsonl` (and the projects folder of every transcript a hook
event named); every main transcript written after cctrace's install
(and settled for `SETTLE_NS`) whose session has no hook event in the store is a high
`coverage.unhooked_session` finding. The finding holds the session id, the project folder's
name and the transcript's size, never its content: nothing is imported (`cctrace import`
does that on request), and an erased session's finding is dropped by its tombstone.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterable
from typing import Any, NamedTuple

from cctrace import statedir
from cctrace.findings import Finding, finding_id

PRODUCER = "coverage"
RULE = "coverage.unhooked_session"
INTERVAL_S = 300.0
# A hook's events reach the store within seconds; a transcript this old without any is
# a session no hook ran in (a live session's first event may still be on its way).
SETTLE_NS = 120 * 1_000_000_000
STAMP = "unhooked.stamp"
# Claude Code names a transcript after its session id (a UUID); anything else in the folder
# (a file of the user's, an `agent-*` sidechain of an older release) is not a session.
_SESSION = re.compile(r"[0-9a-fA-F]{8}(?:-[0-9a-fA-F]{4}){3}-[0-9a-fA-F]{12}")
# Folders listed per sweep, and transcripts per folder: a huge projects folder costs a
# bounded listing, never a stall of the worker.
MAX_PROJECTS = 4096
MAX_PER_PROJECT = 4096


class Transcript(NamedTuple):
    session_id: str
    project: str
    mtime_ns: int
    size: int


def list_transcripts(projects_dir: str) -> list[Transcript]:
    """Main transcripts one level below `projects_dir` (missing or unreadable: none)."""
    out: list[Transcript] = []
    try:
        projects = sorted(os.scandir(projects_dir), key=lambda e: e.name)[:MAX_PROJECTS]
    except OSError:
        return out
    for project in projects:
        try:
            if not project.is_dir(follow_symlinks=False):
                continue
            entries = sorted(os.scandir(project.path), key=lambda e: e.name)[:MAX_PER_PROJECT]
        except OSError:
            continue
        for entry in entries:
            stem, ext = os.path.splitext(entry.name)
            if ext != ".jsonl" or not _SESSION.fullmatch(stem):
                continue
            try:
                if not entry.is_file(follow_symlinks=False):
                    continue
                st = entry.stat(follow_symlinks=False)
            except OSError:  # gone since the listing
                continue
            out.append(Transcript(stem.lower(), project.name, st.st_mtime_ns, st.st_size))
    return out


def findings(transcripts: Iterable[Transcript], has_events: Callable[[str], bool],
             installed_ns: int, now_ns: int, settle_ns: int = SETTLE_NS) -> list[Finding]:
    """One finding per transcript written since `installed_ns`, settled, whose session has
    no hook event (`has_events(session_id)` is False)."""
    out: list[Finding] = []
    for t in transcripts:
        if t.mtime_ns < installed_ns or now_ns - t.mtime_ns < settle_ns:
            continue
        if has_events(t.session_id):
            continue
        out.append(Finding(
            id=finding_id(PRODUCER, RULE, t.session_id), kind="coverage", rule_id=RULE,
            severity="high",
            title="a Claude Code session ran with no cctrace hook (hooks disabled or "
                  "bypassed): nothing of it was captured",
            time_ns=t.mtime_ns, session_id=t.session_id,
            detail={"project": t.project, "transcript_bytes": t.size},
            scores={"cctrace.coverage": 0.0}))
    return out


def due(state_dir: str, now_s: float, interval_s: float = INTERVAL_S) -> bool:
    """True when the last sweep is `interval_s` old (or never ran, or lies in the future)."""
    return statedir.stamp_due(os.path.join(state_dir, STAMP), now_s, interval_s)


def stamp(state_dir: str, now_s: float) -> None:
    """Remember that a sweep ran at `now_s`."""
    statedir.touch_stamp(os.path.join(state_dir, STAMP), now_s)


def projects_dirs(transcript_paths: Iterable[str], home: str) -> list[str]:
    """The folders to sweep: the account's `~/.claude/projects` and the projects folder of
    every transcript a hook event named (a `CLAUDE_CONFIG_DIR` elsewhere is seen there)."""
    out = [os.path.join(home, ".claude", "projects")]
    for path in transcript_paths:
        if os.path.isabs(path) and path.endswith(".jsonl"):
            out.append(os.path.dirname(os.path.dirname(path)))
    return list(dict.fromkeys(out))[:16]


def sweep(store: Any, installed_ns: int | None, now_ns: int,
          folders: Iterable[str]) -> list[Finding]:
    """The findings of one sweep over `folders` (not stamped: `due` decides when to run)."""
    if installed_ns is None:
        return []
    listing: dict[str, Transcript] = {}
    for folder in folders:
        for t in list_transcripts(folder):
            listing.setdefault(t.session_id, t)
    return findings(listing.values(), store.has_session_events, installed_ns, now_ns)
