"""Changes to cctrace made from inside a Claude Code session: recorded as `audit.agent_tamper`.

An agent steered by a prompt injection can run `cctrace config set audit.enabled false`,
`capture.level`, `retention.days 1`, `cctrace rules guard disable`, `cctrace uninstall` or
`cctrace setup` as the user. None of that is blocked (the user asks Claude for such things
too), but when the command runs from inside Claude Code (`audit.selferase.marks`), a high
finding naming the command (a config key, never its value) is stored, sealed in the
audit chain and queued for export (a worker is started to send it) before the command
runs, under the settings in force before it: so `audit.enabled false` is itself
recorded, and a command failing half-way still is. `main` calls `note` before every
command; commands that change nothing return at once, without any I/O.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from cctrace import config as config_mod
from cctrace import statedir


def action(args: argparse.Namespace) -> str | None:
    """What the command changed, as a line without values (None: it changed nothing)."""
    command = getattr(args, "command", None)
    if getattr(args, "dry_run", False):
        return None
    if command == "config" and args.config_command in ("set", "unset"):
        return f"cctrace config {args.config_command} {args.key}"
    if command == "rules" and getattr(args, "rules_command", None) == "guard" and \
            getattr(args, "guard_command", None) in ("enable", "disable"):
        return f"cctrace rules guard {args.guard_command}"
    if command == "uninstall":
        where = "--all" if args.all else f"--scope {args.scope or 'user'}"
        return f"cctrace uninstall {where}"
    if command == "setup":
        return "cctrace setup"
    return None


def send_soon(state_dir: str, report: dict[str, Any]) -> None:
    """Start a worker to send a record `selferase.record` queued, so that it leaves the
    machine even if no hook fires again (the agent may have removed them). Never raises."""
    if report.get("queued"):
        from cctrace.worker import lifecycle

        lifecycle.wake_worker(state_dir)


def note(args: argparse.Namespace, environ: Any = None) -> dict[str, Any] | None:
    """Record the change `args` made if it was made from inside Claude Code; says so on
    stderr. Returns the record's report (None: nothing to record)."""
    what = action(args)
    if what is None:
        return None
    from cctrace.audit import selferase

    found = selferase.check_change(what, environ, user=selferase.local_user())
    if found is None:
        return None
    root = statedir.state_dir()
    try:
        cfg: Any = config_mod.load(root)
    except config_mod.ConfigError:
        cfg = None  # a broken file: the audit log's defaults (on) still record it
    report = selferase.record(root, cfg, found)
    send_soon(root, report)
    print(f"cctrace: note: `{what}` ran from inside a Claude Code session: recorded as high "
          f"finding {found.id} in the audit log"
          + (f" (NOT fully recorded: {report['error']})" if report.get("error") else ""),
          file=sys.stderr)
    return report
