"""What a stored hook event keeps: ids, names, sizes and durations, never content.

The hook payload as Claude Code sent it carries prompts, tool inputs and outputs and error
texts (a failed `cat secrets/plan.txt; exit 3` puts the file's content in `error`). The
transcript holds all of that and goes through the capture policy and the redactor; the
stored hook event only needs to say which tool ran, when, for how long and how it ended.
So this is an allow-list, at every capture level: a field is kept when it is named in
`KEPT_FIELDS` and its value is a short scalar; any other field is replaced by its size
(`{"omitted": true, "chars": n}`), whatever its name. A field name that is not a plain
identifier is dropped. An opted-out project keeps only the session id.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

from cctrace.audit.coverage import HOOKS_KEY
from cctrace.policy import Policy
from cctrace.redact.stage import Redactor, redact_value
from cctrace.store.hooks import HookEvent
from cctrace.transcript.reader import fix_surrogates

# Ids, names, numbers and enumerations: what a hook event may keep as a value.
KEPT_FIELDS = frozenset({
    "session_id", "hook_event_name", "tool_name", "tool_use_id", "agent_id", "agent_type",
    "duration_ms", "source", "reason", "trigger", "is_interrupt", "stop_hook_active",
    "permission_mode", "transcript_path", "cwd", "prompt_id", "agent_transcript_path",
    "matcher", "notification_type", "model",
})
# Kept for compatibility with callers of the old names (the same allow-list).
METADATA_FIELDS = KEPT_FIELDS
# A kept string longer than this is not an id or a name: only its size is stored.
MAX_VALUE_CHARS = 512
# More fields than this are not recorded one by one (a hostile payload can be wide).
MAX_FIELDS = 64
_FIELD_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,63}")


def _size(value: Any) -> dict[str, Any]:
    return {"omitted": True, "chars": _chars(value)}


def _chars(value: Any) -> int:
    """Length of a value as text; -1 when it cannot be rendered (nested too deep)."""
    if isinstance(value, str):
        return len(value)
    try:
        return len(json.dumps(value, ensure_ascii=False, default=str))
    except (RecursionError, ValueError, TypeError):
        return -1


def _kept(value: Any) -> bool:
    if value is None or isinstance(value, (bool, int, float)):
        return True
    return isinstance(value, str) and len(value) <= MAX_VALUE_CHARS


def slim_payload(payload: Mapping[str, Any]) -> dict[str, Any]:
    """The hook payload reduced to its allow-listed fields (the others by size only)."""
    out: dict[str, Any] = {}
    for key, value in payload.items():
        if len(out) >= MAX_FIELDS:
            out["omitted_fields"] = len(payload) - MAX_FIELDS
            break
        if not isinstance(key, str) or not _FIELD_NAME.fullmatch(key):
            continue
        if key in KEPT_FIELDS and _kept(value):
            out[key] = value
        elif value not in (None, "", [], {}):
            out[key] = _size(value)
    return out


def payload_str(payload: Mapping[str, Any], key: str) -> str | None:
    """A non-empty string field of a hook payload (lone surrogates repaired), else None."""
    value = payload.get(key)
    return fix_surrogates(value) if isinstance(value, str) and value else None


def to_hook_event(entry: Any, redactor: Redactor, policy: Policy | None = None) -> HookEvent:
    """A spool entry as a storable, redacted hook event (unusable entries are kept too)."""
    payload = entry.payload if isinstance(entry.payload, dict) else None
    if payload is None:
        body: dict[str, Any] = {"unusable": True, "error": entry.error or "not a JSON object",
                                "size": entry.size, "oversize": bool(entry.oversize)}
        return HookEvent(seq=entry.seq, received_ns=entry.received_ns, session_id=None,
                         event=entry.event or "unknown", tool_use_id=None,
                         transcript_path=None, payload=body)
    body = slim_payload(payload)
    excluded = policy.project_rule(payload_str(payload, "cwd")) if policy else None
    if excluded:
        body = {"session_id": body.get("session_id"), "withheld": excluded}
    return HookEvent(
        seq=entry.seq,
        received_ns=entry.received_ns,
        session_id=payload_str(payload, "session_id"),
        event=entry.event or payload_str(payload, "hook_event_name") or "unknown",
        tool_use_id=payload_str(payload, "tool_use_id"),
        transcript_path=payload_str(payload, "transcript_path"),
        payload=_storable(redact_value(body, redactor)),
    )


def _storable(body: dict[str, Any]) -> dict[str, Any]:
    """The payload with lone surrogates replaced (the store's UTF-8 cipher refuses them)."""
    try:
        json.dumps(body, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:
        return fix_surrogates(body)
    except (RecursionError, ValueError, TypeError):
        return {"unusable": True, "error": "payload could not be stored"}
    return body


def stored_keys() -> frozenset[str]:
    """Every key a stored payload may hold besides size records (tests use it)."""
    return KEPT_FIELDS | {HOOKS_KEY, "withheld", "unusable", "error", "size", "oversize",
                          "omitted_fields"}
