"""Erasures and changes an agent could make to hide its own session, recorded out of its reach.

A prompt-injected agent runs commands as the user, `cctrace` included: it can purge its own
session (the tombstone then drops the session's findings too), change the config or remove
the hooks. It cannot be stopped, so it must not be silent. `marks` says whether a command
runs from inside a Claude Code session: the variables Claude Code gives its Bash tool
(`CLAUDECODE`, `CLAUDE_CODE_ENTRYPOINT`; an agent can unset them) and, which a command
cannot change about itself, a `claude` process among its ancestors (Linux `/proc`).
`live_sessions` says which of the sessions an erasure names are still running: a hook event
(stored or still in the spool) or a transcript write in the last `LIVE_NS`, and no
SessionEnd after it. `record` stores a high `audit.agent_tamper` finding that names no
session (so no purge, tombstone or retention of a session removes it: they delete findings
by session and trace), queues it for export like the worker's findings (in Langfuse a trace
of its own, `findings.export.own_trace_id`, with its scores: no purge deletes it there
either) and appends its entry to the audit log sealed at once: deleting the row afterwards
is a missing row, deleting the entry a broken chain, both named by `cctrace verify`.
The CLI then starts a worker to send it (`cli.agentchange.send_soon`). Nothing here stops
the command: the record is the answer.
"""

from __future__ import annotations

import dataclasses
import os
import time
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from cctrace.findings import Finding, finding_id

RULE = "audit.agent_tamper"
PRODUCER = "tamper"
# A session with a hook event or a transcript write this recent, and no SessionEnd after
# it, is running: a user erases finished sessions; an agent erasing itself is live.
LIVE_NS = 30 * 60 * 1_000_000_000
ENV_MARKS = ("CLAUDECODE", "CLAUDE_CODE_ENTRYPOINT")
MAX_DEPTH = 64
# Where process ancestry is read (tests point it elsewhere).
PROC = "/proc"
SPOOL_SCAN = 5000


def local_user() -> str:
    """Who ran the command, as erasure and tamper records name them."""
    import getpass

    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no passwd entry, no LOGNAME: the uid still says who
        return f"uid {os.getuid()}"


def _is_claude(argv: Sequence[str]) -> bool:
    """A Claude Code process: the native `claude` binary, or Node running its package."""
    if not argv:
        return False
    if os.path.basename(argv[0]) == "claude":
        return True
    return any("@anthropic-ai/claude-code" in a or "claude-code/cli" in a for a in argv[:3])


def claude_ancestor(pid: int | None = None, proc: str | None = None) -> int | None:
    """The pid of the nearest Claude Code process above `pid` (default: this process), or
    None (none found, or no `/proc`)."""
    pid = os.getpid() if pid is None else pid
    proc = PROC if proc is None else proc
    for _ in range(MAX_DEPTH):
        try:
            with open(os.path.join(proc, str(pid), "stat"), "rb") as f:
                stat = f.read().decode("utf-8", "replace")
            # The command name is in parentheses and may hold spaces: fields follow the last.
            ppid = int(stat[stat.rindex(")") + 2:].split()[1])
        except (OSError, ValueError, IndexError):
            return None
        # Only 0 is no parent: pid 1 can be Claude Code itself (a container's entry point).
        if ppid < 1:
            return None
        try:
            with open(os.path.join(proc, str(ppid), "cmdline"), "rb") as f:
                argv = [a.decode("utf-8", "replace") for a in f.read().split(b"\0") if a]
        except OSError:
            return None
        if _is_claude(argv):
            return ppid
        pid = ppid
    return None


def marks(environ: Mapping[str, str] | None = None, pid: int | None = None,
          proc: str | None = None) -> list[str]:
    """Why this command looks run from inside a Claude Code session ([] when it does not)."""
    env = os.environ if environ is None else environ
    out = [f"environment variable {name} is set" for name in ENV_MARKS if env.get(name)]
    parent = claude_ancestor(pid, proc)
    if parent is not None:
        out.append(f"run below a Claude Code process (pid {parent})")
    return out


def _spool_sessions(state_dir: str) -> dict[str, bool]:
    """session id -> whether its newest pending spool event is a SessionEnd (read only:
    `read_pending` would also sweep temp files and reserve the hook's counters)."""
    from cctrace.spool import layout
    from cctrace.spool.reader import read_entry

    out: dict[str, bool] = {}
    folder = layout.spool_dir(state_dir)
    for seq in layout.list_seqs(state_dir)[-SPOOL_SCAN:]:
        try:
            payload = read_entry(os.path.join(folder, layout.event_name(seq)), seq).payload
        except OSError:
            continue  # acked by the worker meanwhile
        if isinstance(payload, dict) and isinstance(payload.get("session_id"), str):
            out[payload["session_id"]] = payload.get("hook_event_name") == "SessionEnd"
    return out


def live_sessions(store: Any, state_dir: str, session_ids: Iterable[str],
                  now_ns: int | None = None) -> list[str]:
    """The sessions among `session_ids` that are still running (see the module text)."""
    now = time.time_ns() if now_ns is None else now_ns
    wanted = sorted(set(session_ids))
    if not wanted:
        return []
    pending = _spool_sessions(state_dir)
    live: list[str] = []
    for sid in wanted:
        if sid in pending:
            if not pending[sid]:
                live.append(sid)
            continue
        rows = store._read("SELECT received_ns, event, transcript_path FROM hook_events"
                           " WHERE session_id = ? ORDER BY seq DESC LIMIT 1", (sid,))
        if not rows or rows[0]["event"] == "SessionEnd":
            continue
        latest = rows[0]["received_ns"]
        path = rows[0]["transcript_path"]
        try:
            latest = max(latest, os.stat(path).st_mtime_ns) if path else latest
        except OSError:
            pass
        if now - latest < LIVE_NS:
            live.append(sid)
    return live


def finding(action: str, reasons: Sequence[str], sessions: Sequence[str] = (),
            now_ns: int | None = None, user: str | None = None) -> Finding:
    """The high finding for `action` (a command line without secrets), `reasons` being
    why it looks like an agent's (from `marks` and `live_sessions`; at least one: without
    a reason there is no finding, see `check_erasure` and `check_change`)."""
    now = time.time_ns() if now_ns is None else now_ns
    detail: dict[str, Any] = {"action": action[:300], "reasons": list(reasons)[:8],
                              "sessions": sorted(sessions)[:50]}
    if user:
        detail["by"] = user[:100]
    return Finding(
        id=finding_id(PRODUCER, action, str(now)), kind="tamper", rule_id=RULE,
        severity="high", title=f"`{action[:80]}` run as if by an agent: {reasons[0]}",
        time_ns=now, tags=["tamper"], detail=detail, scores={"cctrace.tamper": 1.0})


def check_erasure(store: Any, state_dir: str, action: str, session_ids: Iterable[str],
                  environ: Mapping[str, str] | None = None, now_ns: int | None = None,
                  user: str | None = None) -> Finding | None:
    """The finding an erasure of `session_ids` earns (None: a user's erasure of finished
    sessions, from outside Claude Code)."""
    live = live_sessions(store, state_dir, session_ids, now_ns)
    reasons = [f"session {sid} is still running" for sid in live] + marks(environ)
    if not reasons:
        return None
    return finding(action, reasons, sorted(set(session_ids)), now_ns, user)


def check_change(action: str, environ: Mapping[str, str] | None = None,
                 now_ns: int | None = None, user: str | None = None) -> Finding | None:
    """The finding a change of cctrace itself (config, hooks) earns when run from inside
    Claude Code (None otherwise)."""
    reasons = marks(environ)
    return finding(action, reasons, (), now_ns, user) if reasons else None


def _queue(store: Any, cfg: Any, new: list[Finding]) -> dict[str, Any]:
    """Queue the new finding for every configured destination, as the worker queues its
    own (`findings.export`: in Langfuse a trace of its own with its scores, no session);
    the worker sends it. A failure is reported, never raised: the record stands locally."""
    from cctrace.config import Config
    from cctrace.findings.export import enqueue_findings

    if not new or not isinstance(cfg, Config):
        return {"queued": 0}
    try:
        return {"queued": enqueue_findings(store, new, cfg)}
    except Exception as exc:  # noqa: BLE001 - the local record is what must not fail
        return {"queued": 0, "export_error": f"not queued: {exc.__class__.__name__}"}


def record(state_dir: str, cfg: Any, found: Finding, store: Any = None,
           audit_on: bool | None = None) -> dict[str, Any]:
    """Store `found`, queue it for export (`queued`: outbox rows) and append its audit
    entry, sealed by a checkpoint now. Returns what to report (`error` when the finding or
    its entry could not be written, `export_error` when it could not be queued).
    `audit_on` overrides `[audit] enabled` (an edit of the file that turned the log off is
    recorded under the setting in force before it)."""
    from cctrace import audit
    from cctrace.audit import log as audit_log
    from cctrace.store.db import Store

    out: dict[str, Any] = {"finding": found.id}
    try:
        if store is None:
            with Store.open(state_dir) as own:
                new = own.add_findings([found])
                digests = {"findings": dict(own.row_digests.get("findings", {}))}
                out.update(_queue(own, cfg, new))
        else:
            new = store.add_findings([found])
            digests = {"findings": dict(store.row_digests.get("findings", {}))}
            out.update(_queue(store, cfg, new))
    except Exception as exc:  # noqa: BLE001 - the command goes on; the report says so
        out["error"] = f"finding not stored: {exc.__class__.__name__}"
        return out
    try:
        settings = audit.settings_from_config(cfg)
    except ValueError as exc:
        out["error"] = f"audit settings: {exc}"
        return out
    if audit_on is not None:
        settings = dataclasses.replace(settings, enabled=audit_on)
    if not settings.enabled:
        out["audit"] = "audit log disabled"
        return out
    try:
        res = audit_log.append(state_dir, audit.entries_from_findings(new, digests),
                               dataclasses.replace(settings, checkpoint_every_s=0.0))
    except OSError as exc:
        out["error"] = f"audit log not written: {exc.__class__.__name__}"
        return out
    out["checkpoint"] = res.checkpoint.n if res.checkpoint else None
    return out
