"""A loopback git server (smart HTTP, `git http-backend`) for a git-hosted marketplace.

Claude Code takes a marketplace from git only by URL (`https://...`, `http://....git`, or
`user@host:path`); a local path is read as a directory marketplace and `file://` is
refused. It clones shallow, which git's "dumb" HTTP cannot serve, so this runs git's own
CGI backend per request: the real git protocol, on 127.0.0.1, no network. Serves every
repository under `root` (`GIT_HTTP_EXPORT_ALL`), read-only (no receive-pack).
"""

from __future__ import annotations

import os
import subprocess
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit


class GitHTTPServer:
    def __init__(self, root: str) -> None:
        self.root = root
        self.requests: list[str] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def _cgi(self) -> None:
                url = urlsplit(self.path)
                server.requests.append(f"{self.command} {url.path}?{url.query}")
                if url.query == "service=git-receive-pack" or url.path.endswith(
                        "/git-receive-pack"):
                    self.send_error(403, "read-only")
                    return
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"),
                       "GIT_PROJECT_ROOT": server.root, "GIT_HTTP_EXPORT_ALL": "1",
                       "PATH_INFO": url.path, "QUERY_STRING": url.query,
                       "REQUEST_METHOD": self.command, "REMOTE_ADDR": "127.0.0.1",
                       "CONTENT_TYPE": self.headers.get("Content-Type", ""),
                       "CONTENT_LENGTH": str(len(body))}
                if self.headers.get("Git-Protocol"):
                    env["GIT_PROTOCOL"] = self.headers["Git-Protocol"]
                done = subprocess.run(["git", "http-backend"], input=body, env=env,
                                      capture_output=True, timeout=60)
                head, _, payload = done.stdout.partition(b"\r\n\r\n")
                status, headers = 200, []
                for line in head.decode("latin-1").split("\r\n"):
                    name, _, value = line.partition(":")
                    if name.lower() == "status":
                        status = int(value.split()[0])
                    elif name:
                        headers.append((name, value.strip()))
                self.send_response(status)
                for name, value in headers:
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            do_GET = do_POST = _cgi  # noqa: N815

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self._httpd.server_address[1]}"

    def __enter__(self) -> GitHTTPServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()
