"""Cleaning what the transcript holds before it becomes an observation's input or output.

Media payloads and thinking signatures are dropped from message and tool-result content,
plain text and short scalar fields are read out of it, and Claude Code's recorded API
errors are read as one line (the API's message and HTTP status). Pure functions: nothing
is cut here (a cut before redaction can split a secret; `redact.cut` cuts later).
"""

from __future__ import annotations

import json
from typing import Any


def strip_media(block: dict[str, Any]) -> dict[str, Any]:
    """Replace inline base64 payloads (images, documents) by a short description."""
    source = block.get("source")
    if isinstance(source, dict) and isinstance(source.get("data"), str):
        return {**block, "source": {k: v for k, v in source.items() if k != "data"}
                | {"data": f"[{len(source['data'])} base64 chars omitted]"}}
    return block


def clean_content(value: Any) -> Any:
    """Tool result / message content, with media payloads and signatures removed.

    Nothing is cut here: a cut before redaction can split a secret (`redact.cut` cuts
    generation inputs and status messages after the redaction stage)."""
    if isinstance(value, str):
        return value
    if isinstance(value, list):
        out = []
        for block in value:
            if not isinstance(block, dict):
                out.append(block)
                continue
            block = strip_media(block)
            if "signature" in block:
                block = {k: v for k, v in block.items() if k != "signature"}
            if block.get("type") == "tool_result":
                block = {**block, "content": clean_content(block.get("content"))}
            out.append(block)
        return out
    return value


def content_text(value: Any) -> str:
    """The text blocks of a content value, joined by newlines ("" when there are none)."""
    if isinstance(value, str):
        return value
    if isinstance(value, list):
        return "\n".join(
            b.get("text", "") for b in value if isinstance(b, dict) and b.get("type") == "text"
        )
    return ""


def scalar_fields(value: Any, limit: int = 500) -> dict[str, Any]:
    """Short scalar fields of a `toolUseResult` object (status, exit codes, agent ids...)."""
    if not isinstance(value, dict):
        return {}
    out: dict[str, Any] = {}
    for key, item in value.items():
        if isinstance(item, bool) or isinstance(item, (int, float)) or item is None:
            out[key] = item
        elif isinstance(item, str) and len(item) <= limit:
            out[key] = item
    return out


def error_text(error: Any) -> str | None:
    """A readable line for an API error as Claude Code records it: the API's own message
    and the HTTP status ("HTTP 529: Overloaded (overloaded_error)"), never a Python repr.
    `error` is a string, or a dict with `status`, `message` ("529 {json body}"),
    `formatted`, or a nested `error` object (the API's body)."""
    if error is None or error == "":
        return None
    if isinstance(error, str):
        return error.strip() or None
    if not isinstance(error, dict):
        return str(error)
    status = error.get("status") if isinstance(error.get("status"), int) else None
    body: Any = error.get("error")
    message = error.get("message")
    if isinstance(message, str):
        head, _, rest = message.strip().partition(" ")
        if head.isdigit() and rest.lstrip().startswith("{"):
            status = status or int(head)
            try:
                body = json.loads(rest)
            except ValueError:
                pass
    if isinstance(body, dict) and isinstance(body.get("error"), dict):
        body = body["error"]
    inner = body.get("message") if isinstance(body, dict) else None
    kind = body.get("type") if isinstance(body, dict) else None
    if isinstance(inner, str) and inner:
        text = inner + (f" ({kind})" if isinstance(kind, str) and kind else "")
    elif isinstance(error.get("formatted"), str) and error["formatted"]:
        text = error["formatted"]
    elif isinstance(message, str) and message:
        text = message
    else:
        text = "API error"
    return f"HTTP {status}: {text}" if status else text
