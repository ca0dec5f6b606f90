"""Sending one outbox batch over HTTP, and what the answer means for it.

`Sender.send` posts one batch (gzip for OTLP, plain JSON for Langfuse's REST API) to a
destination whose URL is checked again right before the request (`validate_url`, the same
parser that connects), with a `requests.Session` that reads nothing from the environment
(`http_session`: no proxy, CA bundle or netrc variables), follows no redirect and has a
timeout. The pure half classifies the answer: delivered (2xx), retry (429, 408, 5xx,
timeouts, refused or reset connections, a redirect), or dead letter (other 4xx);
`backoff_ns` spaces the retries, honouring `Retry-After` up to an hour. Reasons are short and
pass through `destinations.scrub`, so a header value never reaches the store or a log.
"""

from __future__ import annotations

import email.utils
import gzip
import re
import time
from dataclasses import dataclass

import requests

from cctrace.export.destinations import SPANS, Destination, scrub
from cctrace.security.transport import URLError, validate_url

PROTOBUF = "application/x-protobuf"
BACKOFF_BASE_S = 1.0
BACKOFF_CAP_S = 300.0
RETRY_AFTER_CAP_S = 3600.0
REASON_MAX = 300
BODY_READ_MAX = 65536
RETRYABLE_4XX = (408, 429)


# ---------------------------------------------------------------- classification (pure)


@dataclass(frozen=True)
class Outcome:
    """What one send attempt means for its batch."""

    kind: str  # "delivered" | "retry" | "dead"
    status: int | None
    reason: str
    retry_after_s: float | None = None


def parse_retry_after(value: str | None, now_s: float) -> float | None:
    """Seconds to wait from a `Retry-After` header (delta-seconds or HTTP-date), if usable."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when is None:
        return None
    return max(0.0, when.timestamp() - now_s)


def _short(text: str) -> str:
    return " ".join(text.split())[:REASON_MAX]


def classify(status: int, body: str = "", retry_after_s: float | None = None) -> Outcome:
    """Map an HTTP status to delivered / retry / dead, with a short reason."""
    if 200 <= status < 300:
        return Outcome("delivered", status, "")
    snippet = _short(body)
    reason = (f"HTTP {status}" + (f": {snippet}" if snippet else ""))[:REASON_MAX]
    if status >= 500 or status in RETRYABLE_4XX:
        return Outcome("retry", status, reason, retry_after_s)
    if 300 <= status < 400:
        # Kept, not dead-lettered: the endpoint URL is probably wrong and may be fixed.
        return Outcome("retry", status, f"HTTP {status}: redirect not followed; check the URL")
    return Outcome("dead", status, reason)


_ERRNO = re.compile(r"\[Errno -?\d+\] ([^'\")\]]+)")


def describe_exception(exc: BaseException) -> str:
    """A short reason for a transport error without URLs (they may hold credentials)."""
    match = _ERRNO.search(str(exc))
    detail = match.group(1).strip() if match else ""
    name = type(exc).__name__
    return f"{name}: {detail}" if detail else name


def backoff_ns(attempts: int, retry_after_s: float | None, rand: float) -> int:
    """Delay before the next attempt: exponential with jitter, capped; Retry-After wins."""
    base = min(BACKOFF_CAP_S, BACKOFF_BASE_S * (2 ** min(max(attempts, 0), 30)))
    delay = base * (0.5 + 0.5 * min(max(rand, 0.0), 1.0))
    if retry_after_s is not None:
        delay = max(delay, min(retry_after_s, RETRY_AFTER_CAP_S))
    return int(delay * 1_000_000_000)


# ---------------------------------------------------------------- sending (I/O)


class _KeepHeaders(requests.auth.AuthBase):
    # An explicit (no-op) auth: requests never replaces our Authorization header.
    def __call__(self, r: requests.PreparedRequest) -> requests.PreparedRequest:
        return r


def http_session(proxy: str | None = None) -> requests.Session:
    """A `requests.Session` that reads nothing from the environment: no proxy, CA bundle or
    netrc variables (`trust_env` off; a repository can set them), no redirects; `proxy` is
    the config's `export.proxy`."""
    session = requests.Session()
    session.trust_env = False
    session.max_redirects = 0
    if proxy:
        session.proxies = {"https": proxy, "http": proxy}
    return session


class Sender:
    """HTTP client for the outbox: one `requests.Session` per destination, no redirects."""

    def __init__(self) -> None:
        self._sessions: dict[tuple[str, str, str | None], requests.Session] = {}

    def _session(self, dest: Destination) -> requests.Session:
        key = (dest.name, dest.url, dest.proxy)
        session = self._sessions.get(key)
        if session is None:
            session = self._sessions[key] = http_session(dest.proxy)
        return session

    def send(self, dest: Destination, payload: bytes, content_type: str, timeout: float) -> Outcome:
        try:
            checked = validate_url(dest.url)
        except URLError as exc:
            # Kept for a corrected URL; nothing leaves the machine towards an unchecked host.
            return Outcome("retry", None, f"not sent: {exc}")
        if checked != dest.url:
            return Outcome("retry", None, "not sent: the URL is not in its checked form")
        headers = dict(dest.headers)
        headers["Content-Type"] = content_type or PROTOBUF
        if dest.kind == SPANS:
            headers["Content-Encoding"] = "gzip"
            body = gzip.compress(payload, mtime=0)
        else:
            body = payload  # Langfuse's REST API takes plain JSON
        try:
            with self._session(dest).post(
                dest.url,
                data=body,
                headers=headers,
                timeout=timeout,
                allow_redirects=False,
                stream=True,
                auth=_KeepHeaders(),
                verify=dest.verify,
            ) as resp:
                status = resp.status_code
                text = ""
                if not 200 <= status < 300:
                    text = _read_text(resp)
                else:
                    resp.content  # noqa: B018 - drain so the connection is reused
                retry_after = parse_retry_after(resp.headers.get("Retry-After"), time.time())
        except requests.exceptions.Timeout as exc:
            return Outcome("retry", None, describe_exception(exc))
        except requests.exceptions.ConnectionError as exc:
            return Outcome("retry", None, describe_exception(exc))
        except requests.exceptions.TooManyRedirects:
            # max_redirects = 0 makes requests raise on any 3xx even without following it.
            return Outcome("retry", None, "HTTP 3xx: redirect not followed; check the URL")
        except requests.exceptions.RequestException as exc:
            # Bad URL or header: keep the batch; a corrected config can still deliver it.
            return Outcome("retry", None, f"cannot send: {describe_exception(exc)}")
        return classify(status, scrub(text, dest), retry_after)

    def close(self) -> None:
        for session in self._sessions.values():
            session.close()
        self._sessions.clear()

    def __enter__(self) -> Sender:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _read_text(resp: requests.Response) -> str:
    try:
        raw = resp.raw.read(BODY_READ_MAX, decode_content=True) or b""
    except Exception:  # noqa: BLE001 - the body is only a hint for the reason
        return ""
    return raw[:2048].decode("utf-8", "replace")
