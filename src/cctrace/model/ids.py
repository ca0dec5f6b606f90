"""Deterministic identifiers derived from stable transcript keys.

Re-processing a transcript, or a resumed or forked session that copies history, must
yield the same ids, because Langfuse turns a re-sent span into a duplicate. Every id is a
truncated SHA-256 of a namespaced stable key (a transcript uuid, a message id, a
tool_use id, an agent id), never of a session id or a time.
"""

from __future__ import annotations

import hashlib


def _digest(kind: str, key: str) -> str:
    return hashlib.sha256(f"cctrace:{kind}:{key}".encode()).hexdigest()


def trace_id(turn_key: str) -> str:
    """32-hex trace id for a turn, keyed by the uuid of the record that opened it."""
    value = _digest("trace", turn_key)[:32]
    return value if int(value, 16) else "1".rjust(32, "0")


def span_id(kind: str, key: str) -> str:
    """16-hex span id for an observation of `kind` keyed by a stable transcript key."""
    value = _digest(kind, key)[:16]
    return value if int(value, 16) else "1".rjust(16, "0")
