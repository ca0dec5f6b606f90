"""cctrace's configuration: one TOML file in the state dir, plus the user's environment.

The file is `<state dir>/config.toml` (or `CCTRACE_CONFIG`). Environment variables
(`LANGFUSE_BASE_URL`/`LANGFUSE_HOST`, `LANGFUSE_PUBLIC_KEY`, `LANGFUSE_SECRET_KEY`,
`CCTRACE_OTLP_ENDPOINT`, `CCTRACE_USER_ID`, `CCTRACE_ENVIRONMENT`, `CCTRACE_RELEASE`)
override the file. Loading never touches the network and reports bad files as
`ConfigError` with the path and the reason.

Environment values are only taken when they are the user's own: `load` passes the result
through `cctrace.security.trust.resolve_destination`, which refuses export destinations and
keys that a project's `.claude/settings*.json` `env` or `.env` files planted (unless the host
was trusted with `cctrace trust HOST`). A Langfuse secret key absent from the file and the
environment is read from the OS keychain or its 0600 file (`cctrace.security.keys`).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
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
    # Set by cctrace.security.trust.resolve_destination: destinations whose batches are
    # queued but not sent (a planted or insecure value was refused), whether `requests`
    # may use proxy / CA variables from the environment, and the refusals.
    held_destinations: tuple[str, ...] = ()
    trust_env_transport: bool = True
    # False when a project file planted CCTRACE_ANCHOR_DIR (the audit anchor stays put).
    anchor_env_trusted: bool = True
    destination_checked: bool = False
    destination_findings: list[Any] = field(default_factory=list, repr=False)

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


def config_path(state_dir: str | None = None, env: Mapping[str, str] | None = None) -> str:
    env = os.environ if env is None else env
    override = env.get("CCTRACE_CONFIG", "").strip()
    if override:
        return os.path.abspath(os.path.expanduser(override))
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


def load(
    state_dir: str | None = None,
    env: Mapping[str, str] | None = None,
    *,
    cwd: str | None = None,
    trust: bool = True,
) -> Config:
    """Read the config file, apply the environment's overrides and keep only trusted ones.

    `trust=False` skips the destination check (the raw layering of file and environment);
    `cwd` is where project files are looked for (default: the process's cwd, plus
    `CLAUDE_PROJECT_DIR` and `PWD` from `env`).
    """
    cfg = _load(state_dir, env)
    env = os.environ if env is None else env
    if cfg.langfuse_secret_key is None and (cfg.langfuse_base_url or cfg.langfuse_public_key):
        from cctrace.security import keys

        cfg.langfuse_secret_key = keys.load_secret_key(cfg.state_dir)
    if not trust:
        return cfg
    from cctrace.security import trust as trust_mod

    if cwd is None:
        try:
            cwd = os.getcwd()
        except OSError:
            cwd = None
    cfg, findings = trust_mod.resolve_destination(cfg, env, cwd)
    if findings:
        try:
            trust_mod.note_findings(cfg.state_dir, findings)
        except OSError:
            pass  # the refusal itself stands; only its record failed
    return cfg


def _load(state_dir: str | None = None, env: Mapping[str, str] | None = None) -> Config:
    """Read the config file and apply environment overrides."""
    env = os.environ if env is None else env
    root = state_dir or statedir.state_dir()
    path = config_path(root, env)
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

    def pick(env_names: tuple[str, ...], value: Any, where: str) -> str | None:
        for name in env_names:
            if env.get(name, "").strip():
                return env[name].strip()
        return _str(value, f"{path}: {where}")

    return Config(
        state_dir=root,
        user_id=pick(("CCTRACE_USER_ID",), trace.get("user_id"), "trace.user_id"),
        environment=pick(("CCTRACE_ENVIRONMENT",), trace.get("environment"), "trace.environment")
        or "default",
        release=pick(("CCTRACE_RELEASE",), trace.get("release"), "trace.release"),
        langfuse_base_url=pick(
            ("LANGFUSE_BASE_URL", "LANGFUSE_HOST"), langfuse.get("base_url"), "langfuse.base_url"
        ),
        langfuse_public_key=pick(
            ("LANGFUSE_PUBLIC_KEY",), langfuse.get("public_key"), "langfuse.public_key"
        ),
        langfuse_secret_key=pick(
            ("LANGFUSE_SECRET_KEY",), langfuse.get("secret_key"), "langfuse.secret_key"
        ),
        otlp_endpoint=pick(("CCTRACE_OTLP_ENDPOINT",), otlp.get("endpoint"), "otlp.endpoint"),
        otlp_headers=dict(headers),
        raw=raw,
    )
