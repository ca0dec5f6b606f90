"""A loopback stand-in for the parts of Langfuse's API that setup and doctor call.

`GET /api/public/projects` answers 200 with one project for the configured key pair and
401 otherwise (as Langfuse does); OTLP POSTs are accepted. Requests are recorded, without
their Authorization header, so tests can check what was asked and that keys were sent.
"""

from __future__ import annotations

import base64
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

PUBLIC_KEY = "pk-lf-00000000-test-public"
SECRET_KEY = "sk-lf-00000000-test-secret-value"
PROJECT = "standin-project"


class LangfuseStandIn:
    def __init__(self, public_key: str = PUBLIC_KEY, secret_key: str = SECRET_KEY) -> None:
        self.keys = (public_key, secret_key)
        self.requests: list[dict[str, Any]] = []
        stand_in = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def _authorised(self) -> bool:
                want = base64.b64encode(":".join(stand_in.keys).encode()).decode()
                return self.headers.get("Authorization") == f"Basic {want}"

            def _answer(self, status: int, body: dict[str, Any]) -> None:
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self) -> None:  # noqa: N802
                ok = self._authorised()
                stand_in.requests.append({"method": "GET", "path": self.path, "auth_ok": ok})
                if self.path != "/api/public/projects":
                    self._answer(404, {"message": "not found"})
                elif not ok:
                    self._answer(401, {"message": "Invalid credentials"})
                else:
                    self._answer(200, {"data": [{"id": "p1", "name": PROJECT, "metadata": {},
                                                 "organization": {"id": "o1", "name": "org"}}]})

            def do_POST(self) -> None:  # noqa: N802
                n = int(self.headers.get("Content-Length") or 0)
                self.rfile.read(n)
                ok = self._authorised()
                stand_in.requests.append({"method": "POST", "path": self.path, "auth_ok": ok})
                self._answer(200 if ok else 401, {})

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self._httpd.server_address[1]}"

    def __enter__(self) -> LangfuseStandIn:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()
