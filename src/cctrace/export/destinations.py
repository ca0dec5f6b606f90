"""Where batches go: the Langfuse OTLP endpoint and/or a plain OTLP/HTTP collector.

Derived from `cctrace.config.Config` only; no I/O. Both destinations can be active at once;
none active is the embedded, local-only mode. Header values carry credentials, so a
`Destination`'s repr and every message built from it show header names only.
"""

from __future__ import annotations

import base64
import dataclasses
import os
from dataclasses import dataclass, field
from urllib.parse import urlsplit, urlunsplit

from cctrace.config import Config

LANGFUSE = "langfuse"
LANGFUSE_SCORES = "langfuse-scores"
OTLP = "otlp"
LANGFUSE_PATH = "/api/public/otel/v1/traces"
SCORES_PATH = "/api/public/scores"
# What a destination accepts: OTLP span batches, or Langfuse score objects (JSON, one each).
SPANS = "spans"
SCORES = "scores"
DEFAULT_TIMEOUT = 10.0


@dataclass(frozen=True)
class Destination:
    """One OTLP/HTTP endpoint: `name` is the outbox key ("langfuse" or "otlp")."""

    name: str
    url: str
    headers: dict[str, str] = field(default_factory=dict, compare=False, hash=False)
    timeout: float = DEFAULT_TIMEOUT
    kind: str = SPANS
    # TLS verification: True (system/certifi CAs) or the path of a CA bundle (the
    # `ca_bundle` option of the destination's table); never False.
    verify: bool | str = field(default=True, compare=False)
    # Whether `requests` may take proxies / CA bundles from the environment (False when a
    # project planted one: cctrace.security.trust).
    trust_env: bool = field(default=True, compare=False)

    def __repr__(self) -> str:
        names = ", ".join(sorted(self.headers))
        return (
            f"Destination(name={self.name!r}, url={safe_url(self.url)!r}, "
            f"headers=[{names}], timeout={self.timeout!r}, kind={self.kind!r})"
        )

    __str__ = __repr__

    def secrets(self) -> list[str]:
        """Strings that must never appear in a log line or an error (header values)."""
        out = [v for v in self.headers.values() if v]
        for value in list(out):
            scheme, _, token = value.partition(" ")
            if token and scheme.lower() in ("basic", "bearer"):
                out.append(token)
                if scheme.lower() == "basic":
                    try:
                        out.extend(p for p in base64.b64decode(token).decode().split(":", 1) if p)
                    except (ValueError, UnicodeDecodeError):
                        pass
        return sorted(set(out), key=len, reverse=True)


def safe_url(url: str) -> str:
    """`url` without user info or query string, which may carry credentials."""
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
        if parts.port:
            host = f"{host}:{parts.port}"
        return urlunsplit((parts.scheme, host, parts.path, "", ""))
    except ValueError:
        return "<unparseable url>"


def langfuse_url(base_url: str) -> str:
    return base_url.rstrip("/") + LANGFUSE_PATH


def export_timeout(config: Config) -> float:
    """Seconds one request may take: `[export] timeout` of the config file, else 10.

    Values outside (0, 300] or of the wrong type fall back to the default: a bad setting
    must not stop delivery (the fault-injection suite sets it low to exercise timeouts).
    """
    value = config.section("export").get("timeout")
    if isinstance(value, (int, float)) and not isinstance(value, bool) and 0 < value <= 300:
        return float(value)
    return DEFAULT_TIMEOUT


def destinations(config: Config, timeout: float | None = None) -> list[Destination]:
    """The active destinations of `config`, Langfuse first (`timeout`: see export_timeout)."""
    timeout = export_timeout(config) if timeout is None else timeout
    out: list[Destination] = []
    if config.langfuse_enabled:
        pk = config.langfuse_public_key or ""
        sk = config.langfuse_secret_key or ""
        token = base64.b64encode(f"{pk}:{sk}".encode()).decode()
        out.append(
            Destination(
                name=LANGFUSE,
                url=langfuse_url(config.langfuse_base_url or ""),
                headers={
                    "Authorization": f"Basic {token}",
                    "x-langfuse-ingestion-version": "4",
                    "x-langfuse-public-key": pk,
                },
                timeout=timeout,
            )
        )
        out.append(
            Destination(
                name=LANGFUSE_SCORES,
                url=(config.langfuse_base_url or "").rstrip("/") + SCORES_PATH,
                headers={"Authorization": f"Basic {token}"},
                timeout=timeout,
                kind=SCORES,
            )
        )
    if config.otlp_enabled:
        out.append(
            Destination(
                name=OTLP,
                url=config.otlp_endpoint or "",
                headers=dict(config.otlp_headers),
                timeout=timeout,
            )
        )
    return [_transport(config, d) for d in out]


def _transport(config: Config, dest: Destination) -> Destination:
    table = config.section(OTLP if dest.name == OTLP else LANGFUSE)
    bundle = table.get("ca_bundle")
    verify: bool | str = True
    if isinstance(bundle, str) and bundle.strip():
        verify = os.path.abspath(os.path.expanduser(bundle.strip()))
    trust_env = bool(getattr(config, "trust_env_transport", True))
    return dataclasses.replace(dest, verify=verify, trust_env=trust_env)


def held_names(config: Config, kind: str | None = None) -> list[str]:
    """Outbox names whose batches are queued but not sent: the destination's value was
    refused (cctrace.security.trust) and nothing trusted replaced it yet. A later process
    with the user's own destination delivers them."""
    names = {LANGFUSE: [(LANGFUSE, SPANS), (LANGFUSE_SCORES, SCORES)], OTLP: [(OTLP, SPANS)]}
    out = []
    for held in getattr(config, "held_destinations", ()) or ():
        out.extend(n for n, k in names.get(held, []) if kind is None or k == kind)
    return out


def scrub(text: str, destination: Destination | None) -> str:
    """`text` with every credential of `destination` replaced by a marker."""
    if destination is None:
        return text
    for secret in destination.secrets():
        if len(secret) >= 4:
            text = text.replace(secret, "[REDACTED]")
    return text
