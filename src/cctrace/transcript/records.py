"""Typed views over Claude Code transcript records, and merging of streamed responses.

A `Record` wraps one parsed JSONL line and its byte offset; its properties read the fields
Claude Code writes (`type`, `uuid`, `parentUuid`, `timestamp`, `message`, `toolUseResult`,
...) without copying. Record and attachment types this module does not know are kept
as-is; callers skip and count them. Claude Code writes each content block of one
streamed model response as its own `assistant` record sharing `message.id`, each repeating
the whole usage: `merge_assistant` folds them into one `Message` whose usage counts once.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

# Record types whose meaning the builder uses; everything else is counted and skipped.
KNOWN_TYPES = frozenset({"user", "assistant", "system", "attachment"})
# Final stop reasons: the model stopped on its own and expects no tool results.
FINAL_STOP_REASONS = frozenset(
    {"end_turn", "stop_sequence", "max_tokens", "refusal", "pause_turn",
     "model_context_window_exceeded"}
)


def parse_time_ns(value: Any) -> int | None:
    """ISO 8601 UTC timestamp (as Claude Code writes it) to integer ns; None if unusable."""
    if not isinstance(value, str) or len(value) < 19:
        return None
    text = value.strip()
    frac_ns = 0
    tz = ""
    if text.endswith("Z"):
        text, tz = text[:-1], "+00:00"
    elif len(text) > 6 and text[-6] in "+-" and text[-3] == ":":
        text, tz = text[:-6], text[-6:]
    if "." in text:
        text, frac = text.split(".", 1)
        if not frac.isdigit():
            return None
        frac_ns = int(frac[:9].ljust(9, "0"))
    try:
        dt = datetime.fromisoformat(text + (tz or "+00:00"))
    except ValueError:
        return None
    return int(dt.timestamp()) * 1_000_000_000 + frac_ns


class Record:
    """One transcript line: the parsed object and the byte offset where its line starts."""

    __slots__ = ("data", "offset", "_ts")

    def __init__(self, data: dict[str, Any], offset: int = 0) -> None:
        self.data = data
        self.offset = offset
        self._ts: int | None = -1

    def __repr__(self) -> str:
        return f"Record({self.type!r}, uuid={self.uuid!r}, offset={self.offset})"

    def get(self, key: str, default: Any = None) -> Any:
        return self.data.get(key, default)

    @property
    def type(self) -> str:
        value = self.data.get("type")
        return value if isinstance(value, str) else ""

    @property
    def subtype(self) -> str | None:
        value = self.data.get("subtype")
        return value if isinstance(value, str) else None

    @property
    def uuid(self) -> str | None:
        value = self.data.get("uuid")
        return value if isinstance(value, str) else None

    @property
    def parent_uuid(self) -> str | None:
        value = self.data.get("parentUuid")
        return value if isinstance(value, str) else None

    @property
    def session_id(self) -> str | None:
        value = self.data.get("sessionId")
        return value if isinstance(value, str) else None

    @property
    def agent_id(self) -> str | None:
        value = self.data.get("agentId")
        return value if isinstance(value, str) else None

    @property
    def is_sidechain(self) -> bool:
        return bool(self.data.get("isSidechain"))

    @property
    def is_meta(self) -> bool:
        return bool(self.data.get("isMeta"))

    @property
    def timestamp_ns(self) -> int | None:
        if self._ts == -1:
            self._ts = parse_time_ns(self.data.get("timestamp"))
        return self._ts

    @property
    def message(self) -> dict[str, Any]:
        value = self.data.get("message")
        return value if isinstance(value, dict) else {}

    @property
    def content(self) -> list[dict[str, Any]]:
        """The message's content as a list of blocks (a bare string becomes one text block)."""
        value = self.message.get("content")
        if isinstance(value, str):
            return [{"type": "text", "text": value}]
        if isinstance(value, list):
            return [b for b in value if isinstance(b, dict)]
        return []

    @property
    def text(self) -> str:
        """All text blocks of the message, joined."""
        return _join(self.content, "text")

    @property
    def tool_results(self) -> list[dict[str, Any]]:
        if self.type != "user":
            return []
        return [b for b in self.content if b.get("type") == "tool_result"]

    @property
    def tool_use_result(self) -> Any:
        return self.data.get("toolUseResult")

    @property
    def attachment(self) -> dict[str, Any]:
        value = self.data.get("attachment")
        return value if isinstance(value, dict) else {}


def _join(blocks: list[dict[str, Any]], kind: str) -> str:
    return "\n".join(
        b[kind] for b in blocks if b.get("type") == kind and isinstance(b.get(kind), str)
    )


def usage_details(usage: Any) -> dict[str, int]:
    """Anthropic usage -> Langfuse price keys, each count exactly once.

    When the response splits cache creation into 5-minute and 1-hour parts, the 5-minute
    part is `input_cache_creation` and the 1-hour part `input_cache_creation_1h`, so their
    sum is the total and nothing is priced twice.
    """
    if not isinstance(usage, dict):
        return {}

    def num(value: Any) -> int:
        return int(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else 0

    out = {
        "input": num(usage.get("input_tokens")),
        "output": num(usage.get("output_tokens")),
        "input_cache_read": num(usage.get("cache_read_input_tokens")),
    }
    creation = num(usage.get("cache_creation_input_tokens"))
    split = usage.get("cache_creation")
    one_hour = num(split.get("ephemeral_1h_input_tokens")) if isinstance(split, dict) else 0
    if one_hour:
        five = num(split.get("ephemeral_5m_input_tokens"))
        out["input_cache_creation"] = five if five or creation <= one_hour else creation - one_hour
        out["input_cache_creation_1h"] = one_hour
    else:
        out["input_cache_creation"] = creation
    return out


@dataclass
class Message:
    """One model API call: every streamed `assistant` record of one `message.id`."""

    id: str
    records: list[Record]
    content: list[dict[str, Any]] = field(default_factory=list)
    model: str | None = None
    request_id: str | None = None
    stop_reason: str | None = None
    raw_usage: dict[str, Any] | None = None

    @property
    def first(self) -> Record:
        return self.records[0]

    @property
    def last(self) -> Record:
        return self.records[-1]

    @property
    def tool_uses(self) -> list[dict[str, Any]]:
        return [
            b for b in self.content if b.get("type") == "tool_use" and isinstance(b.get("id"), str)
        ]

    @property
    def text(self) -> str:
        return _join(self.content, "text")

    @property
    def thinking(self) -> str:
        return _join(self.content, "thinking")

    @property
    def usage(self) -> dict[str, int]:
        return usage_details(self.raw_usage)

    @property
    def is_synthetic(self) -> bool:
        """Claude Code's own stand-in messages (API errors, interruptions), not model output."""
        return self.model == "<synthetic>" or bool(self.first.get("isApiErrorMessage"))

    def add(self, record: Record) -> None:
        msg = record.message
        self.records.append(record)
        for block in record.content:
            self.content.append(block)
        self.model = msg.get("model") or self.model
        self.request_id = record.get("requestId") or self.request_id
        if msg.get("stop_reason"):
            self.stop_reason = msg["stop_reason"]
        usage = msg.get("usage")
        # Every record repeats the usage; later ones may carry the final output count.
        if isinstance(usage, dict):
            if self.raw_usage is None or _out(usage) >= _out(self.raw_usage):
                self.raw_usage = usage


def _out(usage: dict[str, Any]) -> int:
    value = usage.get("output_tokens")
    return value if isinstance(value, int) else 0


def message_key(record: Record) -> str:
    """The merge key of an assistant record: its message id, else its own uuid."""
    mid = record.message.get("id")
    if isinstance(mid, str) and mid:
        return mid
    return f"uuid:{record.uuid or record.offset}"


def merge_assistant(records: Iterable[Record]) -> list[Message]:
    """Group assistant records by message id, in order of first appearance."""
    by_id: dict[str, Message] = {}
    for rec in records:
        if rec.type != "assistant":
            continue
        key = message_key(rec)
        msg = by_id.get(key)
        if msg is None:
            msg = by_id[key] = Message(id=key, records=[])
        msg.add(rec)
    return list(by_id.values())
