"""The `state dir pin` check: does the hook record where this cctrace looks."""

from __future__ import annotations

import os
from collections.abc import Mapping

from cctrace import statedir
from cctrace.checks.base import FAIL, OK, SKIP, WARN, Check, Spec, read_settings


def check_pin(cwd: str, env: Mapping[str, str], root: str) -> Check:
    """Whether the hook records where this cctrace looks: the state dir pinned into each of
    our hook commands (an unpinned one records to `statedir.capture_default()`)."""
    from cctrace.install import settings as st

    pins: dict[str, str] = {}
    for scope in st.SCOPES:
        path = st.settings_path(scope, cwd, env)
        doc, _ = read_settings(path)
        for hooks in (st.our_events(doc) if doc else {}).values():
            for hook in hooks:
                command = str(hook.get("command", ""))
                if st.is_portable(command):
                    # A project-scope hook runs this account's locator: its pin counts
                    # (none when the locator defers to the user-scope hook).
                    pin = st.locator_state_dir(env)
                    if pin is None and os.path.exists(st.locator_path(env)):
                        continue
                else:
                    pin = st.pinned_state_dir(command)
                pins[path] = pin or ""
        if doc and st.enabled_cctrace_plugins(doc):
            pin_file = st.plugin_pin_path(env)
            try:
                with open(pin_file, encoding="utf-8") as fh:
                    pins[pin_file] = fh.readline().strip()
            except OSError:
                pins[pin_file] = ""
    here = os.path.realpath(root)
    data = {"pins": pins, "state_dir": here, "default": statedir.capture_default()}
    if not pins:
        return Check("state dir pin", SKIP, "no cctrace hook in settings files", "", data)
    elsewhere = {p: (d or statedir.capture_default()) for p, d in pins.items()
                 if os.path.realpath(d or statedir.capture_default()) != here}
    if elsewhere:
        path, other = sorted(elsewhere.items())[0]
        return Check("state dir pin", FAIL, f"the hook in {path} records to {other}, but this "
                     f"cctrace looks at {here}", "run `cctrace install` from the shell whose "
                     "CCTRACE_HOME you want, or unset CCTRACE_HOME here", data)
    unpinned = [p for p, d in pins.items() if not d]
    if unpinned:
        return Check("state dir pin", WARN, f"the hook in {unpinned[0]} names no state dir "
                     f"(an older install, or the plugin before `cctrace install --plugin`): it "
                     f"records to {statedir.capture_default()}",
                     "cctrace install (or cctrace install --plugin for the plugin) pins it",
                     data)
    return Check("state dir pin", OK, f"the hook records to {here}", "", data)


CHECK = Spec(("state dir pin",), lambda ctx: [check_pin(ctx.cwd, ctx.env, ctx.state_dir)])
