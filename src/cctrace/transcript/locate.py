"""Finding and loading subagent (sidechain) transcripts beside a session transcript.

Claude Code 2.1.x writes a subagent's records to `<session-id>/subagents/agent-<id>.jsonl`
next to `<session-id>.jsonl`; 2.0.x wrote `agent-<id>.jsonl` beside the session file.
This is the only I/O the builder needs, handed to it as `BuildContext.load_sidechain`.
`transcript_cwd` and `is_transcript` read the first records of a file named for import.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable

from cctrace.transcript.records import Record

# Agent ids are short hex/alnum strings; anything else could walk out of the folder.
_SAFE_ID = re.compile(r"^[A-Za-z0-9_-]{1,128}$")


def sidechain_paths(transcript_path: str, agent_id: str) -> list[str]:
    """Candidate files for `agent_id`, newest layout first (they need not exist)."""
    if not _SAFE_ID.match(agent_id or ""):
        return []
    folder = os.path.dirname(transcript_path)
    session = os.path.splitext(os.path.basename(transcript_path))[0]
    name = f"agent-{agent_id}.jsonl"
    return [os.path.join(folder, session, "subagents", name), os.path.join(folder, name)]


def find_sidechain(transcript_path: str, agent_id: str) -> str | None:
    """The first existing sidechain file for `agent_id`, or None."""
    for path in sidechain_paths(transcript_path, agent_id):
        if os.path.isfile(path):
            return path
    return None


def read_all(path: str) -> list[Record]:
    """Every record of a (small, finished) transcript file; [] when missing."""
    from cctrace.transcript.reader import read_new

    return read_new(path).records


def sidechain_loader(transcript_path: str) -> Callable[[str], list[Record]]:
    """A `load_sidechain` callable for the session at `transcript_path`."""

    def load(agent_id: str) -> list[Record]:
        path = find_sidechain(transcript_path, agent_id)
        return read_all(path) if path else []

    return load


WARMUP_PROMPT = "Warmup"


def _head(path: str, max_lines: int = 5) -> list[dict]:
    """The first records of a small file (a Warmup file holds two), [] when unreadable."""
    out: list[dict] = []
    try:
        with open(path, "rb") as fh:
            for _, line in zip(range(max_lines), fh, strict=False):
                try:
                    record = json.loads(line)
                except (ValueError, RecursionError):
                    break
                if isinstance(record, dict):
                    out.append(record)
    except OSError:
        return []
    return out


def _text_of(record: dict) -> str | None:
    message = record.get("message")
    content = message.get("content") if isinstance(message, dict) else None
    if isinstance(content, list):
        content = "".join(b.get("text", "") for b in content
                          if isinstance(b, dict) and b.get("type") == "text")
    return content if isinstance(content, str) else None


def warmup_session(records: list[dict]) -> str | None:
    """The session whose run made a Warmup file's call: the id on its reply.

    2.0.x names the run's session on the reply. The prompt carries the id the run started
    with: for a resumed run that is a new id with an empty transcript (or, when Claude
    Code switched first, already the resumed session's), so the prompt's id alone would
    miss a resumed run's warmups, sometimes. Without a reply yet, the prompt's id."""
    user = next((r for r in records if r.get("type") == "user"), None)
    if user is None or (_text_of(user) or "").strip() != WARMUP_PROMPT:
        return None
    replies = [r for r in records if r.get("type") == "assistant"]
    sid = (replies[-1] if replies else user).get("sessionId")
    return sid if isinstance(sid, str) and sid else None


def warmup_files(transcript_path: str, session_id: str) -> list[str]:
    """2.0.x "Warmup" pre-calls of `session_id`: `agent-*.jsonl` files beside the session
    file whose first user record is the bare prompt `Warmup` and whose call that session's
    run made (`warmup_session`)."""
    folder = os.path.dirname(transcript_path)
    try:
        names = sorted(n for n in os.listdir(folder)
                       if n.startswith("agent-") and n.endswith(".jsonl"))
    except OSError:
        return []
    out = []
    for name in names:
        path = os.path.join(folder, name)
        if warmup_session(_head(path)) == session_id:
            out.append(path)
    return out


def warmup_loader(transcript_path: str) -> Callable[[str], list[list[Record]]]:
    """A `load_warmups` callable: the records of each Warmup file of a session."""

    def load(session_id: str) -> list[list[Record]]:
        return [read_all(p) for p in warmup_files(transcript_path, session_id)]

    return load


def transcript_cwd(path: str, max_lines: int = 200) -> str | None:
    """The session's working folder, from the first records that name it (for the
    project's known secrets in its .env files)."""
    with open(path, "rb") as fh:
        for _, line in zip(range(max_lines), fh, strict=False):
            try:
                record = json.loads(line)
            except (ValueError, RecursionError):  # a poisoned line names no folder
                continue
            cwd = record.get("cwd") if isinstance(record, dict) else None
            if isinstance(cwd, str) and cwd:
                return cwd
    return None


def is_transcript(path: str) -> bool:
    """Whether `path` holds at least one Claude Code transcript record (a JSON object
    with a string `type` and a `sessionId`, or a `summary` with its `leafUuid`; the
    `--output-format stream-json` output of `claude -p` says `session_id` and is not a
    transcript). Reads until the first one, so a real transcript costs one line; a file
    of anything else is read through. An empty file is a transcript not written yet
    (Claude Code creates it first)."""
    with open(path, "rb") as fh:
        empty = True
        for line in fh:
            if not line.strip():
                continue
            empty = False
            if not line.lstrip().startswith(b"{"):
                continue
            try:
                record = json.loads(line)
            except (ValueError, RecursionError):
                continue
            if (isinstance(record, dict) and isinstance(record.get("type"), str)
                    and any(isinstance(record.get(k), str) for k in ("sessionId", "leafUuid"))):
                return True
    return empty
