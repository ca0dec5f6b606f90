"""The `hook` check: what the hook counted as lost or odd (its counters file, not the store)."""

from __future__ import annotations

import os

from cctrace.checks.base import FAIL, OK, WARN, Check, Spec


def check_hook_counters(state_dir: str) -> Check:
    from cctrace.hook.main import read_counters

    counters = read_counters(state_dir)
    bad = {k: v for k, v in counters.items() if v}
    if bad.get("hook.env_ignored"):
        return Check("hook", FAIL, f"{bad['hook.env_ignored']} event(s) arrived with "
                     "CCTRACE_HOME or CCTRACE_CONFIG naming another place: recorded here all "
                     "the same; a project's settings or .env may be trying to move cctrace",
                     "cctrace findings --kind destination; remove the variable from the "
                     "project's .claude/settings*.json env or your shell", counters)
    if bad:
        listed = ", ".join(f"{k} {v}" for k, v in sorted(bad.items()))
        return Check("hook", WARN, f"hook anomalies: {listed}",
                     f"see {os.path.join(state_dir, 'logs')} (hook.log)", counters)
    return Check("hook", OK, "no hook event lost", "", counters)


CHECK = Spec(("hook",), lambda ctx: [check_hook_counters(ctx.state_dir)])
