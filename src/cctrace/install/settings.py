"""Our hook entries in a Claude Code settings file: the pure merge / unmerge and the file I/O.

A settings document is `{"hooks": {"Event": [{"matcher": ..., "hooks": [{"type": "command",
"command": ..., "timeout": S}]}]}, ...}`. cctrace's entries are recognised by their command
(it runs `.../cctrace/hook/entry.py`), so re-installing updates them in place when the python or
the path changed, and uninstalling removes exactly them. Everything else in the document is
left as it was; a container (matcher group, event list, `hooks`) is dropped only when removing
our entry is what emptied it. Reading is strict (invalid JSON, duplicate keys or a non-object
document are refused, so nothing is lost by a rewrite); writing is atomic and keeps the mode.
"""

from __future__ import annotations

import copy
import json
import os
import re
import shlex
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from cctrace.install.events import EVENTS, TOOL_EVENTS

DEFAULT_TIMEOUT = 5  # seconds; a safety net, the hook itself returns in milliseconds
SCOPES: tuple[str, ...] = ("user", "project", "local")

# Matches the hook entry point whatever the interpreter, quoting or path separator, and the
# per-account locator a project-scope command runs.
_OURS_RE = re.compile(r"(?:^|[\\/])cctrace[\\/]hook(?:[\\/]entry\.py|\.sh)\b")
# The locator: `<claude config dir>/cctrace/hook.sh`, this account's hook command.
LOCATOR = os.path.join("cctrace", "hook.sh")


class SettingsError(Exception):
    """The settings file cannot be safely rewritten; the message says which and why."""


# --- pure ---------------------------------------------------------------------------------


def hook_command(python: str, entry: str, state_dir: str | None = None,
                 claude_dir: str | None = None) -> str:
    """The shell command Claude Code runs.

    `-I -S`: isolated mode (no PYTHON* variable, user site or cwd on the path: a repository
    can set the session's environment) without site, the hook needs only the stdlib.
    `--state-dir` pins where it records, so no environment value can move it. `|| true`
    because a hook exiting 2 blocks the tool call, and python exits 2 when the file is gone
    (cctrace removed without `cctrace uninstall`): that must not stop the user's work.
    `--claude-dir` (only for a `CLAUDE_CONFIG_DIR` user) says where to look for the cctrace
    plugin, to stand down for the events it records (`cctrace.hook.defer`).
    """
    pin = " " + shlex.quote("--state-dir=" + state_dir) if state_dir else ""
    if claude_dir:
        pin += " " + shlex.quote("--claude-dir=" + claude_dir)
    return f"{shlex.quote(python)} -I -S {shlex.quote(entry)}{pin} || true"


def portable_command() -> str:
    """The command `--scope project` writes into a shared `.claude/settings.json`.

    It names no path of this machine: it runs the locator of whoever's account runs Claude
    Code (`cctrace install` writes it, with that machine's python, package and state dir).
    Where there is none it does nothing, says so in one line on stderr (unless the cctrace
    plugin is installed there: it records the session itself) and exits 0.
    """
    return ('c="${CLAUDE_CONFIG_DIR:-$HOME/.claude}"; '
            'if [ -f "$c/cctrace/hook.sh" ]; then sh "$c/cctrace/hook.sh"; '
            'elif ! grep -qs \'"cctrace@\' "$c/plugins/installed_plugins.json"; then '
            'echo "cctrace: this project traces sessions with cctrace, which is not set up '
            'for this account: nothing recorded (pip install cctrace, then cctrace install; '
            'or the cctrace plugin)" >&2; fi; exit 0')


def is_portable(command: str) -> bool:
    return command == portable_command()


def locator_text(command: str) -> str:
    """The locator file for this account: a POSIX sh script running `command`."""
    return ("#!/bin/sh\n"
            "# Written by `cctrace install`: this account's cctrace hook. A project's shared\n"
            "# .claude/settings.json (cctrace install --scope project) runs this file, so it\n"
            "# names no path of any one machine. Rewritten by every `cctrace install`.\n"
            f"{command}\nexit 0\n")


def locator_path(env: Mapping[str, str]) -> str:
    return os.path.join(os.path.dirname(settings_path("user", "/", env)), LOCATOR)


def locator_state_dir(env: Mapping[str, str]) -> str | None:
    """The state dir pinned in this account's locator, if there is one."""
    try:
        with open(locator_path(env), encoding="utf-8") as fh:
            for line in fh:
                if not line.startswith("#"):
                    pin = pinned_state_dir(line)
                    if pin:
                        return pin
    except OSError:
        return None
    return None


def pinned_state_dir(command: str) -> str | None:
    """The state dir pinned into one of our hook commands, if any."""
    try:
        words = shlex.split(command)
    except ValueError:
        return None
    for word in words:
        if word.startswith("--state-dir="):
            return word[len("--state-dir="):] or None
    return None


def is_ours(hook: Any) -> bool:
    """Whether a hook entry (one element of a group's `hooks`) is cctrace's."""
    if not isinstance(hook, Mapping):
        return False
    command = hook.get("command")
    return isinstance(command, str) and bool(_OURS_RE.search(command))


def our_group(event: str, command: str, timeout: int = DEFAULT_TIMEOUT) -> dict[str, Any]:
    """The matcher group cctrace registers for `event`."""
    hook = {"type": "command", "command": command, "timeout": timeout}
    if event in TOOL_EVENTS:
        return {"matcher": "*", "hooks": [hook]}
    return {"hooks": [hook]}


def _hooks_table(settings: Mapping[str, Any]) -> dict[str, Any] | None:
    if not isinstance(settings, Mapping):
        raise SettingsError("the settings document is not a JSON object")
    table = settings.get("hooks")
    if table is None:
        return None
    if not isinstance(table, dict):
        raise SettingsError('"hooks" is not a JSON object')
    return table


def _occurrences(groups: list[Any]) -> list[tuple[int, int]]:
    """(group index, hook index) of each of our hooks in an event's group list."""
    found = []
    for gi, group in enumerate(groups):
        if isinstance(group, dict) and isinstance(group.get("hooks"), list):
            found.extend((gi, hi) for hi, hook in enumerate(group["hooks"]) if is_ours(hook))
    return found


def _remove(groups: list[Any], where: Iterable[tuple[int, int]]) -> list[Any]:
    """`groups` without the hooks at `where`; a group we emptied goes too."""
    doomed: dict[int, set[int]] = {}
    for gi, hi in where:
        doomed.setdefault(gi, set()).add(hi)
    kept = []
    for gi, group in enumerate(groups):
        if gi not in doomed:
            kept.append(group)
            continue
        rest = [h for hi, h in enumerate(group["hooks"]) if hi not in doomed[gi]]
        if rest:
            kept.append({**group, "hooks": rest})
    return kept


def merge(
    settings: Mapping[str, Any],
    command: str,
    events: Sequence[str],
    timeout: int = DEFAULT_TIMEOUT,
) -> dict[str, Any]:
    """A copy of `settings` with our hook registered for exactly `events`.

    An existing entry of ours is updated where it stands (in a group of the user's own, only the
    hook itself changes); duplicates and entries for events not in `events` are removed.
    """
    result = copy.deepcopy(dict(settings))
    table = _hooks_table(result)
    if table is None:
        if not events:
            return result
        table = result["hooks"] = {}
    removed_any = False
    wanted = list(events)
    for event in wanted + [e for e in table if e not in wanted]:
        groups = table.get(event)
        if groups is not None and not isinstance(groups, list):
            if event in wanted:
                raise SettingsError(f'"hooks.{event}" is not a JSON array')
            continue
        groups = groups if groups is not None else []
        found = _occurrences(groups)
        if event not in wanted:
            if found:
                removed_any = True
                groups = _remove(groups, found)
                if groups:
                    table[event] = groups
                else:
                    del table[event]
            continue
        desired = our_group(event, command, timeout)
        if not found:
            table[event] = groups + [desired]
            continue
        gi, hi = found[0]
        group = groups[gi]
        groups = list(groups)
        if all(is_ours(h) for h in group["hooks"]):
            groups[gi] = desired
        else:
            hooks = list(group["hooks"])
            hooks[hi] = desired["hooks"][0]
            groups[gi] = {**group, "hooks": hooks}
        table[event] = _remove(groups, found[1:]) if len(found) > 1 else groups
    if not table and removed_any:
        del result["hooks"]
    return result


def unmerge(settings: Mapping[str, Any]) -> dict[str, Any]:
    """A copy of `settings` without any hook entry of ours, in any event."""
    result = copy.deepcopy(dict(settings))
    table = _hooks_table(result)
    if not table:
        return result
    changed = False
    for event in list(table):
        groups = table[event]
        if not isinstance(groups, list):
            continue
        found = _occurrences(groups)
        if not found:
            continue
        changed = True
        groups = _remove(groups, found)
        if groups:
            table[event] = groups
        else:
            del table[event]
    if changed and not table:
        del result["hooks"]
    return result


# --- the statusLine setting ---------------------------------------------------------------

# Matches the statusline entry point whatever the interpreter, quoting or path separator.
_STATUS_RE = re.compile(r"(?:^|[\\/])cctrace[\\/]statusline[\\/]entry\.py\b")


def statusline_command(python: str, entry: str, state_dir: str,
                       theirs: str | None = None) -> str:
    """The `statusLine` command: our entry, the state dir pinned, the user's own command
    (if any) passed with `--then` so it runs first and shows first."""
    cmd = f"{shlex.quote(python)} -I -S {shlex.quote(entry)} " + shlex.quote(
        "--state-dir=" + state_dir)
    return cmd + (f" --then {shlex.quote(theirs)}" if theirs else "")


def is_our_statusline(value: Any) -> bool:
    command = value.get("command") if isinstance(value, Mapping) else None
    return isinstance(command, str) and bool(_STATUS_RE.search(command))


def statusline_theirs(command: str) -> str | None:
    """The user's command carried in one of our statusline commands (`--then CMD`)."""
    try:
        words = shlex.split(command)
    except ValueError:
        return None
    for i, word in enumerate(words):
        if word == "--then" and i + 1 < len(words):
            return words[i + 1]
    return None


def merge_statusline(settings: Mapping[str, Any], python: str, entry: str,
                     state_dir: str) -> dict[str, Any]:
    """A copy of `settings` whose `statusLine` runs ours, composed with the user's own
    (kept inside our command, restored by `unmerge_statusline`); idempotent."""
    result = copy.deepcopy(dict(settings))
    current = result.get("statusLine")
    if current is None:
        result["statusLine"] = {"type": "command",
                                "command": statusline_command(python, entry, state_dir),
                                "padding": 0}
        return result
    if (not isinstance(current, dict) or current.get("type") != "command"
            or not isinstance(current.get("command"), str)):
        raise SettingsError('"statusLine" is not a {"type": "command", "command": ...} '
                            "object; left untouched")
    theirs = (statusline_theirs(current["command"]) if is_our_statusline(current)
              else current["command"])
    result["statusLine"] = {**current, "command": statusline_command(
        python, entry, state_dir, theirs or None)}
    return result


def unmerge_statusline(settings: Mapping[str, Any]) -> dict[str, Any]:
    """A copy of `settings` with our statusline gone: the user's own command back where it
    was (with its other keys), or no `statusLine` at all when there was none."""
    result = copy.deepcopy(dict(settings))
    current = result.get("statusLine")
    if not is_our_statusline(current):
        return result
    theirs = statusline_theirs(current["command"])
    if theirs:
        result["statusLine"] = {**current, "command": theirs}
    else:
        del result["statusLine"]
    return result


def our_events(settings: Mapping[str, Any]) -> dict[str, list[dict[str, Any]]]:
    """Each event holding a hook of ours, with those hooks (in order)."""
    table = _hooks_table(settings) or {}
    found: dict[str, list[dict[str, Any]]] = {}
    for event, groups in table.items():
        if isinstance(groups, list):
            for gi, hi in _occurrences(groups):
                found.setdefault(event, []).append(groups[gi]["hooks"][hi])
    return found


def describe(before: Mapping[str, Any], after: Mapping[str, Any]) -> dict[str, list[str]]:
    """What a merge / unmerge did to our entries: events `added`, `updated`, `removed`."""
    old, new = our_events(before), our_events(after)
    changes: dict[str, list[str]] = {"added": [], "updated": [], "removed": []}
    for event in new:
        if event not in old:
            changes["added"].append(event)
        elif _group_of(before, event) != _group_of(after, event):
            changes["updated"].append(event)
    changes["removed"] = [e for e in old if e not in new]
    return {kind: sorted(names, key=_event_rank) for kind, names in changes.items()}


def _event_rank(event: str) -> tuple[int, str]:
    return (EVENTS.index(event) if event in EVENTS else len(EVENTS), event)


def _group_of(settings: Mapping[str, Any], event: str) -> Any:
    return (_hooks_table(settings) or {}).get(event)


def enabled_cctrace_plugins(settings: Mapping[str, Any]) -> list[str]:
    """`enabledPlugins` keys naming a cctrace plugin that is switched on."""
    plugins = settings.get("enabledPlugins") if isinstance(settings, Mapping) else None
    if not isinstance(plugins, Mapping):
        return []
    return [k for k, v in plugins.items() if isinstance(k, str) and k.startswith("cctrace@") and v]


def claude_dir_pin(env: Mapping[str, str]) -> str | None:
    """The Claude config dir to pin into the hook: only when `CLAUDE_CONFIG_DIR` moves it
    (the hook's default is `~/.claude` of the OS account)."""
    if not env.get("CLAUDE_CONFIG_DIR", "").strip():
        return None
    return os.path.dirname(settings_path("user", "/", env))


def settings_path(scope: str, cwd: str, env: Mapping[str, str]) -> str:
    """The settings file of `scope`: user honours `CLAUDE_CONFIG_DIR`, like Claude Code does."""
    if scope == "user":
        config_dir = env.get("CLAUDE_CONFIG_DIR", "").strip()
        if not config_dir:
            home = env.get("HOME", "").strip() or os.path.expanduser("~")
            config_dir = os.path.join(home, ".claude")
        return os.path.join(os.path.abspath(os.path.expanduser(config_dir)), "settings.json")
    if scope == "project":
        return os.path.join(os.path.abspath(cwd), ".claude", "settings.json")
    if scope == "local":
        return os.path.join(os.path.abspath(cwd), ".claude", "settings.local.json")
    raise ValueError(f"unknown scope {scope!r}; expected one of {', '.join(SCOPES)}")


PLUGIN_DATA = os.path.join("plugins", "data", "cctrace-cctrace")
PLUGIN_PIN = "state-dir"


def plugin_pin_path(env: Mapping[str, str]) -> str:
    """Where the plugin's launcher reads its pinned state dir: the folder Claude Code gives
    the cctrace plugin as `CLAUDE_PLUGIN_DATA` (`<claude config dir>/plugins/data/...`)."""
    user = settings_path("user", "/", env)
    return os.path.join(os.path.dirname(user), PLUGIN_DATA, PLUGIN_PIN)


def parse(text: str, where: str = "settings") -> dict[str, Any]:
    """A settings document from its text; blank text is an empty document.

    Refuses what a rewrite would damage: invalid JSON, a non-object, duplicate keys (JSON
    parsers keep only the last one, so writing back would drop the others).
    """
    if not text.strip():
        return {}

    def pairs(items: list[tuple[str, Any]]) -> dict[str, Any]:
        obj: dict[str, Any] = {}
        for key, value in items:
            if key in obj:
                raise SettingsError(f"{where}: duplicate key {key!r}; fix it by hand first")
            obj[key] = value
        return obj

    try:
        doc = json.loads(text, object_pairs_hook=pairs)
    except json.JSONDecodeError as exc:
        raise SettingsError(f"{where}: not valid JSON ({exc}); left untouched") from exc
    except RecursionError as exc:  # a cloned repository's settings file can be anything
        raise SettingsError(f"{where}: nested too deeply to read; left untouched") from exc
    if not isinstance(doc, dict):
        raise SettingsError(f"{where}: not a JSON object; left untouched")
    return doc


def render(settings: Mapping[str, Any]) -> str:
    return json.dumps(settings, indent=2, ensure_ascii=False) + "\n"


# --- I/O ----------------------------------------------------------------------------------


def read(path: str) -> dict[str, Any] | None:
    """The settings document at `path`, or None when the file does not exist."""
    try:
        with open(path, encoding="utf-8-sig") as fh:
            text = fh.read()
    except FileNotFoundError:
        return None
    except UnicodeDecodeError as exc:
        raise SettingsError(f"{path}: not UTF-8 text; left untouched") from exc
    except OSError as exc:
        raise SettingsError(f"{path}: cannot read: {exc.strerror}") from exc
    return parse(text, path)


def write_atomic(path: str, text: str) -> str:
    """Replace the file at `path` with `text` via temp file + rename; returns the file written.

    A symlinked settings file (dotfile managers) is written through to its target, and an
    existing file keeps its mode; a new one gets the umask's default, like any editor's.
    """
    target = os.path.realpath(path)
    folder = os.path.dirname(target)
    os.makedirs(folder, exist_ok=True)
    try:
        mode: int | None = os.stat(target).st_mode & 0o7777
    except FileNotFoundError:
        mode = None
    tmp = os.path.join(folder, f".{os.path.basename(target)}.cctrace-{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o666)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            if mode is not None and hasattr(os, "fchmod"):
                os.fchmod(fh.fileno(), mode)
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, target)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
    return target
