"""A loopback OTLP/HTTP trace receiver with fault injection, standing in for Langfuse / a collector.

Accepts POST on `/api/public/otel/v1/traces` (Langfuse's path) and `/v1/traces`, protobuf or
JSON, optionally gzip-encoded. Each request is recorded with its headers; every span is decoded
into a plain dict (hex ids, ns times, attributes as Python values, resource attributes). Faults
can be set while running: a queue of scripted responses (status, headers, body, delay) served
before normal 200s, and `down()` / `up()` which close the listening socket and re-open it on the
same port, so an exporter sees refused connections and then a recovered server.
"""

from __future__ import annotations

import gzip
import json
import threading
import time
import zlib
from collections import deque
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import (
    ExportTraceServiceRequest,
    ExportTraceServiceResponse,
)
from opentelemetry.proto.common.v1.common_pb2 import AnyValue

TRACE_PATHS = ("/api/public/otel/v1/traces", "/v1/traces")
DELETE_TRACES_PATH = "/api/public/traces"
SCORES_PATH = "/api/public/scores"


# --- decoding (pure) -----------------------------------------------------------------------


def any_value(v: AnyValue) -> Any:
    kind = v.WhichOneof("value")
    if kind is None:
        return None
    if kind == "array_value":
        return [any_value(x) for x in v.array_value.values]
    if kind == "kvlist_value":
        return {kv.key: any_value(kv.value) for kv in v.kvlist_value.values}
    if kind == "bytes_value":
        return bytes(v.bytes_value)
    return getattr(v, kind)


def _json_value(v: Mapping[str, Any]) -> Any:
    # OTLP/JSON: int64 arrive as strings, bytes as base64; ids are hex (handled by the caller).
    if "stringValue" in v:
        return v["stringValue"]
    if "boolValue" in v:
        return bool(v["boolValue"])
    if "intValue" in v:
        return int(v["intValue"])
    if "doubleValue" in v:
        return float(v["doubleValue"])
    if "arrayValue" in v:
        return [_json_value(x) for x in v["arrayValue"].get("values", [])]
    if "kvlistValue" in v:
        return {kv["key"]: _json_value(kv.get("value", {}))
                for kv in v["kvlistValue"].get("values", [])}
    if "bytesValue" in v:
        import base64
        return base64.b64decode(v["bytesValue"])
    return None


def decode_protobuf(body: bytes) -> list[dict[str, Any]]:
    """Spans of an ExportTraceServiceRequest as plain dicts."""
    req = ExportTraceServiceRequest()
    req.ParseFromString(body)
    spans = []
    for rs in req.resource_spans:
        resource = {kv.key: any_value(kv.value) for kv in rs.resource.attributes}
        for ss in rs.scope_spans:
            for s in ss.spans:
                spans.append({
                    "trace_id": s.trace_id.hex(),
                    "span_id": s.span_id.hex(),
                    "parent_span_id": s.parent_span_id.hex() or None,
                    "name": s.name,
                    "kind": int(s.kind),
                    "start_ns": int(s.start_time_unix_nano),
                    "end_ns": int(s.end_time_unix_nano),
                    "attributes": {kv.key: any_value(kv.value) for kv in s.attributes},
                    "status": {"code": int(s.status.code), "message": s.status.message},
                    "events": [{"name": e.name, "time_ns": int(e.time_unix_nano),
                                "attributes": {kv.key: any_value(kv.value)
                                               for kv in e.attributes}} for e in s.events],
                    "resource": resource,
                    "scope": ss.scope.name,
                })
    return spans


def decode_json(body: bytes) -> list[dict[str, Any]]:
    """Spans of an OTLP/JSON trace export as plain dicts (same shape as decode_protobuf)."""
    doc = json.loads(body)
    spans = []
    for rs in doc.get("resourceSpans", []):
        resource = {kv["key"]: _json_value(kv.get("value", {}))
                    for kv in rs.get("resource", {}).get("attributes", [])}
        for ss in rs.get("scopeSpans", []):
            for s in ss.get("spans", []):
                spans.append({
                    "trace_id": s.get("traceId", "").lower(),
                    "span_id": s.get("spanId", "").lower(),
                    "parent_span_id": (s.get("parentSpanId") or "").lower() or None,
                    "name": s.get("name", ""),
                    "kind": int(s.get("kind", 0) or 0),
                    "start_ns": int(s.get("startTimeUnixNano", 0)),
                    "end_ns": int(s.get("endTimeUnixNano", 0)),
                    "attributes": {kv["key"]: _json_value(kv.get("value", {}))
                                   for kv in s.get("attributes", [])},
                    "status": {"code": int((s.get("status") or {}).get("code", 0) or 0),
                               "message": (s.get("status") or {}).get("message", "")},
                    "events": [{"name": e.get("name", ""),
                                "time_ns": int(e.get("timeUnixNano", 0)),
                                "attributes": {kv["key"]: _json_value(kv.get("value", {}))
                                               for kv in e.get("attributes", [])}}
                               for e in s.get("events", [])],
                    "resource": resource,
                    "scope": (ss.get("scope") or {}).get("name", ""),
                })
    return spans


def decode_body(body: bytes, content_type: str, content_encoding: str) -> list[dict[str, Any]]:
    enc = (content_encoding or "").lower()
    if enc == "gzip":
        body = gzip.decompress(body)
    elif enc == "deflate":
        body = zlib.decompress(body)
    if "json" in (content_type or "").lower():
        return decode_json(body)
    return decode_protobuf(body)


# --- server --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Fault:
    """One scripted response. `body=None` means an empty body; bytes are sent as given."""

    status: int = 503
    headers: Mapping[str, str] = field(default_factory=dict)
    body: bytes | None = None
    delay: float = 0.0
    # Close the connection after reading half the request body, without any response (a
    # proxy or server dying mid-request). Nothing is accepted; the request is recorded
    # with status 0.
    close: bool = False


@dataclass
class ReceivedRequest:
    """One POST as received; `headers` keys are lower-case."""

    path: str
    headers: dict[str, str]
    body: bytes
    status: int
    spans: list[dict[str, Any]]
    error: str | None = None
    time: float = 0.0
    method: str = "POST"


class OTLPReceiver:
    """Threaded loopback OTLP/HTTP receiver. Context manager; `endpoint`/`base_url` for clients.

    Spans are counted as *accepted* only for requests answered 2xx (what a real backend keeps).
    """

    def __init__(self, port: int = 0) -> None:
        self._port = port
        self._lock = threading.Lock()
        self._requests: list[ReceivedRequest] = []
        self._scores: list[dict[str, Any]] = []
        self._faults: deque[Fault] = deque()
        self._delay = 0.0
        self._httpd: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._arrived = threading.Condition(self._lock)
        self._in_flight = 0

    # lifecycle
    def start(self) -> OTLPReceiver:
        handler = _make_handler(self)
        ThreadingHTTPServer.allow_reuse_address = True
        self._httpd = ThreadingHTTPServer(("127.0.0.1", self._port), handler)
        self._httpd.daemon_threads = True
        self._port = self._httpd.server_address[1]
        self._thread = threading.Thread(target=self._httpd.serve_forever, args=(0.05,),
                                        daemon=True,
                                        name="otlp-receiver")
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
            self._httpd = None

    def down(self) -> None:
        """Stop listening: connections to the port are refused until `up()`."""
        self.stop()

    def up(self) -> None:
        """Listen again on the same port."""
        if self._httpd is None:
            deadline = time.monotonic() + 10
            while True:
                try:
                    self.start()
                    return
                except OSError:
                    if time.monotonic() > deadline:
                        raise
                    time.sleep(0.05)

    @property
    def is_up(self) -> bool:
        return self._httpd is not None

    def __enter__(self) -> OTLPReceiver:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # addresses
    @property
    def port(self) -> int:
        return self._port

    @property
    def base_url(self) -> str:
        """For LANGFUSE_BASE_URL: the exporter appends /api/public/otel/v1/traces."""
        return f"http://127.0.0.1:{self._port}"

    @property
    def endpoint(self) -> str:
        """For CCTRACE_OTLP_ENDPOINT / OTLPSpanExporter(endpoint=...)."""
        return f"{self.base_url}/v1/traces"

    # faults
    def push_faults(self, faults: Iterable[Fault | int]) -> None:
        """Queue responses served (in order, one per request) before normal 200s."""
        with self._lock:
            for f in faults:
                self._faults.append(f if isinstance(f, Fault) else Fault(status=f))

    def clear_faults(self) -> None:
        with self._lock:
            self._faults.clear()

    def set_delay(self, seconds: float) -> None:
        """Delay every response (slow server)."""
        with self._lock:
            self._delay = seconds

    # results
    @property
    def requests(self) -> list[ReceivedRequest]:
        with self._lock:
            return list(self._requests)

    def spans(self, *, accepted_only: bool = True) -> list[dict[str, Any]]:
        with self._lock:
            return [s for r in self._requests
                    if not accepted_only or 200 <= r.status < 300 for s in r.spans]

    def scores(self) -> list[dict[str, Any]]:
        """Score objects received on Langfuse's scores API (accepted ones)."""
        with self._lock:
            return list(self._scores)

    def span_ids(self, *, accepted_only: bool = True) -> list[str]:
        return [s["span_id"] for s in self.spans(accepted_only=accepted_only)]

    def wait_for_spans(self, count: int, timeout: float = 10.0) -> list[dict[str, Any]]:
        """Block until at least `count` accepted spans arrived (or timeout); return them all."""
        deadline = time.monotonic() + timeout
        with self._arrived:
            while True:
                n = sum(len(r.spans) for r in self._requests if 200 <= r.status < 300)
                left = deadline - time.monotonic()
                if n >= count or left <= 0:
                    break
                self._arrived.wait(left)
        return self.spans()

    @property
    def in_flight(self) -> int:
        """Requests being handled right now (read, delayed or not yet answered)."""
        with self._lock:
            return self._in_flight

    def wait_idle(self, timeout: float = 10.0) -> bool:
        """Block until no request is being handled; False if that did not happen in time."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if not self.in_flight:
                return True
            time.sleep(0.01)
        return not self.in_flight

    def deletes(self) -> list[ReceivedRequest]:
        """The DELETE requests received (any status), in order."""
        with self._lock:
            return [r for r in self._requests if r.method == "DELETE"]

    def deleted_trace_ids(self) -> list[str]:
        """Trace ids of DELETE /api/public/traces requests answered 2xx."""
        out: list[str] = []
        for r in self.deletes():
            if 200 <= r.status < 300 and r.path == DELETE_TRACES_PATH:
                out.extend(json.loads(r.body or b"{}").get("traceIds", []))
        return out

    def deleted_score_ids(self) -> list[str]:
        """Score ids of DELETE /api/public/scores/{id} requests answered 2xx."""
        prefix = SCORES_PATH + "/"
        return [r.path[len(prefix):] for r in self.deletes()
                if 200 <= r.status < 300 and r.path.startswith(prefix)]

    def reset(self) -> None:
        with self._lock:
            self._requests.clear()
            self._scores.clear()
            self._faults.clear()
            self._delay = 0.0

    # used by the handler
    def _next_fault(self) -> tuple[Fault | None, float]:
        with self._lock:
            return (self._faults.popleft() if self._faults else None), self._delay

    def _record(self, req: ReceivedRequest) -> None:
        with self._arrived:
            self._requests.append(req)
            self._arrived.notify_all()


def _make_handler(recv: OTLPReceiver) -> type[BaseHTTPRequestHandler]:
    ok_body = ExportTraceServiceResponse().SerializeToString()

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
            pass

        def _reply(self, status: int, body: bytes, headers: Mapping[str, str],
                   content_type: str = "application/x-protobuf") -> None:
            try:
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                for k, v in headers.items():
                    self.send_header(k, v)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
            except (TimeoutError, BrokenPipeError, ConnectionResetError):
                pass  # the client gave up (e.g. its timeout fired on a slow response)

        def do_POST(self) -> None:  # noqa: N802
            with recv._lock:
                recv._in_flight += 1
            try:
                self._post()
            finally:
                with recv._lock:
                    recv._in_flight -= 1

        def _post(self) -> None:
            n = int(self.headers.get("Content-Length") or 0)
            fault, delay = recv._next_fault()
            if fault is not None and fault.close:
                self.rfile.read(n // 2)
                recv._record(ReceivedRequest(self.path.split("?", 1)[0], {}, b"", 0, [],
                                             "closed mid-request", time.time()))
                self.close_connection = True
                try:
                    self.connection.shutdown(2)
                except OSError:
                    pass
                return
            raw = self.rfile.read(n) if n else b""
            path = self.path.split("?", 1)[0]
            # Lower-cased: clients differ in header case (the OTel exporter sends lower case).
            headers = {k.lower(): v for k, v in self.headers.items()}
            if fault is not None:
                delay = max(delay, fault.delay)
            if delay:
                time.sleep(delay)
            if path == SCORES_PATH and fault is None:
                # Langfuse's scores API (JSON, one score per request): record it as is.
                try:
                    score = json.loads(raw.decode())
                    status, error = 200, None
                except ValueError as exc:
                    score, status, error = None, 400, str(exc)
                recv._record(ReceivedRequest(path, headers, raw, status, [], error, time.time()))
                if score is not None:
                    with recv._lock:
                        recv._scores.append(score)
                self._reply(status, json.dumps({"id": (score or {}).get("id")}).encode(), {})
                return
            if path not in TRACE_PATHS:
                recv._record(ReceivedRequest(path, headers, raw, 404, [], "unknown path",
                                             time.time()))
                self._reply(404, b"not found", {}, "text/plain")
                return
            spans: list[dict[str, Any]] = []
            error = None
            try:
                spans = decode_body(raw, headers.get("content-type", ""),
                                    headers.get("content-encoding", ""))
            except Exception as exc:  # noqa: BLE001 - a bad body is a 400, as at Langfuse
                error = f"{type(exc).__name__}: {exc}"
            if fault is not None:
                status = fault.status
                body = fault.body if fault.body is not None else b""
                extra = dict(fault.headers)
            elif error is not None:
                status, body, extra = 400, error.encode(), {}
            else:
                status, body, extra = 200, ok_body, {}
            recv._record(ReceivedRequest(path, headers, raw, status, spans, error, time.time()))
            self._reply(status, body, extra)

        def do_DELETE(self) -> None:  # noqa: N802
            # Langfuse's trace deletion (`DELETE /api/public/traces`, JSON {"traceIds": [...]}):
            # recorded like a POST (no spans); `deleted_trace_ids()` lists what was accepted.
            n = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(n) if n else b""
            path = self.path.split("?", 1)[0]
            headers = {k.lower(): v for k, v in self.headers.items()}
            fault, delay = recv._next_fault()
            if fault is not None:
                delay = max(delay, fault.delay)
            if delay:
                time.sleep(delay)
            score_id = path[len(SCORES_PATH) + 1:] if path.startswith(SCORES_PATH + "/") \
                else None
            if fault is not None:
                status, body, extra = fault.status, fault.body or b"", dict(fault.headers)
            elif score_id is not None:
                # `DELETE /api/public/scores/{scoreId}`: a score this server was sent, else
                # 404, as Langfuse answers for an unknown id.
                known = any(sc.get("id") == score_id for sc in recv.scores())
                status, body, extra = (200, b'{"message":"Score deleted"}', {}) if known \
                    else (404, b'{"message":"Score not found"}', {})
            elif path != DELETE_TRACES_PATH:
                status, body, extra = 404, b"not found", {}
            else:
                status, body, extra = 200, b'{"message":"Traces deleted"}', {}
            recv._record(ReceivedRequest(path, headers, raw, status, [], None, time.time(),
                                         method="DELETE"))
            self._reply(status, body, extra, "application/json")

    return Handler
