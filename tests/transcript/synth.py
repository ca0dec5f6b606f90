"""Synthetic Claude Code records shaped like 2.1.x transcripts, for targeted tests."""

from __future__ import annotations

import itertools
import json
from typing import Any

_counter = itertools.count(1)

BASE = {
    "isSidechain": False,
    "userType": "external",
    "cwd": "/home/dev/proj",
    "sessionId": "sess-1",
    "version": "2.1.328",
    "gitBranch": "main",
    "entrypoint": "sdk-cli",
}


def ts(second: float) -> str:
    whole = int(second)
    ms = int(round((second - whole) * 1000))
    return f"2026-01-01T10:{whole // 60:02d}:{whole % 60:02d}.{ms:03d}Z"


def uid(prefix: str = "u") -> str:
    return f"{prefix}-{next(_counter):06d}"


def user(text: Any, t: float, **extra: Any) -> dict[str, Any]:
    return {**BASE, "parentUuid": None, "type": "user",
            "message": {"role": "user", "content": text},
            "uuid": uid(), "timestamp": ts(t), **extra}


def tool_result(tool_use_id: str, content: Any, t: float, is_error: bool = False,
                tur: Any = None) -> dict[str, Any]:
    rec = user([{"tool_use_id": tool_use_id, "type": "tool_result", "content": content,
                 "is_error": is_error}], t)
    if tur is not None:
        rec["toolUseResult"] = tur
    return rec


def usage(inp: int = 10, out: int = 5, read: int = 100, create: int = 20,
          one_hour: int = 0) -> dict[str, Any]:
    return {"input_tokens": inp, "output_tokens": out, "cache_read_input_tokens": read,
            "cache_creation_input_tokens": create,
            "cache_creation": {"ephemeral_5m_input_tokens": create - one_hour,
                               "ephemeral_1h_input_tokens": one_hour},
            "service_tier": "standard"}


def assistant(msg_id: str, blocks: list[dict[str, Any]], t: float, stop: str | None = None,
              model: str = "claude-sonnet-4-5-20250929", use: dict[str, Any] | None = None,
              req: str | None = None) -> list[dict[str, Any]]:
    """One record per content block, as Claude Code streams them (same id, same usage)."""
    out = []
    for i, block in enumerate(blocks):
        last = i == len(blocks) - 1
        out.append({**BASE, "parentUuid": None, "type": "assistant", "requestId": req or
                    f"req-{msg_id}",
                    "message": {"id": msg_id, "type": "message", "role": "assistant",
                                "model": model, "content": [block],
                                "stop_reason": stop if last else None, "stop_sequence": None,
                                "usage": use or usage()},
                    "uuid": uid("a"), "timestamp": ts(t + i * 0.1)})
    return out


def text(s: str) -> dict[str, Any]:
    return {"type": "text", "text": s}


def tool_use(tid: str, name: str, inp: dict[str, Any]) -> dict[str, Any]:
    return {"type": "tool_use", "id": tid, "name": name, "input": inp}


def thinking(s: str) -> dict[str, Any]:
    return {"type": "thinking", "thinking": s, "signature": "sig" * 10}


def system(subtype: str, t: float, **extra: Any) -> dict[str, Any]:
    return {**BASE, "parentUuid": None, "type": "system", "subtype": subtype,
            "uuid": uid("s"), "timestamp": ts(t), **extra}


def flatten(*items: Any) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for item in items:
        out.extend(item if isinstance(item, list) else [item])
    return out


def jsonl(records: list[dict[str, Any]]) -> bytes:
    return b"".join(json.dumps(r).encode() + b"\n" for r in records)
