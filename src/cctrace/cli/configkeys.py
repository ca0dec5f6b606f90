"""The settings `cctrace config` knows: their schema, typed parsing, checks and masking.

`SCHEMA` lists every key (`section.name`) with its kind, help, default and the environment
variables `cctrace setup --from-env` copies (capture itself reads none); `capture.tools.<Tool>`
keys are levels. `resolve_key` names close matches for an unknown key, `parse_value` and
`check_value` type and validate a value with the loaders' own rules (URLs as the exporter
would use them), `mask` hides secrets as `<set>`, and `effective` says what is in force and
where it comes from. docs/configuration.md's reference table is generated from `SCHEMA`.
"""

from __future__ import annotations

import difflib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from cctrace.cli.configfile import lookup, plain
from cctrace.cli.main import CliError
from cctrace.config import ConfigError
from cctrace.policy import settings as policy_settings
from cctrace.worker import lifecycle, limits

SET = "<set>"
# Names that Claude Code's own tools use: `[capture.tools]` keys are matched exactly.
KNOWN_TOOLS = ("Bash", "Read", "Write", "Edit", "MultiEdit", "NotebookEdit", "NotebookRead",
               "Grep", "Glob", "LS", "WebFetch", "WebSearch", "Agent", "Task", "TodoWrite",
               "BashOutput", "KillShell", "SlashCommand", "Skill", "ExitPlanMode")
_SECRET_WORDS = ("secret", "token", "password", "passwd", "private", "credential", "auth")


@dataclass(frozen=True)
class Key:
    """One setting: its type, default, checks, and the environment variable that
    `cctrace setup --from-env` copies into it (capture itself never reads one)."""

    kind: str  # str | int | bool | level | list | table | levels | prices
    help: str
    default: Any = None
    env: tuple[str, ...] = ()
    secret: bool = False
    read_only: bool = False


SCHEMA: dict[str, Key] = {
    "langfuse.base_url": Key("str", "Langfuse base URL", env=("LANGFUSE_BASE_URL",
                                                             "LANGFUSE_HOST")),
    "langfuse.public_key": Key("str", "Langfuse public key (pk-lf-...)",
                               env=("LANGFUSE_PUBLIC_KEY",)),
    "langfuse.secret_key": Key("str", "Langfuse secret key (sk-lf-...)",
                               env=("LANGFUSE_SECRET_KEY",), secret=True),
    "otlp.endpoint": Key("str", "OTLP/HTTP traces endpoint URL",
                         env=("CCTRACE_OTLP_ENDPOINT",)),
    "otlp.headers": Key("table", "extra HTTP headers for the OTLP endpoint", default={},
                        secret=True),
    "trace.user_id": Key("str", "user id sent with every trace", env=("CCTRACE_USER_ID",)),
    "trace.environment": Key("str", "Langfuse environment", default="default",
                             env=("CCTRACE_ENVIRONMENT",)),
    "trace.release": Key("str", "release tag", env=("CCTRACE_RELEASE",)),
    "capture.level": Key("level", "full | redacted | metadata",
                         default=policy_settings.DEFAULT_LEVEL),
    "capture.deny_paths": Key("list", "extra path globs whose content is never captured",
                              default=[]),
    "capture.allow_paths": Key("list", "path globs that are captured even if denied",
                               default=[]),
    "capture.default_deny": Key("bool", "apply the built-in deny list", default=True),
    "capture.computed_paths": Key(
        "bool", "withhold a Bash output whose read target is computed at run time "
        "($(...), eval, a script piped into a shell)", default=True),
    "capture.default_deny_paths": Key(
        "list", "the built-in deny list (read-only; lift entries with capture.allow_paths)",
        default=list(policy_settings.DEFAULT_DENY_PATHS), read_only=True),
    "capture.max_field_kb": Key("int", "truncate strings above this many KB (0 = never)",
                                default=policy_settings.DEFAULT_MAX_FIELD_KB),
    "capture.opt_out": Key("list", "project folders (globs) never captured", default=[]),
    "capture.opt_in": Key("list", "if set, only these project folders are captured",
                          default=[]),
    "capture.pii": Key("bool", "also redact personal data (e-mail, phone, card, IBAN, IP, "
                       "SSN)", default=False),
    "capture.tools": Key("levels", "per-tool capture level, e.g. Bash = \"metadata\"",
                         default={}),
    "langfuse.ca_bundle": Key("str", "CA bundle (PEM file) to verify a self-hosted Langfuse"),
    "otlp.ca_bundle": Key("str", "CA bundle (PEM file) to verify the OTLP endpoint"),
    "export.timeout": Key("int", "seconds one export request may take (1-300)", default=10),
    "export.proxy": Key("str", "HTTP(S) proxy for exports, e.g. https://proxy.corp:3128 "
                        "(environment proxies are never used)"),
    "prices": Key("prices", "model prices, USD per million tokens: {MODEL or glob: {input, "
                  "output, cache_read, cache_write, cache_write_1h, tiers}} (docs/cost.md)",
                  default={}),
    "store.encrypt": Key("bool", "encrypt stored content (AES-GCM, key in keychain or 0600 "
                         "file)", default=True),
    "retention.days": Key("int", "delete local content older than this many days (0 = keep)",
                          default=30),
    "limits.spool_mb": Key("int", "cap on events waiting for the worker; above it the hook "
                           "drops new events and counts them (0 = no cap)",
                           default=limits.Caps().spool_bytes // limits.MB),
    "limits.store_mb": Key("int", "cap on the local store; above it the oldest delivered traces "
                           "are evicted (0 = no cap)", default=limits.DEFAULT_STORE_MB),
    "limits.log_kb": Key("int", "cap on each log file, one rotated copy kept (0 = no cap)",
                         default=limits.Caps().log_bytes // 1024),
    "rules.paths": Key("list", "extra behaviour rule files or folders (YAML)", default=[]),
    "rules.disabled": Key("list", "rule ids (globs) to switch off", default=[]),
    "rules.allow_hosts": Key("list", "hosts that egress rules treat as expected", default=[]),
    "rules.builtin": Key("bool", "load the built-in rule pack", default=True),
    "audit.enabled": Key("bool", "keep the tamper-evident audit log", default=True),
    "audit.anchor_paths": Key("list", "files or folders that get a copy of every checkpoint",
                              default=[]),
    "audit.default_anchor": Key("bool", "copy every checkpoint outside the state dir too "
                                "(user config folder; CCTRACE_ANCHOR_DIR moves it)",
                                default=True),
    "audit.key_epoch_s": Key("int", "seconds per signing key (at most 900)", default=900),
    "audit.checkpoint_every_s": Key("int", "seconds between checkpoints (0 = every batch)",
                                    default=0),
    "audit.fsync": Key("bool", "fsync the audit log on every append", default=True),
    "worker.idle_ms": Key("int", "milliseconds without work before the background worker "
                          "exits (the next hook event starts it again)",
                          default=int(lifecycle.DEFAULT_IDLE_SECONDS * 1000)),
    "worker.max_seconds": Key("int", "cap on one background worker's lifetime in seconds "
                              "(0 = none)", default=0),
}
TOOL_PREFIX = "capture.tools."


# --------------------------------------------------------------------------- keys


def resolve_key(name: str) -> tuple[str, Key]:
    """The schema entry for `name` (`capture.tools.<Tool>` included), or a CliError."""
    key = name.strip()
    if key in SCHEMA:
        return key, SCHEMA[key]
    if key.startswith(TOOL_PREFIX) and len(key) > len(TOOL_PREFIX):
        tool = key[len(TOOL_PREFIX):]
        known = {t.lower(): t for t in KNOWN_TOOLS}
        if tool not in KNOWN_TOOLS and tool.lower() in known:
            raise CliError(f"unknown tool {tool!r}: tool names are case-sensitive, "
                           f"did you mean {TOOL_PREFIX}{known[tool.lower()]}?", code=2)
        return key, Key("level", f"capture level of the {tool} tool")
    close = difflib.get_close_matches(key, list(SCHEMA) + [TOOL_PREFIX + "Bash"], n=3,
                                      cutoff=0.6)
    hint = f" (did you mean {', '.join(close)}?)" if close else ""
    raise CliError(f"unknown config key {key!r}{hint}; `cctrace config list` shows all keys",
                   code=2)


def _is_secret(name: str, key: Key | None) -> bool:
    if key is not None:
        return key.secret
    return any(word in name.lower() for word in _SECRET_WORDS)


def mask(name: str, key: Key | None, value: Any) -> Any:
    """`value` as it may be shown: secrets become `<set>` (table values each)."""
    if value is None or not _is_secret(name, key):
        return value
    if isinstance(value, Mapping):
        return {k: SET for k in value}
    return SET


# --------------------------------------------------------------------------- values


def _bool(text: str, name: str) -> bool:
    low = text.strip().lower()
    if low in ("true", "yes", "on", "1"):
        return True
    if low in ("false", "no", "off", "0"):
        return False
    raise CliError(f"{name} must be true or false, not {text!r}", code=2)


def parse_value(name: str, key: Key, text: str) -> Any:
    """The typed value of `text` for `key`; CliError names the key when it does not fit."""
    if key.kind == "str":
        if not text.strip():
            raise CliError(f"{name} must not be empty (use `cctrace config unset {name}`)",
                           code=2)
        return text.strip()
    if key.kind == "int":
        try:
            return int(text.strip())
        except ValueError:
            raise CliError(f"{name} must be a whole number, not {text!r}", code=2) from None
    if key.kind == "bool":
        return _bool(text, name)
    if key.kind == "level":
        return text.strip().lower()
    try:
        value = json.loads(text)
    except json.JSONDecodeError:
        if key.kind == "list":
            raise CliError(f"{name} is a list: give JSON like '[\"a\", \"b\"]', or use "
                           f"--add/--remove", code=2) from None
        raise CliError(f"{name} is a table: give a JSON object like '{{\"k\": \"v\"}}'",
                       code=2) from None
    expected = list if key.kind == "list" else dict
    if not isinstance(value, expected):
        raise CliError(f"{name} must be a JSON {'list' if expected is list else 'object'}",
                       code=2)
    return value


URL_KEYS = ("langfuse.base_url", "otlp.endpoint", "export.proxy")


def _check_url(name: str, value: Any) -> str:
    """A destination or proxy URL as it will be used; CliError says why it cannot be."""
    from cctrace.config import Config
    from cctrace.export.destinations import proxy_url
    from cctrace.security.transport import URLError, validate_url

    try:
        if name == "export.proxy":
            return proxy_url(Config(state_dir="", raw={"export": {"proxy": value}})) or ""
        checked = str(validate_url(value))
    except URLError as exc:
        raise CliError(f"{name}: {exc}; not written (cctrace would not send there)",
                       code=2) from exc
    return checked.rstrip("/") if name == "langfuse.base_url" else checked


def check_value(name: str, key: Key, value: Any) -> Any:
    """Validate one value with the same rules the loaders use."""
    if name in URL_KEYS:
        return _check_url(name, value)
    try:
        if key.kind == "level":
            return policy_settings.check_level(value, name)
        if name in ("capture.deny_paths", "capture.allow_paths", "capture.opt_out",
                    "capture.opt_in"):
            return list(policy_settings.check_patterns(value, name))
        if name.startswith("worker.") and value < 0:
            raise ConfigError(f"{name} must be 0 or more, not {value}")
        if name == "capture.max_field_kb":
            return policy_settings.check_kb(value, name)
        if key.kind == "levels":
            return {str(k): policy_settings.check_level(v, f"{name}.{k}")
                    for k, v in value.items()}
        if key.kind == "table" and not all(isinstance(k, str) and isinstance(v, str)
                                           for k, v in value.items()):
            raise ConfigError(f"{name} must be a table of strings")
        if key.kind == "list" and not all(isinstance(v, str) for v in value):
            raise ConfigError(f"{name} must be a list of strings")
        if key.kind == "prices":
            from cctrace.store.prices import PriceError, parse_overrides

            try:
                parse_overrides(value)
            except PriceError as exc:
                raise ConfigError(str(exc)) from exc
    except ConfigError as exc:
        raise CliError(str(exc), code=2) from exc
    return value


# --------------------------------------------------------------------------- effective


def effective(raw: Mapping[str, Any], env: Mapping[str, str] | None = None
              ) -> dict[str, dict[str, Any]]:
    """Every setting's value in force and where it comes from (file, default, or the
    keychain for the Langfuse secret key). `env` is not used: capture reads no environment;
    the parameter stays for callers of the old signature."""
    out: dict[str, dict[str, Any]] = {}
    names = list(SCHEMA)
    tools = lookup(raw, "capture.tools")[1]
    if isinstance(tools, Mapping):
        names += [TOOL_PREFIX + t for t in tools]
    for name in names:
        key = SCHEMA.get(name) or Key("level", "")
        found, value = lookup(raw, name)
        if found and not key.read_only:
            source = "file"
        else:
            value, source = key.default, "default" if key.default is not None else "unset"
        out[name] = {"value": mask(name, key, plain(value)), "source": source}
    for name, value in _flatten(raw):
        if name not in out and not name.startswith(TOOL_PREFIX):
            out[name] = {"value": mask(name, None, value), "source": "file (unknown key)"}
    return out


def _flatten(data: Mapping[str, Any], prefix: str = "") -> list[tuple[str, Any]]:
    items: list[tuple[str, Any]] = []
    for k, v in data.items():
        name = f"{prefix}{k}"
        if isinstance(v, Mapping) and name not in SCHEMA:
            items.extend(_flatten(v, name + "."))
        else:
            items.append((name, v))
    return items
