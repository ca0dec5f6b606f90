"""Edits of `config.toml` that cctrace did not make, caught in an agent's tool call.

Every write cctrace makes of the config (`cctrace config set|unset`, `cctrace setup`, all
through `cli.configfile.write_atomic`) calls `remember`, which keeps the file's digest, its
stat, a hash per key (never a value) and whether the audit log was on in `<state
dir>/config.sum`. The worker calls `check` every step: a file whose digest differs from
the remembered one was edited by something else (an editor, or a Bash `sed -i` the agent
ran). When the change's time (the file's mtime, or the state dir's for a deleted file)
falls inside a tool call of a session (its PreToolUse stored, its PostToolUse not yet
received then), the edit was made by that tool call: a high `audit.agent_tamper` finding
naming the changed keys, the session and the tool is stored, sealed and exported as
`audit.selferase` does for the commands, so no purge removes it. An edit outside any tool
call (the user's own, in an editor) is only remembered. Deciding waits while spooled events
that may hold the tool call are unread (at most `SETTLE_NS`). A file made with a forged
mtime or a remembered digest rewritten by the agent too are not caught here; the tool
call's `tamper.settings_edited` still is.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from collections.abc import Callable
from typing import Any

from cctrace import statedir
from cctrace.findings import Finding

SUM_FILE = "config.sum"
CONFIG_FILE = "config.toml"
TOOL_EVENTS = ("PreToolUse", "PostToolUse", "PostToolUseFailure")
# Tool calls that started this long before the change are looked at (a long Bash call).
LOOKBACK_NS = 30 * 60 * 1_000_000_000
# A change is decided with what is stored once it is this old, even if the spool never
# empties (a busy session).
SETTLE_NS = 5 * 60 * 1_000_000_000
# The newest hook events looked at for tool calls running at the change (all sessions).
RECENT_EVENTS = 20_000
ABSENT = "absent"


def _flat(table: Any, prefix: str = "") -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in table.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            out.update(_flat(value, name + "."))
        else:
            out[name] = value
    return out


def _stat(path: str) -> list[int] | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return [st.st_mtime_ns, st.st_size, st.st_ino]


def fingerprint(state_dir: str, source: str | None = None) -> dict[str, Any]:
    """What the config file (or `source`, the file about to replace it) is: digest, stat,
    per-key hashes, audit on or off."""
    path = source or os.path.join(state_dir, CONFIG_FILE)
    try:
        st = os.stat(path)
        with open(path, "rb") as fh:
            raw = fh.read()
    except FileNotFoundError:
        try:
            when = os.stat(state_dir).st_mtime_ns  # an unlink changes the folder's mtime
        except OSError:
            when = 0
        return {"sha256": ABSENT, "mtime_ns": when, "size": 0, "ino": 0, "keys": {},
                "audit": True}
    out: dict[str, Any] = {"sha256": hashlib.sha256(raw).hexdigest(),
                           "mtime_ns": st.st_mtime_ns, "size": st.st_size, "ino": st.st_ino}
    from cctrace.config import tomllib

    try:
        flat = _flat(tomllib.loads(raw.decode("utf-8")))
    except (UnicodeDecodeError, ValueError):
        return {**out, "keys": None, "audit": True}
    out["keys"] = {k: hashlib.sha256(json.dumps(v, sort_keys=True, default=str).encode())
                   .hexdigest()[:16] for k, v in sorted(flat.items())}
    out["audit"] = flat.get("audit.enabled") is not False
    return out


def _sum_path(state_dir: str) -> str:
    return os.path.join(state_dir, SUM_FILE)


def remembered(state_dir: str) -> dict[str, Any] | None:
    """The fingerprint cctrace last made or accepted (None: never)."""
    try:
        with open(_sum_path(state_dir), encoding="utf-8") as fh:
            data = json.load(fh)
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) and isinstance(data.get("sha256"), str) else None


def remember(state_dir: str, print_: dict[str, Any] | None = None,
             source: str | None = None) -> None:
    """Keep the config's fingerprint as cctrace's own. With `source`, the file cctrace is
    about to rename over the config (stat kept by the rename): the current file's stat is
    kept as `before`, so a check between this and the rename does not take the old file
    for someone's edit. Never raises: a failure only means the next check compares with
    an older one."""
    data = print_ if print_ is not None else fingerprint(state_dir, source)
    if source is not None:
        data = {**data, "before": _stat(os.path.join(state_dir, CONFIG_FILE))}
    path = _sum_path(state_dir)
    tmp = f"{path}.{os.getpid()}.tmp"
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, statedir.FILE_MODE)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(data, fh, sort_keys=True)
        os.replace(tmp, path)
    except OSError:
        try:
            os.unlink(tmp)
        except OSError:
            pass


def changed_keys(old: dict[str, Any], new: dict[str, Any]) -> list[str] | None:
    """The dotted keys added, removed or changed (None: either side does not parse)."""
    a, b = old.get("keys"), new.get("keys")
    if not isinstance(a, dict) or not isinstance(b, dict):
        return None
    return sorted(k for k in set(a) | set(b) if a.get(k) != b.get(k))


def open_tool_calls(store: Any, at_ns: int) -> list[tuple[str, str]]:
    """(session id, tool name) of the tool calls running at `at_ns`: PreToolUse received
    before it, no PostToolUse of the same call before it (calls without a tool_use_id,
    Claude Code 1.0.x: the session's last tool event before it is a PreToolUse)."""
    # The newest events by seq (the primary key; received_ns has no index of its own).
    rows = store._read(
        "SELECT DISTINCT session_id FROM (SELECT session_id, received_ns, event FROM"
        " hook_events ORDER BY seq DESC LIMIT ?) WHERE event = 'PreToolUse' AND"
        " session_id IS NOT NULL AND received_ns BETWEEN ? AND ?",
        (RECENT_EVENTS, at_ns - LOOKBACK_NS, at_ns))
    sids = sorted(r[0] for r in rows)
    out: list[tuple[str, str]] = []
    for sid in sids:
        events = [ev for ev in store.session_events(sid, since_ns=at_ns - LOOKBACK_NS)
                  if ev.event in TOOL_EVENTS and ev.received_ns <= at_ns]
        started: dict[str, str] = {}
        ended: set[str] = set()
        last: Any = None
        for ev in sorted(events, key=lambda e: (e.received_ns, e.seq)):
            tool = str(ev.payload.get("tool_name") or "tool")
            if ev.tool_use_id and ev.event == "PreToolUse":
                started[ev.tool_use_id] = tool
            elif ev.tool_use_id:
                ended.add(ev.tool_use_id)
            else:
                last = (ev.event, tool)
        tools = [t for i, t in started.items() if i not in ended]
        if last is not None and last[0] == "PreToolUse":
            tools.append(last[1])
        out += [(sid, t) for t in sorted(set(tools))]
    return out


def finding(old: dict[str, Any], new: dict[str, Any], calls: list[tuple[str, str]],
            now_ns: int) -> Finding:
    """The `audit.agent_tamper` finding for an edit made during `calls`."""
    from cctrace.audit import selferase

    keys = changed_keys(old, new)
    what = ("deleted" if new["sha256"] == ABSENT else "made unreadable" if keys is None
            else f"changed {', '.join(keys)[:200]}" if keys else "rewritten, same settings")
    reasons = [f"session {sid} was running a {tool} tool call when the file changed"
               for sid, tool in calls]
    return selferase.finding(f"config.toml edited outside cctrace ({what})", reasons,
                             sorted({sid for sid, _ in calls}), now_ns, selferase.local_user())


def check(store: Any, state_dir: str, *, pending: Callable[[], bool],
          now_ns: int | None = None) -> tuple[Finding | None, bool]:
    """Compare the config with the remembered fingerprint. Returns (the finding an agent's
    edit earns, whether the audit log was on before the edit); remembers the new state
    once decided. `pending()`: spooled events are still unread (asked only on a change)."""
    now = time.time_ns() if now_ns is None else now_ns
    old = remembered(state_dir)
    if old is not None and _same_stat(old, state_dir):
        return None, True
    if old is not None and old.get("before") is not None and \
            old["before"] == _stat(os.path.join(state_dir, CONFIG_FILE)):
        return None, True  # cctrace is between remembering its write and renaming it
    new = fingerprint(state_dir)
    if old is None or old["sha256"] == new["sha256"]:
        remember(state_dir, new)  # a first look, or only touched
        return None, True
    calls = open_tool_calls(store, new["mtime_ns"])
    if not calls and now - new["mtime_ns"] < SETTLE_NS and pending():
        return None, True  # the call's PreToolUse may still be in the spool
    remember(state_dir, new)
    if not calls:
        return None, True
    return finding(old, new, calls, now), bool(old.get("audit", True))


def _same_stat(old: dict[str, Any], state_dir: str) -> bool:
    try:
        st = os.stat(os.path.join(state_dir, CONFIG_FILE))
    except FileNotFoundError:
        return old["sha256"] == ABSENT
    except OSError:
        return True  # unreadable now: nothing to compare, try again next step
    return (st.st_mtime_ns, st.st_size, st.st_ino) == (
        old.get("mtime_ns"), old.get("size"), old.get("ino"))
