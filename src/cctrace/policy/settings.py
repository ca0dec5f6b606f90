"""The capture policy's settings: the `Policy` value, its defaults, and reading `[capture]`.

`Policy.from_config(cfg)` turns the `[capture]` table of the config file into a validated,
immutable `Policy`; every bad value raises `ConfigError` naming the key. `parse_capture`
does the same from a plain table, so `cctrace config set` can check a change before it
writes it. `path_denied` answers "is this file's content off limits, and by which rule".
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from cctrace.config import Config, ConfigError
from cctrace.policy.globs import Glob, compile_glob, first_match

LEVELS = ("full", "redacted", "metadata")
DEFAULT_LEVEL = "redacted"
DEFAULT_MAX_FIELD_KB = 256

# Files whose content is credentials in practically every project. Key files are named
# exactly (`id_rsa`, `id_ed25519_sk`...) rather than `id_*`, which would also hide
# `id_card.py`; custom key names are covered by the `~/.ssh/**` rule.
DEFAULT_DENY_PATHS: tuple[str, ...] = (
    ".env*",
    "*.pem",
    "*.key",
    "id_{rsa,dsa,ecdsa,ed25519,xmss}{,_sk}",
    "*.p12",
    "*.pfx",
    "*.keystore",
    "*.jks",
    "*.ppk",
    ".netrc",
    "_netrc",
    ".npmrc",
    ".pypirc",
    ".git-credentials",
    ".pgpass",
    ".my.cnf",
    ".htpasswd",
    ".vault-token",
    "credentials.json",
    "client_secret*.json",
    "*.tfstate",
    "*.tfstate.backup",
    "**/secrets/**",
    "~/.aws/**",
    "~/.ssh/**",
    "~/.gnupg/**",
    "~/.docker/config.json",
    "~/.kube/config",
    "~/.config/gcloud/**",
    "~/.azure/**",
    "~/.config/gh/hosts.yml",
    "~/.cargo/credentials*",
    "~/.gem/credentials",
    "**/.aws/credentials",
    "**/.kube/config",
    # A process's environment: Claude Code's own holds its API key.
    "/proc/**/environ",
    # Claude Code's own files: its login (Linux), its transcripts (every earlier tool
    # output in clear, what this policy withheld included) and every project's prompts.
    "**/.claude/.credentials.json",
    "**/.claude/projects/**/*.jsonl",
    "**/.claude/history.jsonl",
)

# Keys of the `[capture]` table, for error messages and `cctrace config`.
CAPTURE_KEYS = ("level", "deny_paths", "allow_paths", "default_deny", "tools",
                "max_field_kb", "opt_out", "opt_in", "pii", "computed_paths")


@dataclass(frozen=True)
class Policy:
    """What is captured at all. Build it with `from_config` (or directly, in tests)."""

    level: str = DEFAULT_LEVEL
    deny_paths: tuple[str, ...] = ()  # the user's additions to DEFAULT_DENY_PATHS
    allow_paths: tuple[str, ...] = ()  # a path matching one of these is never denied
    tools: Mapping[str, str] = field(default_factory=dict)  # tool name -> level
    max_field_kb: int = DEFAULT_MAX_FIELD_KB  # 0: no cap
    opt_out: tuple[str, ...] = ()
    opt_in: tuple[str, ...] = ()
    use_default_deny: bool = True
    pii: bool = False  # also redact personal data (e-mail, phone, card, IBAN, IP, SSN)
    # Withhold a Bash output whose read target is computed at run time (`policy.computed`).
    computed_paths: bool = True
    # `~` in patterns and paths; fixed at construction so matching stays pure.
    home: str = field(default_factory=lambda: os.path.expanduser("~"))

    def __post_init__(self) -> None:
        # Compile once, and fail early on a pattern the matcher cannot use.
        def compiled(patterns: tuple[str, ...]) -> tuple[Glob, ...]:
            return tuple(compile_glob(p, self.home) for p in patterns)

        deny = (DEFAULT_DENY_PATHS if self.use_default_deny else ()) + tuple(self.deny_paths)
        object.__setattr__(self, "_deny", compiled(deny))
        object.__setattr__(self, "_allow", compiled(tuple(self.allow_paths)))
        object.__setattr__(self, "_opt_out", compiled(tuple(self.opt_out)))
        object.__setattr__(self, "_opt_in", compiled(tuple(self.opt_in)))
        # `path_denied`'s answers, by (path, cwd): a turn names the same few files again
        # and again (every Read of a file, every command run in one folder), and each
        # answer is ~50 glob matches on two spellings of the path.
        object.__setattr__(self, "_denied", {})

    @classmethod
    def from_config(cls, cfg: Config) -> Policy:
        """The policy of `cfg`'s `[capture]` table (defaults where it is silent)."""
        return parse_capture(cfg.section("capture"))

    def deny_patterns(self) -> bool:
        """Whether any deny pattern is in force (the built-in list or the user's)."""
        return bool(self._deny)  # type: ignore[attr-defined]

    def tool_level(self, tool: str) -> str:
        """The level for one tool's content: its `[capture.tools]` entry, else `level`."""
        return self.tools.get(tool, self.level)

    def project_rule(self, cwd: str | None) -> str | None:
        """Why a session in `cwd` is not captured (`opt_out <glob>` / `opt_in`), or None."""
        if cwd:
            hit = first_match(self._opt_out, cwd, None, self.home)  # type: ignore[attr-defined]
            if hit is not None:
                return f"opt_out {hit.text}"
        if self.opt_in:
            if not cwd or first_match(self._opt_in, cwd, None, self.home) is None:  # type: ignore[attr-defined]
                return "opt_in"
        return None


def path_denied(path: str, cwd: str | None, policy: Policy) -> str | None:
    """The deny pattern that withholds `path`'s content (`cwd` resolves relative paths)."""
    if not isinstance(path, str) or not path.strip():
        return None
    if cwd is not None and type(cwd) is not str:
        return _path_rule(path, cwd, policy)
    memo: dict[tuple[str, str | None], str | None] = policy._denied  # type: ignore[attr-defined]
    key = (path, cwd)
    if key in memo:
        return memo[key]
    rule = _path_rule(path, cwd, policy)
    if len(memo) >= DENIED_MEMO:
        memo.clear()
    memo[key] = rule
    return rule


# Answers `path_denied` keeps per policy (cleared whole when full).
DENIED_MEMO = 4096


def _path_rule(path: str, cwd: str | None, policy: Policy) -> str | None:
    hit = first_match(policy._deny, path, cwd, policy.home)  # type: ignore[attr-defined]
    if hit is None:
        return None
    if first_match(policy._allow, path, cwd, policy.home) is not None:  # type: ignore[attr-defined]
        return None
    return hit.text


# ------------------------------------------------------------------------- parsing


def _where(key: str) -> str:
    return f"capture.{key}"


def check_level(value: Any, key: str) -> str:
    if not isinstance(value, str) or value.strip().lower() not in LEVELS:
        raise ConfigError(f"{key} must be one of {', '.join(LEVELS)}, not {value!r}")
    return value.strip().lower()


def check_patterns(value: Any, key: str, home: str | None = None) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"{key} must be a list of path patterns (strings)")
    out = []
    for item in value:
        if not item.strip():
            raise ConfigError(f"{key} has an empty pattern")
        try:
            compile_glob(item, home or os.path.expanduser("~"))
        except Exception as exc:  # noqa: BLE001 - any regex failure is a bad pattern
            raise ConfigError(f"{key}: bad pattern {item!r}: {exc}") from exc
        out.append(item)
    return tuple(out)


def check_kb(value: Any, key: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ConfigError(f"{key} must be a whole number of KB >= 0 (0 = no cap), "
                          f"not {value!r}")
    return value


def parse_capture(table: Mapping[str, Any], home: str | None = None) -> Policy:
    """A `Policy` from a `[capture]` table; `ConfigError` names the first bad key."""
    if not isinstance(table, Mapping):
        raise ConfigError("[capture] must be a table")
    unknown = sorted(set(table) - set(CAPTURE_KEYS))
    if unknown:
        raise ConfigError(f"capture.{unknown[0]} is not a known setting "
                          f"(known: {', '.join(CAPTURE_KEYS)})")
    tools_raw = table.get("tools", {})
    if not isinstance(tools_raw, Mapping):
        raise ConfigError("capture.tools must be a table of tool name = level")
    tools = {str(name): check_level(level, f"capture.tools.{name}")
             for name, level in tools_raw.items()}
    use_default = table.get("default_deny", True)
    if not isinstance(use_default, bool):
        raise ConfigError("capture.default_deny must be true or false")
    pii = table.get("pii", False)
    if not isinstance(pii, bool):
        raise ConfigError("capture.pii must be true or false")
    computed = table.get("computed_paths", True)
    if not isinstance(computed, bool):
        raise ConfigError("capture.computed_paths must be true or false")
    kwargs: dict[str, Any] = {
        "pii": pii,
        "computed_paths": computed,
        "level": check_level(table.get("level", DEFAULT_LEVEL), _where("level")),
        "deny_paths": check_patterns(table.get("deny_paths", []), _where("deny_paths"), home),
        "allow_paths": check_patterns(table.get("allow_paths", []), _where("allow_paths"),
                                      home),
        "tools": tools,
        "max_field_kb": check_kb(table.get("max_field_kb", DEFAULT_MAX_FIELD_KB),
                                 _where("max_field_kb")),
        "opt_out": check_patterns(table.get("opt_out", []), _where("opt_out"), home),
        "opt_in": check_patterns(table.get("opt_in", []), _where("opt_in"), home),
        "use_default_deny": use_default,
    }
    if home is not None:
        kwargs["home"] = home
    return Policy(**kwargs)
