"""The `hooks` check: is our hook registered for this folder, and will Claude Code run it.

It reads the user, project and local settings files the way Claude Code combines them for
the current folder (hooks of every scope run; a file that names an event the installed
release does not know loses all its hooks; `disableAllHooks` in any of them switches every
hook off), the managed settings, plus an enabled cctrace plugin.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

from cctrace.checks.base import FAIL, OK, WARN, Check, Spec, read_settings

MANAGED_SETTINGS = "/etc/claude-code/managed-settings.json"


def effective_hooks(cwd: str, env: Mapping[str, str], version: Any,
                    managed_path: str = MANAGED_SETTINGS) -> dict[str, Any]:
    """Where our hook is registered for `cwd`, and whether Claude Code will run it.

    Returns {"files": [{scope, path, events, unknown, error, disable_all}], "events":
    events that will fire, "plugin": enabled cctrace plugins, "disabled_by": path or None,
    "managed_only": bool}.
    """
    from cctrace.install import events as ev
    from cctrace.install import settings as st

    try:
        known = set(ev.supported_events(version))
    except ev.UnsupportedRelease:
        known = set()
    files, fired, plugins = [], set(), []
    disabled_by = None
    seen: set[str] = set()
    for scope in st.SCOPES:
        path = st.settings_path(scope, cwd, env)
        if path in seen:  # cwd is HOME: the project file is the user file
            continue
        seen.add(path)
        doc, error = read_settings(path)
        entry: dict[str, Any] = {"scope": scope, "path": path, "events": [], "unknown": [],
                                 "error": error, "disable_all": False, "exists": doc is not None}
        if doc is not None:
            try:
                ours = sorted(st.our_events(doc), key=lambda e: (
                    ev.EVENTS.index(e) if e in ev.EVENTS else 99, e))
            except st.SettingsError as exc:
                ours, entry["error"] = [], str(exc)
            entry["events"] = ours
            hooks = doc.get("hooks") if isinstance(doc.get("hooks"), dict) else {}
            # An event name the release does not know silences the whole file. We can only
            # judge the names we know the history of (ours).
            # Unknown release (no claude found): nothing to judge against.
            entry["unknown"] = [e for e in hooks if e in ev.EVENTS and e not in known
                                and version is not None]
            entry["disable_all"] = doc.get("disableAllHooks") is True
            if entry["disable_all"]:
                disabled_by = path
            if not entry["unknown"]:
                fired.update(ours)
            plugins += st.enabled_cctrace_plugins(doc)
        files.append(entry)
    managed, _ = read_settings(managed_path) if os.path.exists(managed_path) else (None, None)
    managed_only = bool(managed and managed.get("allowManagedHooksOnly") is True)
    if managed and managed.get("disableAllHooks") is True:
        disabled_by = managed_path
    if plugins:
        fired.update(ev.CORE_EVENTS)
    return {"files": files, "events": sorted(fired), "plugin": sorted(set(plugins)),
            "disabled_by": disabled_by, "managed_only": managed_only, "known": sorted(known)}


def check_hooks(cwd: str, env: Mapping[str, str], version: Any,
                managed_path: str = MANAGED_SETTINGS) -> Check:
    from cctrace.install import events as ev

    info = effective_hooks(cwd, env, version, managed_path)
    files = info["files"]
    installed = [f for f in files if f["events"]]
    broken = [f for f in files if f["error"]]
    data = {"events": info["events"], "scopes": [f["scope"] for f in installed],
            "plugin": info["plugin"]}
    if info["disabled_by"]:
        return Check("hooks", FAIL, f"disableAllHooks is true in {info['disabled_by']}: no "
                     "hook runs", "remove disableAllHooks from that file", data)
    if info["managed_only"] and not info["plugin"]:
        return Check("hooks", FAIL, f"{MANAGED_SETTINGS} allows managed hooks only",
                     "ask your administrator to add the cctrace hook to managed settings",
                     data)
    for f in files:
        if f["unknown"] and f["events"]:
            return Check("hooks", FAIL, f"{f['path']} names events this Claude Code does not "
                         f"know ({', '.join(f['unknown'])}): every hook in it is ignored",
                         f"cctrace install --scope {f['scope']}", data)
    if not installed and not info["plugin"]:
        extra = f"; unreadable: {broken[0]['error']}" if broken else ""
        return Check("hooks", FAIL, f"no cctrace hook in user, project or local settings"
                     f"{extra}", "cctrace install (or cctrace setup)", data)
    try:
        wanted = set(ev.supported_events(version))
    except ev.UnsupportedRelease as exc:
        return Check("hooks", FAIL, str(exc), "upgrade Claude Code", data)
    missing = [e for e in ev.EVENTS if e in wanted and e not in info["events"]]
    where = ", ".join(f"{f['scope']} ({f['path']})" for f in installed)
    if info["plugin"]:
        where = ", ".join(filter(None, [where, "plugin " + ", ".join(info["plugin"])]))
    missing_entry = _missing_entry(installed)
    if missing_entry:
        return Check("hooks", FAIL, f"the hook runs {missing_entry}, which does not exist",
                     f"cctrace install --scope {installed[0]['scope']}", data)
    if len(installed) > 1:
        return Check("hooks", WARN, f"installed more than once: {where}; events may be "
                     "recorded twice", "keep one: cctrace uninstall --scope SCOPE", data)
    if missing and not info["plugin"]:
        return Check("hooks", WARN, f"installed in {where}, but not for {', '.join(missing)}",
                     f"cctrace install --scope {installed[0]['scope']}", data)
    both = " (the settings hook stands down for the plugin's events: none twice)" \
        if installed and info["plugin"] else ""
    return Check("hooks", OK, f"{len(info['events'])} events via {where}{both}", "", data)


def _missing_entry(installed: list[dict[str, Any]]) -> str | None:
    """The hook script a registered command runs, if that file is gone."""
    import shlex

    from cctrace.install import settings as st

    for f in installed:
        doc, _ = read_settings(f["path"])
        for hooks in st.our_events(doc or {}).values():
            for hook in hooks:
                try:
                    words = shlex.split(hook.get("command", ""))
                except ValueError:
                    continue
                for word in words:
                    if word.endswith("entry.py") and not os.path.isfile(word):
                        return word
    return None


CHECK = Spec(("hooks",), lambda ctx: [check_hooks(ctx.cwd, ctx.env, ctx.version)])
