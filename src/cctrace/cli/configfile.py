"""Editing `config.toml` without losing its comments, and writing it only when it loads.

`edit(path, change)` parses the file with tomlkit after tomllib agrees it is valid TOML (a
broken file is never rewritten), lets `change` edit the document (`table_at` finds or makes
a table, `toml_item` turns lists and dicts into TOML arrays and inline tables), and, when
the text changed, `write_atomic` writes a 0600 temporary file beside it, loads it back the
way every stage will (`cctrace.config.load` and the capture policy) and only then renames
it over the old one. `lookup` and `plain` read values out of a parsed file.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Mapping
from typing import Any

from cctrace import config as config_mod
from cctrace import statedir
from cctrace.audit import configwatch
from cctrace.cli.main import CliError
from cctrace.config import ConfigError
from cctrace.policy import settings as policy_settings


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


def lookup(data: Mapping[str, Any], name: str) -> tuple[bool, Any]:
    node: Any = data
    for part in name.split("."):
        if not isinstance(node, Mapping) or part not in node:
            return False, None
        node = node[part]
    return True, node


def plain(value: Any) -> Any:
    """tomlkit items as plain Python values."""
    unwrap = getattr(value, "unwrap", None)
    return unwrap() if callable(unwrap) else value


def toml_item(value: Any) -> Any:
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


def table_at(doc: Any, parts: list[str], create: bool) -> Any:
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
    state_dir = os.path.dirname(os.path.abspath(path))  # where the worker looks for it
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
        # The worker tells cctrace's own edits from others' by this (`audit.configwatch`):
        # remembered before the rename, which keeps the new file's stat.
        configwatch.remember(state_dir, source=tmp)
        try:
            os.replace(tmp, path)
        except OSError:
            configwatch.remember(state_dir)  # not renamed: the file in place is still ours
            raise
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


def edit(path: str, change: Callable[[Any], str | None]) -> str | None:
    import tomlkit

    text = _read_text(path)
    doc = _parse_checked(path, text)
    note = change(doc)
    new_text = tomlkit.dumps(doc)
    if new_text != text:
        write_atomic(path, new_text)
    return note
