"""Edits of `config.toml` that cctrace did not make, caught in an agent's tool call.

Every write cctrace makes of the config (`cctrace config set|unset`, `cctrace setup`, all
through `cli.configfile.write_atomic`) calls `remember`, which keeps the file's digest, its
stat, a hash per key (never a value) and whether the audit log was on in `<state
dir>/config.sum`, signed with an HMAC under a key of its own kept like cctrace's other
secrets (`security.keys`: the OS keychain, else `<state dir>/keys/config-sum-key`, 0600).
The worker calls `check` every step: while the file's inode change time (ctime), size and
inode are the remembered ones, nothing was written (the kernel sets ctime on every write,
chmod, rename and utime, and no call lets a user set it back, unlike the mtime `touch -d`
forges); otherwise a file whose digest differs from the remembered one was edited by
something else (an editor, or a Bash `sed -i` the agent ran). When the change's time (the
file's ctime, or the state dir's for a deleted file) falls inside a tool call of a session
(its PreToolUse stored, its PostToolUse not yet received then), the edit was made by that
tool call: a high `audit.agent_tamper` finding naming the changed keys, the session and
the tool is stored, sealed and exported as `audit.selferase` does for the commands, so no
purge removes it. An edit outside any tool call (the user's own, in an editor) is only
remembered. A sum that does not verify (rewritten, deleted, unsigned once the key exists,
or older than its own file: an earlier sum copied back) is itself the evidence: the same
finding, `config.sum rewritten outside cctrace`, when its ctime or the config's falls
inside a tool call, sealed with the audit log on; the file is fingerprinted anew either
way. A sum of an older cctrace (no key yet) is trusted once, as the unsigned sums were.
Deciding waits while spooled events that may hold the tool call are unread (at most
`SETTLE_NS`). Not caught here: an agent that runs cctrace's own code or reads the key with
the user's rights and signs its own sum (the key is the user's, like every file of the
state dir), and an edit made outside every tool call (a detached process that outlives
its call); the tool call's `tamper.settings_edited` still names those.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import time
from collections.abc import Callable
from typing import Any

from cctrace import statedir
from cctrace.findings import Finding

SUM_FILE = "config.sum"
CONFIG_FILE = "config.toml"
KEY_NAME = "config-sum-key"
MAC_CONTEXT = b"cctrace-config-sum-v1\x00"
TOOL_EVENTS = ("PreToolUse", "PostToolUse", "PostToolUseFailure")
# Tool calls that started this long before the change are looked at (a long Bash call).
LOOKBACK_NS = 30 * 60 * 1_000_000_000
# A change is decided with what is stored once it is this old, even if the spool never
# empties (a busy session).
SETTLE_NS = 5 * 60 * 1_000_000_000
# The newest hook events looked at for tool calls running at the change (all sessions).
RECENT_EVENTS = 20_000
# A stat taken this soon after the file's ctime is not trusted: a write in the same clock
# tick (or second, on file systems that keep whole seconds) would leave the same ctime.
RACY_NS = 2 * 1_000_000_000
# cctrace renames its sum into place right after signing it: a sum file whose ctime is
# further than this from the time signed in it was put there later, by something else.
SUM_SKEW_NS = 10 * 1_000_000_000
ABSENT = "absent"
# The sum key per state dir, for the worker's life: one keychain or file read, not one a step.
_KEYS: dict[str, bytes] = {}
# Per state dir, the sum last verified: its file's (ctime, size, inode), the key, the sum.
# A file with the same ctime was not written since (one stat a step, no read, no HMAC).
_VERIFIED: dict[str, tuple[tuple[int, int, int], bytes, dict[str, Any]]] = {}


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
    return [st.st_ctime_ns, st.st_size, st.st_ino]


def fingerprint(state_dir: str, source: str | None = None) -> dict[str, Any]:
    """What the config file (or `source`, the file about to replace it) is: digest, stat,
    per-key hashes, audit on or off, and `seen_ns`, a time before the stat was taken."""
    path = source or os.path.join(state_dir, CONFIG_FILE)
    seen = time.time_ns()
    try:
        st = os.stat(path)
        with open(path, "rb") as fh:
            raw = fh.read()
    except FileNotFoundError:
        try:
            when = os.stat(state_dir).st_ctime_ns  # an unlink changes the folder's ctime
        except OSError:
            when = 0
        return {"sha256": ABSENT, "ctime_ns": when, "size": 0, "ino": 0, "keys": {},
                "audit": True, "seen_ns": seen}
    out: dict[str, Any] = {"sha256": hashlib.sha256(raw).hexdigest(),
                           "ctime_ns": st.st_ctime_ns, "size": st.st_size,
                           "ino": st.st_ino, "seen_ns": seen}
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
    """The sum file's fingerprint as written (None: none, or not one), not verified."""
    try:
        with open(_sum_path(state_dir), encoding="utf-8") as fh:
            data = json.load(fh)
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) and isinstance(data.get("sha256"), str) else None


def _key(state_dir: str, reload: bool = False) -> tuple[bytes, bool]:
    """(the sum key, whether it existed before this call). A stored key that is not one
    (overwritten) is replaced: what it signed can no longer be trusted. Raises
    `KeyUnavailable` when the keychain holds it but cannot be read here."""
    from cctrace.security import keys

    if not reload and state_dir in _KEYS:
        return _KEYS[state_dir], True
    try:
        key, made = keys.load_or_create_binary_key(KEY_NAME, state_dir)
    except ValueError:
        key, made = os.urandom(32), None
        keys.store_secret_key(key.hex(), state_dir, KEY_NAME)
    _KEYS[state_dir] = key
    return key, made is None


def mac(key: bytes, data: dict[str, Any]) -> str:
    """The HMAC-SHA256 hex of a sum's fields but its `mac`."""
    body = json.dumps({k: v for k, v in data.items() if k != "mac"}, sort_keys=True)
    return hmac.new(key, MAC_CONTEXT + body.encode(), hashlib.sha256).hexdigest()


def remember(state_dir: str, print_: dict[str, Any] | None = None,
             source: str | None = None) -> None:
    """Keep the config's fingerprint as cctrace's own, signed. With `source`, the file
    cctrace is about to rename over the config: the current file's stat is kept as
    `before`, so a check between this and the rename does not take the old file for
    someone's edit. Never raises: a failure only means the next check compares with an
    older one (an unsigned sum, when the key cannot be had, reads as rewritten)."""
    data = print_ if print_ is not None else fingerprint(state_dir, source)
    data = {k: v for k, v in data.items() if k != "mac"}
    if source is not None:
        data["before"] = _stat(os.path.join(state_dir, CONFIG_FILE))
    path = _sum_path(state_dir)
    tmp = f"{path}.{os.getpid()}.tmp"
    try:
        key, _ = _key(state_dir)
    except OSError:
        key = None
    data["written_ns"] = time.time_ns()
    if key is not None:
        data["mac"] = mac(key, data)
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


def trusted(state_dir: str) -> tuple[dict[str, Any] | None, str | None]:
    """(the remembered fingerprint, what is wrong with the sum: None, "rewritten" or
    "deleted"). A sum written before this key existed (an older cctrace's) is returned
    without a `mac`, to be compared once. A sum verified before whose file is the same
    (its ctime, size and inode) is not read again."""
    key, existed = _key(state_dir)
    path = _sum_path(state_dir)
    hit = _VERIFIED.get(state_dir)
    try:
        if hit is not None and hit[:2] == (_ident(os.stat(path)), key):
            return hit[2], None
        with open(path, encoding="utf-8") as fh:
            ident = _ident(os.fstat(fh.fileno()))
            data = json.load(fh)
    except FileNotFoundError:
        return None, "deleted" if existed else None
    except (OSError, ValueError):  # made unreadable, or not JSON
        return None, "rewritten" if existed else None
    if not isinstance(data, dict) or not isinstance(data.get("sha256"), str):
        return None, "rewritten" if existed else None
    if "mac" not in data and not existed:
        return data, None
    sign = data.get("mac")
    if not isinstance(sign, str):
        return None, "rewritten"
    if not hmac.compare_digest(sign, mac(key, data)):
        key, _ = _key(state_dir, reload=True)  # the state dir made anew since
        if not hmac.compare_digest(sign, mac(key, data)):
            return None, "rewritten"
    written = data.get("written_ns")
    if not isinstance(written, int) or abs(ident[0] - written) > SUM_SKEW_NS:
        return None, "rewritten"
    _VERIFIED[state_dir] = (ident, key, data)
    return data, None


def _ident(st: os.stat_result) -> tuple[int, int, int]:
    return st.st_ctime_ns, st.st_size, st.st_ino


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


def finding(old: dict[str, Any] | None, new: dict[str, Any], calls: list[tuple[str, str]],
            now_ns: int, sum_problem: str | None = None) -> Finding:
    """The `audit.agent_tamper` finding for an edit made during `calls` (`old` None: the
    sum was `sum_problem`, so the config cannot be compared with it)."""
    from cctrace.audit import selferase

    if old is None:
        title = f"config.sum {sum_problem} outside cctrace"
    else:
        keys = changed_keys(old, new)
        what = ("deleted" if new["sha256"] == ABSENT else "made unreadable" if keys is None
                else f"changed {', '.join(keys)[:200]}" if keys else
                "rewritten, same settings")
        title = f"config.toml edited outside cctrace ({what})"
    reasons = [f"session {sid} was running a {tool} tool call when the file changed"
               for sid, tool in calls]
    return selferase.finding(title, reasons, sorted({sid for sid, _ in calls}), now_ns,
                             selferase.local_user())


def check(store: Any, state_dir: str, *, pending: Callable[[], bool],
          now_ns: int | None = None) -> tuple[Finding | None, bool]:
    """Compare the config with the remembered fingerprint. Returns (the finding an agent's
    edit earns, whether the audit log was on before the edit); remembers the new state
    once decided. `pending()`: spooled events are still unread (asked only on a change).
    Raises `KeyUnavailable` (an OSError) when the sum key cannot be read here."""
    now = time.time_ns() if now_ns is None else now_ns
    old, problem = trusted(state_dir)
    if old is not None and "mac" in old:
        if _same_stat(old, state_dir):
            return None, True
        if old.get("before") is not None and \
                old["before"] == _stat(os.path.join(state_dir, CONFIG_FILE)):
            return None, True  # cctrace is between remembering its write and renaming it
    new = fingerprint(state_dir)
    if problem is not None:
        return _sum_forged(store, state_dir, new, problem, pending, now)
    if old is None or old["sha256"] == new["sha256"]:
        remember(state_dir, new)  # a first look, or only touched
        return None, True
    calls = open_tool_calls(store, new["ctime_ns"])
    if not calls and now - new["ctime_ns"] < SETTLE_NS and pending():
        return None, True  # the call's PreToolUse may still be in the spool
    remember(state_dir, new)
    if not calls:
        return None, True
    return finding(old, new, calls, now), bool(old.get("audit", True))


def _sum_forged(store: Any, state_dir: str, new: dict[str, Any], problem: str,
                pending: Callable[[], bool], now: int) -> tuple[Finding | None, bool]:
    """A sum cctrace did not write: whose, by its ctime or the config's (the audit log's
    state before it is unknown: sealed with the log on)."""
    times = [new["ctime_ns"]]
    where = _stat(_sum_path(state_dir) if problem == "rewritten" else state_dir)
    if where:  # None: gone since the look
        times.append(where[0])
    calls = sorted({c for t in times for c in open_tool_calls(store, t)})
    if not calls and now - max(times) < SETTLE_NS and pending():
        return None, True
    remember(state_dir, new)
    if not calls:
        return None, True
    return finding(None, new, calls, now, problem), True


def _same_stat(old: dict[str, Any], state_dir: str) -> bool:
    try:
        st = os.stat(os.path.join(state_dir, CONFIG_FILE))
    except FileNotFoundError:
        return old["sha256"] == ABSENT
    except OSError:
        return True  # unreadable now: nothing to compare, try again next step
    same = (st.st_ctime_ns, st.st_size, st.st_ino) == (
        old.get("ctime_ns"), old.get("size"), old.get("ino"))
    # A write in the tick of the remembered ctime would have left it as it was.
    return same and old.get("seen_ns", 0) - st.st_ctime_ns >= RACY_NS
