"""cctrace's configuration: one TOML file in the state dir, and the keychain. Nothing else.

The file is `<state dir>/config.toml`; the Langfuse secret key, when the file does not hold
it, comes from the OS keychain or its 0600 file (`cctrace.security.keys`). The environment
is never read here: a repository can set the environment of a Claude Code session (its
`.claude/settings.json` `env`, `.env` loaders, direnv), so no environment value may decide
where traces go, with which keys, through which proxy or at which capture level. Users who
configure with `LANGFUSE_*` / `CCTRACE_*` variables copy them into the config once with
`cctrace setup --from-env` from their own shell; `cctrace.security.envcheck` reports
variables that are set but not used. Loading never touches the network and reports bad
files as `ConfigError` with the path and the reason.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass, field
from typing import Any

from cctrace import statedir

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on 3.10 only
    import tomli as tomllib


class ConfigError(Exception):
    """The config file exists but cannot be used; the message says where and why."""


@dataclass
class Config:
    """The settings every stage reads; defaults give the embedded, local-only mode."""

    state_dir: str
    user_id: str | None = None
    environment: str = "default"
    release: str | None = None
    langfuse_base_url: str | None = None
    langfuse_public_key: str | None = None
    langfuse_secret_key: str | None = None
    otlp_endpoint: str | None = None
    otlp_headers: dict[str, str] = field(default_factory=dict)
    raw: dict[str, Any] = field(default_factory=dict)
    # `[prices]`: the user's model prices (cctrace.store.cost.Override), checked on load.
    prices: tuple[Any, ...] = ()
    # Where the file was read from (for messages; the state dir's config.toml by default).
    path: str = ""

    @property
    def langfuse_enabled(self) -> bool:
        return bool(
            self.langfuse_base_url and self.langfuse_public_key and self.langfuse_secret_key
        )

    @property
    def otlp_enabled(self) -> bool:
        return bool(self.otlp_endpoint)

    def section(self, name: str) -> dict[str, Any]:
        """A table of the TOML file (e.g. `capture`), empty when absent."""
        value = self.raw.get(name)
        return value if isinstance(value, dict) else {}


def config_path(state_dir: str | None = None) -> str:
    """`<state dir>/config.toml`, the only config file cctrace reads."""
    return os.path.join(state_dir or statedir.state_dir(), "config.toml")


def read_file(path: str) -> dict[str, Any]:
    """The parsed TOML file, `{}` when it does not exist."""
    try:
        with open(path, "rb") as fh:
            return tomllib.load(fh)
    except FileNotFoundError:
        return {}
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from exc
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read: {exc.strerror}") from exc


def _str(value: Any, where: str) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise ConfigError(f"{where} must be a string, not {type(value).__name__}")
    return value.strip() or None


def load(state_dir: str | None = None, *, path: str | None = None,
         keychain: bool = True) -> Config:
    """The settings of `state_dir` (default: the CLI's state dir), from its config file.

    `path` reads another file for the same state dir (`cctrace config` checks an edit in
    a temporary file before renaming it); `keychain=False` skips the secret-key lookup.
    """
    root = state_dir or statedir.state_dir()
    path = path or config_path(root)
    raw = read_file(path)
    langfuse = raw.get("langfuse") or {}
    otlp = raw.get("otlp") or {}
    trace = raw.get("trace") or {}
    for name, table in (("langfuse", langfuse), ("otlp", otlp), ("trace", trace)):
        if not isinstance(table, dict):
            raise ConfigError(f"{path}: [{name}] must be a table")
    headers = otlp.get("headers") or {}
    if not isinstance(headers, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in headers.items()
    ):
        raise ConfigError(f"{path}: otlp.headers must be a table of strings")

    def pick(table: dict[str, Any], key: str, where: str) -> str | None:
        return _str(table.get(key), f"{path}: {where}")

    cfg = Config(
        state_dir=root,
        user_id=pick(trace, "user_id", "trace.user_id"),
        environment=pick(trace, "environment", "trace.environment") or "default",
        release=pick(trace, "release", "trace.release"),
        langfuse_base_url=pick(langfuse, "base_url", "langfuse.base_url"),
        langfuse_public_key=pick(langfuse, "public_key", "langfuse.public_key"),
        langfuse_secret_key=pick(langfuse, "secret_key", "langfuse.secret_key"),
        otlp_endpoint=pick(otlp, "endpoint", "otlp.endpoint"),
        otlp_headers=dict(headers),
        raw=raw,
        path=path,
    )
    from cctrace.store.prices import PriceError, parse_overrides

    try:
        cfg.prices = parse_overrides(raw.get("prices"))
    except PriceError as exc:
        raise ConfigError(f"{path}: {exc}") from None
    if keychain and cfg.langfuse_secret_key is None and (
            cfg.langfuse_base_url or cfg.langfuse_public_key):
        from cctrace.security import keys

        cfg.langfuse_secret_key = keys.load_secret_key(root)
    return cfg
