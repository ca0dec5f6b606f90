"""Contacting a destination: is the Langfuse key pair valid, does the OTLP endpoint accept.

One cheap request each, sent only to a URL that passed `validate_url`, with the HTTP client
that reads no environment; secrets never appear in a message. `cctrace setup` verifies keys
with the same probe the `langfuse` check runs.
"""

from __future__ import annotations

import base64
from collections.abc import Mapping
from dataclasses import dataclass

NET_TIMEOUT = 8.0
PROJECTS_PATH = "/api/public/projects"


@dataclass
class Probe:
    """The answer of a destination: ok, a message for the user, and what was learned."""

    ok: bool
    message: str
    status_code: int | None = None
    project: str | None = None


def check_langfuse_credentials(base_url: str, public_key: str, secret_key: str,
                               timeout: float = NET_TIMEOUT, proxy: str | None = None) -> Probe:
    """One authenticated GET of `/api/public/projects` (cheap, read-only, project-scoped).

    200 means the keys are valid for a project (its name is returned); 401/403 means the
    server refused them. The secret key never appears in the message, and is sent only to
    a URL that passed `validate_url`, with the client that reads no environment.
    """
    import requests

    from cctrace.export.destinations import safe_url
    from cctrace.export.send import http_session
    from cctrace.security.transport import URLError, validate_url

    try:
        url = str(validate_url(base_url)).rstrip("/") + PROJECTS_PATH
    except URLError as exc:
        return Probe(False, f"not a usable Langfuse URL: {exc}")
    token = base64.b64encode(f"{public_key}:{secret_key}".encode()).decode()
    try:
        with http_session(proxy) as http:
            resp = http.get(url, headers={"Authorization": f"Basic {token}",
                                          "Accept": "application/json"},
                            timeout=timeout, allow_redirects=False)
    except requests.RequestException as exc:
        return Probe(False, f"{safe_url(url)} unreachable ({type(exc).__name__})")
    where = safe_url(base_url)
    if resp.status_code in (401, 403):
        return Probe(False, f"{where} refused the keys (HTTP {resp.status_code})",
                     resp.status_code)
    if resp.status_code != 200:
        return Probe(False, f"{where} answered HTTP {resp.status_code} (is this a Langfuse "
                     f"server?)", resp.status_code)
    try:
        body = resp.json()
        projects = body.get("data") if isinstance(body, dict) else None
        name = projects[0].get("name") if projects else None
    except (ValueError, AttributeError, IndexError, TypeError):
        return Probe(False, f"{where} answered 200 but not with Langfuse's project list",
                     200)
    name = str(name) if name is not None else None
    return Probe(True, f"keys valid for project {name!r} on {where}" if name
                 else f"keys accepted by {where}", 200, name)


def check_otlp_endpoint(endpoint: str, headers: Mapping[str, str],
                        timeout: float = NET_TIMEOUT, proxy: str | None = None) -> Probe:
    """POST an empty OTLP export request (valid protobuf, no spans): 2xx means reachable
    and accepted with these headers."""
    import requests

    from cctrace.export.destinations import safe_url
    from cctrace.export.send import http_session
    from cctrace.security.transport import URLError, validate_url

    try:
        endpoint = str(validate_url(endpoint))
    except URLError as exc:
        return Probe(False, f"not a usable OTLP endpoint: {exc}")
    try:
        with http_session(proxy) as http:
            resp = http.post(endpoint, data=b"", timeout=timeout, allow_redirects=False,
                             headers={**headers, "Content-Type": "application/x-protobuf"})
    except requests.RequestException as exc:
        return Probe(False, f"{safe_url(endpoint)} unreachable ({type(exc).__name__})")
    if 200 <= resp.status_code < 300:
        return Probe(True, f"{safe_url(endpoint)} accepts OTLP", resp.status_code)
    return Probe(False, f"{safe_url(endpoint)} answered HTTP {resp.status_code}",
                 resp.status_code)
