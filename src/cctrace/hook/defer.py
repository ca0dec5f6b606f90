"""Plugin and settings hook side by side: which one records an event, decided per event.

Both can be installed at once (the plugin, and `cctrace install`'s hook in a settings file);
Claude Code then runs both for every event the plugin registers. The rule that makes that
record each event exactly once: **the plugin always records; a settings-file hook stands down
for an event when the cctrace plugin will run for it**. That is the case when
`<claude dir>/plugins/installed_plugins.json` lists a `cctrace@<marketplace>` plugin, it is
enabled (`enabledPlugins`, the local settings file over the project's over the user's, as
Claude Code reads them) and its `hooks/hooks.json` names the event. The settings hook keeps
the events the plugin does not register (the release-gated ones: PostToolUseFailure,
SubagentStart, StopFailure, PostCompact), so the pair records more than either alone.

Everything read here is a file Claude Code itself decides by: a repository can enable or
disable the plugin in its own settings, and Claude Code follows it exactly as we do. The
Claude config dir is the one pinned into the hook command (`--claude-dir`, written by
`cctrace install` when `CLAUDE_CONFIG_DIR` is set), else `~/.claude` of the OS account:
never an environment variable, which a repository could set to make us stand down. Standard
library only (`_json` via jsonlite), a handful of small file reads; on any doubt (a file
unreadable) the hook records, since a duplicate is better than a loss.
"""

from __future__ import annotations

import os

from cctrace.spool import jsonlite

PLUGIN_NAME = "cctrace"
_MAX_FILE = 4 * 1024 * 1024


def _load(path: str) -> object | None:
    try:
        with open(path, "rb") as fh:
            raw = fh.read(_MAX_FILE)
    except OSError:
        return None
    return jsonlite.loads(raw.decode("utf-8-sig", "replace"))


def claude_dir(argv: list[str]) -> str:
    """`--claude-dir=DIR` from the hook's command line, else `~/.claude` of the OS account."""
    for arg in argv:
        if arg.startswith("--claude-dir="):
            value = arg[len("--claude-dir="):]
            if os.path.isabs(value):
                return os.path.normpath(value)
    from cctrace import statedir

    return os.path.join(statedir.account_home(), ".claude")


def enabled(key: str, config_dir: str, cwd: str) -> bool:
    """The effective `enabledPlugins[key]`: local settings over project over user."""
    value = None
    for path in (os.path.join(config_dir, "settings.json"),
                 os.path.join(cwd, ".claude", "settings.json"),
                 os.path.join(cwd, ".claude", "settings.local.json")):
        doc = _load(path)
        plugins = doc.get("enabledPlugins") if isinstance(doc, dict) else None
        if isinstance(plugins, dict) and key in plugins:
            value = plugins[key]
    return value is True


def plugin_records(event: str | None, config_dir: str, cwd: str) -> bool:
    """Whether an enabled, installed cctrace plugin registers `event` (so it records it)."""
    if not event:
        return False
    installed = _load(os.path.join(config_dir, "plugins", "installed_plugins.json"))
    plugins = installed.get("plugins") if isinstance(installed, dict) else None
    if not isinstance(plugins, dict):
        return False
    for key, entries in plugins.items():
        if not (isinstance(key, str) and key.startswith(PLUGIN_NAME + "@")
                and isinstance(entries, list)):
            continue
        if not enabled(key, config_dir, cwd):
            continue
        for entry in entries:
            path = entry.get("installPath") if isinstance(entry, dict) else None
            if not isinstance(path, str):
                continue
            hooks = _load(os.path.join(path, "hooks", "hooks.json"))
            table = hooks.get("hooks") if isinstance(hooks, dict) else None
            if isinstance(table, dict) and event in table:
                return True
    return False
