"""Cutting text after redaction: every cut of a field happens here, never before.

A cut made before the redactor saw the whole field can split a secret: the redactor then
sees only its head, which may not match any detector (a `ghp_` token cut 6 characters
short loses exactly its CRC32, the part that validates it), and the head goes out in
clear. So the builder and the capture policy never cut; after the redaction stage,
`cut_traces` applies the limits (generation inputs, status messages, `max_field_kb`) to
text that is already redacted, and `cut_text` never splits a `[REDACTED:...]`,
`[WITHHELD:...]` or `[TRUNCATED:...]` marker: a cut that would land inside one moves to
the marker's start. Display helpers (`cctrace tail`, `sessions`, rule evidence) use
`cut_text` too.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from collections.abc import Callable
from typing import Any

from cctrace.model.types import Observation, Trace

# Generation inputs repeat what tool observations already hold in full: keep them short.
GEN_INPUT_CHARS = 2000
STATUS_CHARS = 500
# Markers cctrace writes into text; a cut never splits one.
MARKER_RE = re.compile(r"\[(?:REDACTED|WITHHELD|TRUNCATED):[^\[\]\n]{0,400}\]")
_MARKER_SPAN = 420
# Nesting below this depth is not walked (the reader clamps records far above it).
MAX_DEPTH = 200


def safe_point(text: str, at: int) -> int:
    """`at`, or the start of the marker `at` would split."""
    if at <= 0 or at >= len(text) or "[" not in text[max(0, at - _MARKER_SPAN):at]:
        return max(0, min(at, len(text)))
    lo = max(0, at - _MARKER_SPAN)
    for m in MARKER_RE.finditer(text, lo, min(len(text), at + _MARKER_SPAN)):
        if m.start() < at < m.end():
            return m.start()
        if m.start() >= at:
            break
    return at


def cut_text(text: str, limit: int, suffix: str | Callable[[str, int], str] = "") -> str:
    """`text` cut to `limit` characters (at a marker's start when one spans the point),
    followed by `suffix` (or `suffix(text, kept)`); unchanged when it fits."""
    if len(text) <= limit:
        return text
    kept = safe_point(text, limit)
    tail = suffix(text, kept) if callable(suffix) else suffix
    return text[:kept] + tail


def more_chars(text: str, kept: int) -> str:
    return f"... [{len(text) - kept} more chars]"


def cap_bytes(text: str, limit: int, stats: Counter[str] | None = None) -> str:
    """`max_field_kb`: a text over `limit` UTF-8 bytes is cut there (never inside a
    character or a marker) and ends with what it was (chars, bytes, SHA-256)."""
    if len(text) * 4 <= limit:
        return text
    data = text.encode("utf-8", "surrogatepass")
    if len(data) <= limit:
        return text
    if stats is not None:
        stats["truncated_fields"] += 1
    head = data[:limit].decode("utf-8", "ignore")
    head = head[:safe_point(text, len(head))]
    digest = hashlib.sha256(data).hexdigest()
    return (f"{head}[TRUNCATED:max_field_kb={limit // 1024} chars={len(text)} "
            f"bytes={len(data)} sha256={digest}]")


def map_strings(value: Any, fn: Callable[[str], str]) -> Any:
    """`value` with `fn` applied to every string inside it (iterative: no depth limit is
    reached however deep the value nests; keys are left alone)."""
    if isinstance(value, str):
        return fn(value)
    if not isinstance(value, (dict, list)):
        return value
    root: list[Any] = [None]
    stack: list[tuple[Any, Any, Any]] = [(value, root, 0)]
    while stack:
        src, dst, key = stack.pop()
        if isinstance(src, str):
            dst[key] = fn(src)
        elif isinstance(src, dict):
            out: dict[Any, Any] = {}
            dst[key] = out
            for k, v in src.items():
                out[k] = v
                if isinstance(v, (str, dict, list)):
                    stack.append((v, out, k))
        elif isinstance(src, list):
            items = list(src)
            dst[key] = items
            for i, v in enumerate(items):
                if isinstance(v, (str, dict, list)):
                    stack.append((v, items, i))
        else:
            dst[key] = src
    return root[0]


def _cut_gen_block(block: Any) -> Any:
    if not isinstance(block, dict):
        return block
    if block.get("type") == "tool_result":
        content = block.get("content")
        if isinstance(content, str):
            return {**block, "content": cut_text(content, GEN_INPUT_CHARS, more_chars)}
        if isinstance(content, list):
            return {**block, "content": [_cut_gen_block(b) for b in content]}
        return block
    if isinstance(block.get("text"), str):
        return {**block, "text": cut_text(block["text"], GEN_INPUT_CHARS, more_chars)}
    return block


def _cut_gen_input(value: Any) -> Any:
    if not isinstance(value, list):
        return value
    out = []
    for message in value:
        if isinstance(message, dict):
            content = message.get("content")
            if isinstance(content, list):
                message = {**message, "content": [_cut_gen_block(b) for b in content]}
            elif isinstance(content, str):
                message = {**message, "content": cut_text(content, GEN_INPUT_CHARS,
                                                          more_chars)}
        out.append(message)
    return out


def _cut_observation(obs: Observation) -> None:
    if obs.type == "generation":
        obs.input = _cut_gen_input(obs.input)
    if isinstance(obs.status_message, str):
        obs.status_message = cut_text(obs.status_message, STATUS_CHARS, more_chars)
    if obs.type == "event" and isinstance(obs.metadata.get("error"), str):
        obs.metadata["error"] = cut_text(obs.metadata["error"], STATUS_CHARS, more_chars)


def cut_traces(traces: list[Trace], max_field_kb: int = 0) -> dict[str, int]:
    """Apply every size limit to redacted traces, in place; returns counters
    (`truncated_fields`). Must run after `redact_traces`."""
    stats: Counter[str] = Counter()
    limit = max_field_kb * 1024

    def cap(text: str) -> str:
        return cap_bytes(text, limit, stats)

    for t in traces:
        for obs in t.observations:
            _cut_observation(obs)
        if not limit:
            continue
        t.input, t.output = map_strings(t.input, cap), map_strings(t.output, cap)
        t.metadata = map_strings(t.metadata, cap)
        for obs in t.observations:
            obs.input, obs.output = map_strings(obs.input, cap), map_strings(obs.output, cap)
            obs.metadata = map_strings(obs.metadata, cap)
            if obs.status_message:
                obs.status_message = cap(obs.status_message)
    return dict(stats)
