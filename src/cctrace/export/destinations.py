"""Where batches go: the Langfuse OTLP endpoint and/or a plain OTLP/HTTP collector.

Derived from `cctrace.config.Config` only; no I/O. Both destinations can be active at once;
none active is the embedded, local-only mode. Every URL is the one `validate_url` returned
(`cctrace.security.transport`): the host that was checked is the host the client connects
to; a destination whose URL fails the check is not built, and `problems` says why (its
batches wait in the outbox). The client's proxy and CA bundle come from the config too
(`export.proxy`, `<destination>.ca_bundle`), never from the environment. Header values carry
credentials, so a `Destination`'s repr and every message built from it show header names
only.
"""

from __future__ import annotations

import base64
import dataclasses
import os
from dataclasses import dataclass, field
from urllib.parse import urlsplit, urlunsplit

from cctrace.config import Config
from cctrace.security.transport import URLError, validate_url

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
    # The proxy URL from `export.proxy`, or None (a direct connection).
    proxy: str | None = field(default=None, compare=False)

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


def problems(config: Config) -> dict[str, str]:
    """{destination name: why it is not used} for destinations configured but unusable."""
    out: dict[str, str] = {}
    lf_given = [n for n, v in (("base_url", config.langfuse_base_url),
                               ("public_key", config.langfuse_public_key),
                               ("secret_key", config.langfuse_secret_key)) if v]
    if lf_given and len(lf_given) < 3:
        missing = [n for n in ("base_url", "public_key", "secret_key") if n not in lf_given]
        where = " (cctrace setup stores it in the keychain)" if "secret_key" in missing else ""
        out[LANGFUSE] = f"incomplete: langfuse.{', langfuse.'.join(missing)} not set{where}"
    for name, url in ((LANGFUSE, config.langfuse_base_url), (OTLP, config.otlp_endpoint)):
        if url and name not in out:
            try:
                validate_url(url)
            except URLError as exc:
                out[name] = f"{url_label(url)}: {exc}"
    for name in (LANGFUSE, OTLP):
        bundle = config.section(name).get("ca_bundle")
        if bundle is not None and not (isinstance(bundle, str) and bundle.strip()):
            out.setdefault(name, f"{name}.ca_bundle must be a file path")
    try:
        proxy_url(config)
    except URLError as exc:
        for name in (LANGFUSE, OTLP):
            out.setdefault(name, f"export.proxy: {exc}")
    return out


def url_label(url: str) -> str:
    """A URL for messages: what `safe_url` keeps, or a placeholder."""
    return safe_url(url) if url else "(empty)"


def proxy_url(config: Config) -> str | None:
    """`export.proxy` checked like a destination (https, or http: the tunnel carries TLS)."""
    raw = config.section("export").get("proxy")
    if raw is None or raw == "":
        return None
    if not isinstance(raw, str):
        raise URLError("export.proxy must be a URL string")
    text = raw.strip()
    scheme = text.partition("://")[0].lower()
    if scheme == "http":
        # A CONNECT proxy sees only the TLS stream: http to it is as safe as https.
        checked = validate_url("https" + text[len(scheme):])
        return "http" + str(checked)[len("https"):]
    return str(validate_url(text))


def destinations(config: Config, timeout: float | None = None) -> list[Destination]:
    """The usable destinations of `config`, Langfuse first (`timeout`: see export_timeout)."""
    timeout = export_timeout(config) if timeout is None else timeout
    bad = problems(config)
    out: list[Destination] = []
    if config.langfuse_enabled and LANGFUSE not in bad:
        base = str(validate_url(config.langfuse_base_url or "")).rstrip("/")
        pk = config.langfuse_public_key or ""
        sk = config.langfuse_secret_key or ""
        token = base64.b64encode(f"{pk}:{sk}".encode()).decode()
        out.append(
            Destination(
                name=LANGFUSE,
                url=langfuse_url(base),
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
                url=base + SCORES_PATH,
                headers={"Authorization": f"Basic {token}"},
                timeout=timeout,
                kind=SCORES,
            )
        )
    if config.otlp_enabled and OTLP not in bad:
        out.append(
            Destination(
                name=OTLP,
                url=str(validate_url(config.otlp_endpoint or "")),
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
    return dataclasses.replace(dest, verify=verify, proxy=proxy_url(config))


def configured_names(config: Config) -> list[str]:
    """Outbox names the config names a destination for, usable or not."""
    out = []
    if config.langfuse_base_url or config.langfuse_public_key:
        out += [LANGFUSE, LANGFUSE_SCORES]
    if config.otlp_endpoint:
        out.append(OTLP)
    return out


def scrub(text: str, destination: Destination | None) -> str:
    """`text` with every credential of `destination` replaced by a marker."""
    if destination is None:
        return text
    for secret in destination.secrets():
        if len(secret) >= 4:
            text = text.replace(secret, "[REDACTED]")
    return text
