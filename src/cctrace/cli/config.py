"""`cctrace config`: read and change `<state dir>/config.toml` without losing its comments.

Subcommands: `path`, `list [--json]`, `get KEY`, `set KEY [VALUE] [--add X] [--remove X]`,
`unset KEY`. Keys are `section.name` and are checked against `SCHEMA` (an unknown key is an
error listing close matches); values are typed and validated (the capture policy's own
checks for `capture.*`). Edits go through tomlkit, so comments and layout survive; the
new file is written to a temporary file beside the old one (0600), loaded back through
`cctrace.config.load` and the capture policy, and only then renamed over it. A file that is
not valid TOML is never rewritten. Secret values are never printed: they show as `<set>`.
"""

from __future__ import annotations

import argparse
import difflib
import json
import os
import sys
import tempfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from cctrace import config as config_mod
from cctrace import statedir
from cctrace.cli.main import CliError
from cctrace.config import ConfigError
from cctrace.policy import settings as policy_settings
from cctrace.worker import limits

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
}
_TOOL_PREFIX = "capture.tools."


# --------------------------------------------------------------------------- keys


def resolve_key(name: str) -> tuple[str, Key]:
    """The schema entry for `name` (`capture.tools.<Tool>` included), or a CliError."""
    key = name.strip()
    if key in SCHEMA:
        return key, SCHEMA[key]
    if key.startswith(_TOOL_PREFIX) and len(key) > len(_TOOL_PREFIX):
        tool = key[len(_TOOL_PREFIX):]
        known = {t.lower(): t for t in KNOWN_TOOLS}
        if tool not in KNOWN_TOOLS and tool.lower() in known:
            raise CliError(f"unknown tool {tool!r}: tool names are case-sensitive, "
                           f"did you mean {_TOOL_PREFIX}{known[tool.lower()]}?", code=2)
        return key, Key("level", f"capture level of the {tool} tool")
    close = difflib.get_close_matches(key, list(SCHEMA) + [_TOOL_PREFIX + "Bash"], n=3,
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
            from cctrace.store.cost import PriceError, parse_overrides

            try:
                parse_overrides(value)
            except PriceError as exc:
                raise ConfigError(str(exc)) from exc
    except ConfigError as exc:
        raise CliError(str(exc), code=2) from exc
    return value


# --------------------------------------------------------------------------- file


def _read_text(path: str) -> str:
    try:
        with open(path, encoding="utf-8") as fh:
            return fh.read()
    except FileNotFoundError:
        return ""
    except (OSError, UnicodeDecodeError) as exc:
        raise CliError(f"{path}: cannot read: {exc}") from exc


def _parse_checked(path: str, text: str) -> Any:
    """The tomlkit document of `text`, after tomllib agrees it is valid TOML."""
    import tomlkit

    try:
        config_mod.tomllib.loads(text)
    except config_mod.tomllib.TOMLDecodeError as exc:
        raise CliError(f"{path}: not valid TOML ({exc}); fix it by hand, "
                       f"the file was not changed") from exc
    return tomlkit.parse(text)


def _lookup(data: Mapping[str, Any], name: str) -> tuple[bool, Any]:
    node: Any = data
    for part in name.split("."):
        if not isinstance(node, Mapping) or part not in node:
            return False, None
        node = node[part]
    return True, node


def _plain(value: Any) -> Any:
    """tomlkit items as plain Python values."""
    unwrap = getattr(value, "unwrap", None)
    return unwrap() if callable(unwrap) else value


def _item(value: Any) -> Any:
    import tomlkit

    if isinstance(value, list):
        arr = tomlkit.array()
        arr.extend(value)
        if len(value) > 2:
            arr.multiline(True)
        return arr
    if isinstance(value, dict):
        table = tomlkit.inline_table()
        table.update(value)
        return table
    return value


def _container(doc: Any, parts: list[str], create: bool) -> Any:
    import tomlkit

    node = doc
    for index, part in enumerate(parts):
        if part not in node:
            if not create:
                return None
            # A table that only holds another table renders as `[a.b]` without `[a]`.
            node[part] = tomlkit.table(is_super_table=index < len(parts) - 1)
        node = node[part]
        if not isinstance(node, Mapping):
            raise CliError(f"{'.'.join(parts[: index + 1])} is a value in the file, "
                           f"not a table; fix the file by hand", code=2)
    return node


def write_atomic(path: str, text: str) -> None:
    """Write `text` to a temporary file beside `path`, check it loads, then rename it."""
    path = os.path.realpath(path)
    folder = os.path.dirname(path)
    if not os.path.isdir(folder):
        statedir.ensure_dir(folder)
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=".config.", suffix=".toml.tmp")
    try:
        os.fchmod(fd, statedir.FILE_MODE)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        # The new file must load exactly as every stage will load it.
        cfg = config_mod.load(folder, path=tmp)
        policy_settings.parse_capture(cfg.section("capture"))
        os.replace(tmp, path)
    except ConfigError as exc:
        _unlink(tmp)
        raise CliError(f"not written: {str(exc).replace(tmp, path)}", code=2) from exc
    except BaseException:
        _unlink(tmp)
        raise


def _unlink(path: str) -> None:
    try:
        os.unlink(path)
    except OSError:
        pass


# --------------------------------------------------------------------------- effective


def effective(raw: Mapping[str, Any], env: Mapping[str, str] | None = None
              ) -> dict[str, dict[str, Any]]:
    """Every setting's value in force and where it comes from (file, default, or the
    keychain for the Langfuse secret key). `env` is not used: capture reads no environment;
    the parameter stays for callers of the old signature."""
    out: dict[str, dict[str, Any]] = {}
    names = list(SCHEMA)
    tools = _lookup(raw, "capture.tools")[1]
    if isinstance(tools, Mapping):
        names += [_TOOL_PREFIX + t for t in tools]
    for name in names:
        key = SCHEMA.get(name) or Key("level", "")
        found, value = _lookup(raw, name)
        if found and not key.read_only:
            source = "file"
        else:
            value, source = key.default, "default" if key.default is not None else "unset"
        out[name] = {"value": mask(name, key, _plain(value)), "source": source}
    for name, value in _flatten(raw):
        if name not in out and not name.startswith(_TOOL_PREFIX):
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


def _show(value: Any) -> str:
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False)


# --------------------------------------------------------------------------- commands


def _path() -> str:
    return config_mod.config_path(statedir.state_dir())


def _raw(path: str) -> dict[str, Any]:
    try:
        return config_mod.read_file(path)
    except ConfigError as exc:
        raise CliError(str(exc)) from exc


def cmd_path(args: argparse.Namespace) -> int:
    print(_path())
    return 0


def cmd_list(args: argparse.Namespace) -> int:
    settings = effective(_raw(_path()), os.environ)
    if args.json:
        print(json.dumps(settings, indent=2, ensure_ascii=False))
        return 0
    width = max(len(k) for k in settings)
    for name, entry in settings.items():
        value = "(unset)" if entry["value"] is None else _show(entry["value"])
        print(f"{name:<{width}}  {value}  # {entry['source']}")
    return 0


def cmd_get(args: argparse.Namespace) -> int:
    name, _ = resolve_key(args.key)
    entry = effective(_raw(_path()), os.environ).get(name)
    if entry is None or entry["value"] is None:
        return 1
    print(_show(entry["value"]))
    return 0


def _edit(path: str, change: Callable[[Any], str | None]) -> str | None:
    import tomlkit

    text = _read_text(path)
    doc = _parse_checked(path, text)
    note = change(doc)
    new_text = tomlkit.dumps(doc)
    if new_text != text:
        write_atomic(path, new_text)
    return note


def cmd_set(args: argparse.Namespace) -> int:
    name, key = resolve_key(args.key)
    if key.read_only:
        raise CliError(f"{name} is read-only; lift a built-in pattern with "
                       f"`cctrace config set capture.allow_paths --add PATTERN`", code=2)
    edits = bool(args.add or args.remove)
    if edits and key.kind != "list":
        raise CliError(f"--add/--remove work on lists; {name} is a {key.kind}", code=2)
    if edits == (args.value is not None):
        raise CliError("give either VALUE or --add/--remove", code=2)
    if args.value == "-":
        args.value = sys.stdin.read().rstrip("\n")
    if name == "langfuse.secret_key":
        return _set_secret_key(args.value or "")
    parts = name.split(".")
    path = _path()
    notes: list[str] = []

    def change(doc: Any) -> str | None:
        table = _container(doc, parts[:-1], create=True)
        last = parts[-1]
        if edits:
            current = _plain(table.get(last, []))
            if not isinstance(current, list):
                raise CliError(f"{name} in the file is not a list; fix it by hand", code=2)
            items = list(current)
            for item in args.add or []:
                if item not in items:
                    items.append(item)
            for item in args.remove or []:
                if item in items:
                    items.remove(item)
                elif name == "capture.deny_paths" and item in SCHEMA[
                        "capture.default_deny_paths"].default:
                    notes.append(f"{item!r} is built in; lift it with `cctrace config set "
                                 f"capture.allow_paths --add {item!r}`")
                else:
                    notes.append(f"{item!r} was not in {name}")
            value = check_value(name, key, items)
            existing = table.get(last)
            if existing is not None and hasattr(existing, "multiline"):
                # Edit the array in place: comments on its other items survive.
                for item in args.remove or []:
                    while item in _plain(existing):
                        del existing[_plain(existing).index(item)]
                for item in value:
                    if item not in _plain(existing):
                        existing.append(item)
                return None
        else:
            value = check_value(name, key, parse_value(name, key, args.value))
        table[last] = _item(value)
        return None

    _edit(path, change)
    for note in notes:
        print(f"cctrace: note: {note}", file=sys.stderr)
    ignored = next((e for e in key.env if os.environ.get(e, "").strip()), None)
    if ignored:
        print(f"cctrace: note: {ignored} is set in your environment; cctrace does not use "
              f"it, {name} in the config is what counts", file=sys.stderr)
    shown = mask(name, key, _plain(_lookup(_raw(path), name)[1]))
    print(f"{name} = {_show(shown)}")
    return 0


def _set_secret_key(value: str) -> int:
    """The Langfuse secret key goes to the OS keychain (or its 0600 file), never into
    config.toml; a copy already in the file is removed."""
    from cctrace.security import keys

    value = value.strip()
    if not value:
        raise CliError("langfuse.secret_key must not be empty", code=2)
    root = statedir.state_dir()
    stored = keys.store_secret_key(value, root)
    path = _path()

    def change(doc: Any) -> str | None:
        table = _container(doc, ["langfuse"], create=False)
        if table is not None and "secret_key" in table:
            del table["secret_key"]
        return None

    _edit(path, change)
    where = ("the OS keychain" if stored.backend == "keyring"
             else f"{stored.path} (mode 0600; no OS keychain is available here)")
    print(f"langfuse.secret_key stored in {where}")
    if stored.warning:
        print(f"cctrace: note: {stored.warning}", file=sys.stderr)
    return 0


def cmd_unset(args: argparse.Namespace) -> int:
    name, key = resolve_key(args.key)
    if key.read_only:
        raise CliError(f"{name} is read-only", code=2)
    parts = name.split(".")
    path = _path()
    removed: list[bool] = []

    def change(doc: Any) -> str | None:
        table = _container(doc, parts[:-1], create=False)
        if table is not None and parts[-1] in table:
            del table[parts[-1]]
            removed.append(True)
        return None

    _edit(path, change)
    if name == "langfuse.secret_key":
        from cctrace.security import keys

        if keys.delete_secret_key(statedir.state_dir()):
            removed.append(True)
    if not removed:
        print(f"cctrace: note: {name} was not set in {path}", file=sys.stderr)
    return 0


def register(subparsers: Any) -> None:
    p = subparsers.add_parser(
        "config",
        help="read and change settings (config.toml), including the capture policy",
        description="Read and change cctrace's settings in <state dir>/config.toml "
        "(comments and layout are kept). Secret values are never printed.",
    )
    sub = p.add_subparsers(dest="config_command", metavar="ACTION")
    sub.required = True
    sp = sub.add_parser("path", help="print the config file's path")
    sp.set_defaults(func=cmd_path)
    sp = sub.add_parser("list", help="every setting in force, with defaults and sources")
    sp.add_argument("--json", action="store_true", help="print JSON")
    sp.set_defaults(func=cmd_list)
    sp = sub.add_parser("get", help="print one setting (exit 1 when unset)")
    sp.add_argument("key", metavar="KEY")
    sp.set_defaults(func=cmd_get)
    sp = sub.add_parser(
        "set", help="set one setting",
        description="Set KEY to VALUE (strings, numbers, true/false, JSON lists/tables; "
        "'-' reads VALUE from stdin), or add to / remove from a list.")
    sp.add_argument("key", metavar="KEY")
    sp.add_argument("value", metavar="VALUE", nargs="?")
    sp.add_argument("--add", action="append", metavar="ITEM", help="append ITEM to a list")
    sp.add_argument("--remove", action="append", metavar="ITEM",
                    help="remove ITEM from a list")
    sp.set_defaults(func=cmd_set)
    sp = sub.add_parser("unset", help="remove one setting from the file (back to default)")
    sp.add_argument("key", metavar="KEY")
    sp.set_defaults(func=cmd_unset)
