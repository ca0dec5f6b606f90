"""`cctrace config`: read and change `<state dir>/config.toml` without losing its comments.

Subcommands: `path`, `list [--json]`, `get KEY`, `set KEY [VALUE] [--add X] [--remove X]`,
`unset KEY`. Keys are `section.name` and are checked against `SCHEMA` (an unknown key is an
error listing close matches); values are typed and validated (the capture policy's own
checks for `capture.*`). Edits go through tomlkit, so comments and layout survive; the
new file is written to a temporary file beside the old one (0600), loaded back through
`cctrace.config.load` and the capture policy, and only then renamed over it. A file that is
not valid TOML is never rewritten. Secret values are never printed: they show as `<set>`.
The keys and their checks are `cli.configkeys`, the file editing `cli.configfile`; this
module is the commands (their names stay importable from here).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from typing import Any

from cctrace import config as config_mod
from cctrace import statedir
from cctrace.cli.configfile import edit, lookup, plain, table_at, toml_item, write_atomic
from cctrace.cli.configkeys import (
    SCHEMA,
    SET,
    URL_KEYS,
    Key,
    check_value,
    effective,
    mask,
    parse_value,
    resolve_key,
)
from cctrace.cli.main import CliError
from cctrace.config import ConfigError


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
        table = table_at(doc, parts[:-1], create=True)
        last = parts[-1]
        if edits:
            current = plain(table.get(last, []))
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
                    while item in plain(existing):
                        del existing[plain(existing).index(item)]
                for item in value:
                    if item not in plain(existing):
                        existing.append(item)
                return None
        else:
            value = check_value(name, key, parse_value(name, key, args.value))
        table[last] = toml_item(value)
        return None

    edit(path, change)
    for note in notes:
        print(f"cctrace: note: {note}", file=sys.stderr)
    ignored = next((e for e in key.env if os.environ.get(e, "").strip()), None)
    if ignored:
        print(f"cctrace: note: {ignored} is set in your environment; cctrace does not use "
              f"it, {name} in the config is what counts", file=sys.stderr)
    shown = mask(name, key, plain(lookup(_raw(path), name)[1]))
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
        table = table_at(doc, ["langfuse"], create=False)
        if table is not None and "secret_key" in table:
            del table["secret_key"]
        return None

    edit(path, change)
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
        table = table_at(doc, parts[:-1], create=False)
        if table is not None and parts[-1] in table:
            del table[parts[-1]]
            removed.append(True)
        return None

    edit(path, change)
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


__all__ = [
    "SCHEMA", "SET", "URL_KEYS", "Key", "check_value", "effective", "mask", "parse_value",
    "register", "resolve_key", "write_atomic",
]
