"""A scripted stand-in for the Anthropic Messages API on 127.0.0.1, for driving the real CLI.

A script is plain data: a mapping from a *marker* (a string that the test puts into a prompt,
e.g. ``"[turn-1]"`` or, for a subagent, into the Agent tool's prompt) to the list of replies the
model gives in that conversation, one per model call. The reply for a request is chosen from the
request alone, so that the CLI's retries are idempotent: the conversation is the last user text
(not a tool result) that contains a marker, and the step is the number of assistant messages the
request holds after it. Requests without ``tools`` (title generation and the like), 2.0.x
``Warmup`` pre-calls and requests that match no marker get a short text without consuming a step;
compaction requests (recognised by their instruction text) get a summary. A reply may be preceded
by injected HTTP errors (``errors=[500]``): they are served once each, then the reply follows.
Every request is recorded (``server.requests``) for assertions.
"""

from __future__ import annotations

import hashlib
import json
import threading
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

# Phrases of Claude Code's compaction prompt (2.0.x-2.1.x); checked case-insensitively.
COMPACTION_MARKERS: tuple[str, ...] = (
    "create a detailed summary of the conversation",
    "your task is to create a detailed summary",
)

DEFAULT_SUMMARY = "Summary: the user and the assistant worked on files in the project."
AUX_TEXT = "Scripted session"


# --- script data -------------------------------------------------------------------------


@dataclass(frozen=True)
class Text:
    """A text content block."""

    text: str


@dataclass(frozen=True)
class Thinking:
    """An extended-thinking block (streamed as thinking_delta + signature_delta)."""

    thinking: str
    signature: str = "c2lnbmF0dXJlLWZvci10ZXN0cw=="


@dataclass(frozen=True)
class ToolUse:
    """A tool_use block; several in one Reply are parallel tool calls."""

    name: str
    input: Mapping[str, Any]
    id: str | None = None  # derived deterministically from the request when None


Block = Text | Thinking | ToolUse


@dataclass(frozen=True)
class Reply:
    """One model response. ``errors`` are HTTP statuses served (once each) before it."""

    blocks: Sequence[Block]
    errors: Sequence[int] = ()
    usage: Mapping[str, int] | None = None  # overrides the derived usage figures
    stop_reason: str | None = None  # derived: tool_use if any ToolUse block, else end_turn


def text(s: str, **kw: Any) -> Reply:
    return Reply([Text(s)], **kw)


def tools(*calls: ToolUse, preamble: str | None = None, **kw: Any) -> Reply:
    blocks: list[Block] = [Text(preamble)] if preamble else []
    return Reply([*blocks, *calls], **kw)


def bash(command: str, description: str = "look") -> ToolUse:
    """A Bash tool call, as the agent writes one."""
    return ToolUse("Bash", {"command": command, "description": description})


Script = Mapping[str, Sequence[Reply]]


# --- request analysis (pure) ---------------------------------------------------------------


def _user_texts(message: Mapping[str, Any]) -> list[str]:
    """Text a human (or the CLI on their behalf) wrote in a user message; tool results excluded."""
    content = message.get("content")
    if isinstance(content, str):
        return [content]
    out = []
    for block in content or []:
        if isinstance(block, dict) and block.get("type") == "text":
            out.append(str(block.get("text", "")))
    return out


def classify(body: Mapping[str, Any], script: Script) -> tuple[str, str | None, int]:
    """Return (kind, marker, step) for a Messages request.

    kind is one of: warmup, aux (no tools), compact, scripted, unscripted.
    """
    messages = body.get("messages") or []
    users = [m for m in messages if m.get("role") == "user"]
    if len(messages) == 1 and users and "".join(_user_texts(users[0])).strip() == "Warmup":
        return "warmup", None, 0
    if users:
        last_text = "\n".join(_user_texts(users[-1])).lower()
        if any(p in last_text for p in COMPACTION_MARKERS):
            return "compact", None, 0
    if not body.get("tools"):
        return "aux", None, 0
    for idx in range(len(messages) - 1, -1, -1):
        msg = messages[idx]
        if msg.get("role") != "user":
            continue
        joined = "\n".join(_user_texts(msg))
        # The longest matching marker wins so "[t1]" cannot shadow "[t1-sub]".
        hits = [m for m in script if m in joined]
        if hits:
            marker = max(hits, key=len)
            step = sum(1 for m in messages[idx + 1:] if m.get("role") == "assistant")
            return "scripted", marker, step
    return "unscripted", None, 0


def _short_id(*parts: object) -> str:
    return hashlib.sha256("\x1f".join(map(str, parts)).encode()).hexdigest()[:24]


def derive_usage(body: Mapping[str, Any], reply: Reply, step: int) -> dict[str, int]:
    """Plausible, deterministic usage figures; cache fields set so cost paths get exercised."""
    size = len(json.dumps(body.get("messages", []), sort_keys=True))
    out_chars = 0
    for b in reply.blocks:
        if isinstance(b, Text):
            out_chars += len(b.text)
        elif isinstance(b, Thinking):
            out_chars += len(b.thinking)
        else:
            out_chars += len(json.dumps(dict(b.input)))
    usage = {
        "input_tokens": 3 + size // 400,
        "cache_creation_input_tokens": 1000 if step == 0 else 100,
        "cache_read_input_tokens": 0 if step == 0 else 1000 + 100 * step,
        "output_tokens": 1 + out_chars // 4,
    }
    if reply.usage:
        usage.update(reply.usage)
    return usage


def sse_events(reply: Reply, *, message_id: str, model: str, usage: Mapping[str, int],
               tool_ids: Sequence[str]) -> list[tuple[str, dict[str, Any]]]:
    """The (event, data) pairs of a streamed Messages response, in order."""
    start_usage = dict(usage)
    start_usage["output_tokens"] = 1
    events: list[tuple[str, dict[str, Any]]] = [("message_start", {
        "type": "message_start",
        "message": {"id": message_id, "type": "message", "role": "assistant", "model": model,
                    "content": [], "stop_reason": None, "stop_sequence": None,
                    "usage": start_usage},
    })]
    tool_iter = iter(tool_ids)
    for i, b in enumerate(reply.blocks):
        if isinstance(b, Text):
            start = {"type": "text", "text": ""}
            deltas = [{"type": "text_delta", "text": chunk} for chunk in _chunks(b.text)]
        elif isinstance(b, Thinking):
            start = {"type": "thinking", "thinking": "", "signature": ""}
            deltas = [{"type": "thinking_delta", "thinking": c} for c in _chunks(b.thinking)]
            deltas.append({"type": "signature_delta", "signature": b.signature})
        else:
            start = {"type": "tool_use", "id": next(tool_iter), "name": b.name, "input": {}}
            raw = json.dumps(dict(b.input))
            deltas = [{"type": "input_json_delta", "partial_json": c} for c in _chunks(raw)]
        events.append(("content_block_start",
                       {"type": "content_block_start", "index": i, "content_block": start}))
        for d in deltas:
            events.append(("content_block_delta",
                           {"type": "content_block_delta", "index": i, "delta": d}))
        events.append(("content_block_stop", {"type": "content_block_stop", "index": i}))
    stop = reply.stop_reason or (
        "tool_use" if any(isinstance(b, ToolUse) for b in reply.blocks) else "end_turn")
    events.append(("message_delta", {
        "type": "message_delta", "delta": {"stop_reason": stop, "stop_sequence": None},
        "usage": dict(usage)}))
    events.append(("message_stop", {"type": "message_stop"}))
    return events


def _chunks(s: str, size: int = 24) -> list[str]:
    # Split so the client really has to reassemble deltas; an empty string still yields one.
    return [s[i:i + size] for i in range(0, len(s), size)] or [""]


def message_json(events: Sequence[tuple[str, dict[str, Any]]]) -> dict[str, Any]:
    """Fold an SSE event list into the non-streaming message object (also a reference client)."""
    msg: dict[str, Any] = {}
    partial: dict[int, str] = {}
    for name, data in events:
        if name == "message_start":
            msg = json.loads(json.dumps(data["message"]))
        elif name == "content_block_start":
            msg["content"].append(dict(data["content_block"]))
        elif name == "content_block_delta":
            block = msg["content"][data["index"]]
            d = data["delta"]
            if d["type"] == "text_delta":
                block["text"] += d["text"]
            elif d["type"] == "thinking_delta":
                block["thinking"] += d["thinking"]
            elif d["type"] == "signature_delta":
                block["signature"] = d["signature"]
            elif d["type"] == "input_json_delta":
                partial[data["index"]] = partial.get(data["index"], "") + d["partial_json"]
        elif name == "content_block_stop":
            if data["index"] in partial:
                msg["content"][data["index"]]["input"] = json.loads(partial.pop(data["index"]))
        elif name == "message_delta":
            msg.update(data["delta"])
            msg["usage"].update(data["usage"])
    return msg


# --- the server ----------------------------------------------------------------------------


@dataclass
class RecordedRequest:
    method: str
    path: str
    headers: dict[str, str]
    body: Any
    kind: str = "other"
    marker: str | None = None
    step: int = 0
    status: int = 200
    usage: dict[str, int] | None = None  # the final usage sent (message_delta), if answered
    message_id: str | None = None  # the answer's message id, if answered
    model: str | None = None  # the model the request named, if answered


@dataclass
class _State:
    script: dict[str, list[Reply]]
    requests: list[RecordedRequest] = field(default_factory=list)
    unknown_paths: list[str] = field(default_factory=list)
    errors_served: dict[tuple[str, int], int] = field(default_factory=dict)
    counter: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)


class ModelServer:
    """Threaded loopback Messages API. Use as a context manager; ``base_url`` for the CLI."""

    def __init__(self, script: Script | None = None, *, summary: str = DEFAULT_SUMMARY,
                 id_seed: str | None = None) -> None:
        self._state = _State(script={k: list(v) for k, v in (script or {}).items()})
        self.summary = summary
        # Message/tool ids are stable for one server (retries repeat them) but differ between
        # servers, so two tests reusing a marker never share ids downstream.
        self.id_seed = id_seed if id_seed is not None else uuid.uuid4().hex[:8]
        self._httpd: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # public API
    @property
    def base_url(self) -> str:
        assert self._httpd is not None, "server not started"
        return f"http://127.0.0.1:{self._httpd.server_address[1]}"

    @property
    def requests(self) -> list[RecordedRequest]:
        with self._state.lock:
            return list(self._state.requests)

    @property
    def unknown_paths(self) -> list[str]:
        with self._state.lock:
            return list(self._state.unknown_paths)

    def set_script(self, script: Script) -> None:
        with self._state.lock:
            self._state.script = {k: list(v) for k, v in script.items()}

    def add(self, marker: str, replies: Sequence[Reply]) -> None:
        with self._state.lock:
            self._state.script[marker] = list(replies)

    def messages_requests(self, kind: str | None = None) -> list[RecordedRequest]:
        return [r for r in self.requests
                if r.path.startswith("/v1/messages") and not r.path.startswith(
                    "/v1/messages/count_tokens") and (kind is None or r.kind == kind)]

    def start(self) -> ModelServer:
        handler = _make_handler(self)
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(target=self._httpd.serve_forever, args=(0.05,),
                                        daemon=True,
                                        name="model-server")
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
            self._httpd = None

    def __enter__(self) -> ModelServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # request handling
    def _answer_messages(self, body: dict[str, Any], rec: RecordedRequest
                         ) -> tuple[int, Reply | None, dict[str, Any] | None]:
        st = self._state
        with st.lock:
            kind, marker, step = classify(body, st.script)
            rec.kind, rec.marker, rec.step = kind, marker, step
            if kind == "scripted":
                replies = st.script[marker]  # type: ignore[index]
                if step >= len(replies):
                    rec.kind = "exhausted"
                    return 200, text("Done."), None
                reply = replies[step]
                served = st.errors_served.get((marker, step), 0)  # type: ignore[arg-type]
                if served < len(reply.errors):
                    st.errors_served[(marker, step)] = served + 1  # type: ignore[index]
                    status = reply.errors[served]
                    return status, None, {"type": "error", "error": {
                        "type": "overloaded_error" if status == 529 else "api_error",
                        "message": f"injected {status}"}}
                return 200, reply, None
            if kind == "compact":
                return 200, text(self.summary), None
            if kind == "aux":
                return 200, text(AUX_TEXT), None
            return 200, text("OK."), None


def _make_handler(server: ModelServer) -> type[BaseHTTPRequestHandler]:
    st = server._state

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - quiet
            pass

        def _read_body(self) -> Any:
            n = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(n) if n else b""
            try:
                return json.loads(raw) if raw else None
            except ValueError:
                return raw.decode("utf-8", "replace")

        def _send_json(self, status: int, obj: Any) -> None:
            data = json.dumps(obj).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.send_header("request-id", "req_" + _short_id(id(obj), status))
            self.end_headers()
            self.wfile.write(data)

        def _record(self, body: Any) -> RecordedRequest:
            rec = RecordedRequest(self.command, self.path, dict(self.headers.items()), body)
            with st.lock:
                st.requests.append(rec)
            return rec

        def do_GET(self) -> None:  # noqa: N802
            self._read_body()
            rec = self._record(None)
            with st.lock:
                st.unknown_paths.append(f"GET {self.path}")
            rec.status = 404
            self._send_json(404, {"type": "error", "error": {"type": "not_found_error",
                                                             "message": "not scripted"}})

        def do_HEAD(self) -> None:  # noqa: N802
            self.send_response(200)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def do_POST(self) -> None:  # noqa: N802
            body = self._read_body()
            rec = self._record(body)
            path = self.path.split("?", 1)[0]
            if path == "/v1/messages/count_tokens":
                rec.kind = "count_tokens"
                size = len(json.dumps(body)) if body is not None else 0
                self._send_json(200, {"input_tokens": 1 + size // 4})
                return
            if path != "/v1/messages" or not isinstance(body, dict):
                with st.lock:
                    st.unknown_paths.append(f"POST {self.path}")
                rec.status = 404
                self._send_json(404, {"type": "error", "error": {"type": "not_found_error",
                                                                 "message": "not scripted"}})
                return
            status, reply, err = server._answer_messages(body, rec)
            rec.status = status
            if reply is None:
                self._send_json(status, err)
                return
            with st.lock:
                st.counter += 1
                n = st.counter
            key = ((server.id_seed, rec.kind, rec.marker, rec.step) if rec.kind == "scripted"
                   else (server.id_seed, rec.kind, n))
            message_id = "msg_" + _short_id(*key)
            tool_ids = [b.id or "toolu_" + _short_id(*key, i)
                        for i, b in enumerate(reply.blocks) if isinstance(b, ToolUse)]
            usage = derive_usage(body, reply, rec.step)
            rec.usage = dict(usage)
            model = str(body.get("model") or "claude-sonnet-4-5")
            rec.message_id, rec.model = message_id, model
            events = sse_events(reply, message_id=message_id, model=model, usage=usage,
                                tool_ids=tool_ids)
            if not body.get("stream"):
                self._send_json(200, message_json(events))
                return
            payload = b"".join(
                f"event: {name}\ndata: {json.dumps(data)}\n\n".encode() for name, data in events)
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream")
            self.send_header("Cache-Control", "no-cache")
            self.send_header("request-id", "req_" + _short_id(*key, "req"))
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

    return Handler
