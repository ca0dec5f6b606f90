"""Fixtures for export tests: a loopback OTLP/HTTP receiver and sample traces.

The receiver decodes each request with `opentelemetry-proto` (gzip honoured), records it, and
answers from a script of responses (then 200), so tests can inject 503/429/400 in order.
"""

from __future__ import annotations

import gzip
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import (
    ExportTraceServiceRequest,
    ExportTraceServiceResponse,
)

from cctrace.model.ids import span_id
from cctrace.model.types import Observation, Trace

T0 = 1_700_000_000_123_456_789  # a fixed, long-past time: exported times must be these


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    raw_len: int
    request: ExportTraceServiceRequest
    status: int

    def spans(self) -> list:
        return [s for rs in self.request.resource_spans for ss in rs.scope_spans for s in ss.spans]

    def span_ids(self) -> list[str]:
        return [s.span_id.hex() for s in self.spans()]


@dataclass
class Receiver:
    url: str
    script: list[tuple[int, dict[str, str], bytes]] = field(default_factory=list)
    received: list[Received] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def respond(self, status: int, headers: dict[str, str] | None = None, body: bytes = b""):
        self.script.append((status, headers or {}, body))

    def accepted_span_ids(self) -> list[str]:
        return [sid for r in self.received if 200 <= r.status < 300 for sid in r.span_ids()]

    def all_span_ids(self) -> list[str]:
        return [sid for r in self.received for sid in r.span_ids()]


def _handler(receiver: Receiver) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 - http.server's naming
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            raw = gzip.decompress(body) if self.headers.get("Content-Encoding") == "gzip" else body
            request = ExportTraceServiceRequest()
            request.ParseFromString(raw)
            with receiver.lock:
                status, headers, reply = (
                    receiver.script.pop(0)
                    if receiver.script
                    else (200, {}, ExportTraceServiceResponse().SerializeToString())
                )
                receiver.received.append(
                    Received(self.path, dict(self.headers.items()), len(body), request, status)
                )
            self.send_response(status)
            for key, value in headers.items():
                self.send_header(key, value)
            self.send_header("Content-Length", str(len(reply)))
            self.end_headers()
            self.wfile.write(reply)

        def log_message(self, *args: object) -> None:
            pass

    return Handler


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    rec = Receiver(url="")
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(rec))
    server.daemon_threads = True
    rec.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield rec
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def dead_url() -> str:
    """A loopback URL on which nothing listens (connection refused)."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    return f"http://127.0.0.1:{port}/v1/traces"


@pytest.fixture
def make_trace():
    """Factory of sample traces (see `_make_trace`)."""
    return _make_trace


def _make_trace(n_tools: int = 1, tid: str = "ab" * 16) -> Trace:
    """A complete turn: agent root, one generation, `n_tools` tool calls, one error tool."""
    root = Observation(
        id=span_id("agent", tid),
        trace_id=tid,
        parent_id=None,
        type="agent",
        name="turn",
        start_ns=T0,
        end_ns=T0 + 9_000_000_000,
        input={"prompt": "hello"},
        output="done",
    )
    gen = Observation(
        id=span_id("generation", tid),
        trace_id=tid,
        parent_id=root.id,
        type="generation",
        name="claude",
        start_ns=T0 + 1_000,
        end_ns=T0 + 2_000_000_000,
        input=[{"role": "user", "content": "hello"}],
        output={"role": "assistant", "content": "hi"},
        model="claude-sonnet-4-5-20250929",
        model_parameters={"max_tokens": 1000},
        usage={"input": 100, "output": 20, "input_cache_read": 50},
        cost={"input": 0.0003, "output": 0.0003, "total": 0.0006},
        completion_start_ns=T0 + 500_000_000,
        metadata={"stop_reason": "end_turn"},
    )
    obs = [root, gen]
    for i in range(n_tools):
        obs.append(
            Observation(
                id=span_id("tool", f"{tid}:{i}"),
                trace_id=tid,
                parent_id=gen.id,
                type="tool",
                name="Bash",
                start_ns=T0 + 3_000_000_000 + i,
                end_ns=T0 + 4_000_000_000 + i,
                input={"command": f"ls {i}"},
                output="a\nb",
            )
        )
    obs.append(
        Observation(
            id=span_id("tool", f"{tid}:err"),
            trace_id=tid,
            parent_id=root.id,
            type="tool",
            name="Read",
            start_ns=T0 + 5_000_000_000,
            end_ns=T0 + 5_000_000_001,
            level="ERROR",
            status_message="file not found",
        )
    )
    return Trace(
        id=tid,
        session_id="sess-1",
        name="claude-code",
        start_ns=T0,
        end_ns=T0 + 9_000_000_000,
        user_id="user-1",
        tags=["claude-code", "repo:demo"],
        environment="Dev Box!",
        release="r1",
        metadata={"repo": "demo", "turn": 1},
        observations=obs,
    )
