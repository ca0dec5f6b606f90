"""The `runtime` check: the cctrace plugin's private runtime (installed, installing, failed)."""

from __future__ import annotations

import os
from collections.abc import Mapping

from cctrace.checks.base import FAIL, OK, SKIP, WARN, Check, Spec, read_settings


def check_plugin_runtime(env: Mapping[str, str], state_dir: str) -> Check:
    """The plugin's private runtime (`cctrace.install.runtime`): installed, installing, or
    failed with the exact reason and fix. Needed only when no `worker.json` names a python."""
    from cctrace.install import runtime
    from cctrace.install import settings as st
    from cctrace.worker import lifecycle

    data = os.path.dirname(st.plugin_pin_path(env))
    user_doc, _ = read_settings(st.settings_path("user", "/", env))
    if not st.enabled_cctrace_plugins(user_doc or {}) and not os.path.isdir(data):
        return Check("runtime", SKIP, "no cctrace plugin", "")
    info = lifecycle.read_worker_info(state_dir)
    if info and os.path.isfile(info["python"]):
        return Check("runtime", OK, f"not needed: the worker runs on {info['python']} "
                     "(worker.json of your own install)", "")
    status = runtime.read_status(data) or {}
    log = runtime.log_path(data)
    data_out = {k: v for k, v in status.items() if k in ("state", "step", "reason", "python")}
    state = status.get("state")
    if state == "ready":
        return Check("runtime", OK, f"ready: {status.get('python')}", "", data_out)
    if state == "installing":
        return Check("runtime", WARN, f"installing (log: {log}); events wait in the "
                     "spool and are processed once it is ready", "wait, then run doctor again",
                     data_out)
    if state == "failed":
        return Check("runtime", FAIL, f"install failed at {status.get('step')}: "
                     f"{status.get('reason')} (log: {log})", str(status.get("fix", "")),
                     data_out)
    return Check("runtime", WARN, "not installed yet: the first Claude Code session "
                 "with the plugin starts its install", "start a session, or run "
                 "`cctrace-plugin bootstrap` (the plugin's bin/) to install it now", data_out)


CHECK = Spec(("runtime",), lambda ctx: [check_plugin_runtime(ctx.env, ctx.state_dir)])
