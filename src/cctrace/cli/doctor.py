"""`cctrace doctor` and `cctrace status`: is tracing healthy, and if not, what to do.

The checks themselves live in `cctrace.checks` (one module each, listed in
`checks/registry.py`); this module prints them. `doctor` prints them all and exits 1 when one
failed (`--strict`: or warned); `--offline` skips the checks that talk to the destination;
`--fix` first repairs what it can (the state dir 0700 and its files 0600, see
`checks.permissions.repair_permissions`) and lists each change. `status` runs the local
checks only and prints a compact summary, or with `--json` every check and figure for
scripts. Credentials never appear in output; URLs are shown without user info or query.
The names below are re-exported for callers that knew them here.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Mapping
from dataclasses import asdict
from typing import Any

from cctrace import statedir
from cctrace.checks.base import FAIL, MARK, OK, SKIP, WARN, Check
from cctrace.checks.permissions import Repair, repair_permissions
from cctrace.checks.quarantine import check_quarantine
from cctrace.checks.registry import exit_code, run_checks
from cctrace.checks.runtime import check_plugin_runtime
from cctrace.checks.transcripts import check_transcripts
from cctrace.checks.writable import check_writable

__all__ = ["FAIL", "MARK", "OK", "SKIP", "WARN", "Check", "Repair", "check_plugin_runtime",
           "check_quarantine", "check_transcripts", "check_writable", "exit_code",
           "repair_permissions", "run_checks", "register", "run_doctor", "run_status",
           "run_fix"]


def doctor_lines(checks: list[Check]) -> list[str]:
    lines = []
    width = max((len(c.name) for c in checks), default=0)
    for c in checks:
        lines.append(f"{MARK[c.status]}  {c.name:<{width}}  {c.detail}")
        if c.fix and c.status in (WARN, FAIL):
            lines.append(f"      {'':<{width}}  fix: {c.fix}")
    fails = sum(c.status == FAIL for c in checks)
    warns = sum(c.status == WARN for c in checks)
    lines.append("")
    lines.append("all good" if not (fails or warns) else
                 f"{fails} problem(s), {warns} warning(s)")
    return lines


def register(subparsers: Any) -> None:
    p = subparsers.add_parser(
        "doctor", help="check that tracing works here, and say how to fix what does not",
        description="Check hooks (as Claude Code merges user, project and local settings "
        "for this folder), Claude Code, the worker, spool, outbox, permissions, config, "
        "and whether the destination is reachable with valid credentials.")
    p.add_argument("--offline", action="store_true", help="do not contact the destination")
    p.add_argument("--strict", action="store_true", help="exit 1 on warnings too")
    p.add_argument("--json", action="store_true", help="print the checks as JSON")
    p.add_argument("--fix", action="store_true",
                   help="repair what can be repaired here (state dir 0700, its files "
                        "0600), say what was changed, then check again")
    p.set_defaults(func=run_doctor)
    s = subparsers.add_parser(
        "status", help="tracing health in brief (local checks only; --json for scripts)",
        description="The local health checks of `cctrace doctor` in brief (no network).")
    s.add_argument("--json", action="store_true", help="print JSON")
    s.set_defaults(func=run_status)


def _as_json(checks: list[Check]) -> dict[str, Any]:
    return {"ok": exit_code(checks) == 0, "state_dir": statedir.state_dir(),
            "checks": [c.json() for c in checks]}


def run_fix(state_dir: str | None = None,
            env: Mapping[str, str] | None = None) -> list[Repair]:
    """What `doctor --fix` repairs: the modes of the state dir and the config file."""
    from cctrace import config as config_mod

    root = state_dir or statedir.state_dir()
    return repair_permissions(root, config_mod.config_path(root))


def fix_lines(repairs: list[Repair]) -> list[str]:
    if not repairs:
        return ["fix: nothing to repair", ""]
    changed = sum(not r.error for r in repairs)
    return ([f"fix: {changed} permission(s) tightened"
             + (f", {len(repairs) - changed} could not be" if changed < len(repairs) else "")]
            + [f"  {r.line()}" for r in repairs] + [""])


def run_doctor(args: argparse.Namespace) -> int:
    repairs = None
    if getattr(args, "fix", False):
        # Found (and repaired) here; the checks below then show the state after the fix.
        repairs = run_fix()
    checks = run_checks(offline=args.offline)
    if args.json:
        out = _as_json(checks)
        if repairs is not None:
            out["fixed"] = [asdict(r) | {"text": r.line()} for r in repairs]
        print(json.dumps(out, indent=2, default=str))
    else:
        if repairs is not None:
            print("\n".join(fix_lines(repairs)))
        print("\n".join(doctor_lines(checks)))
    return exit_code(checks, args.strict)


def run_status(args: argparse.Namespace) -> int:
    checks = run_checks(offline=True)
    if args.json:
        print(json.dumps(_as_json(checks), indent=2, default=str))
    else:
        for c in checks:
            if c.status != SKIP:
                print(f"{c.name + ':':<13} {c.detail}")
        bad = [c.name for c in checks if c.status == FAIL]
        if bad:
            print(f"problems: {', '.join(bad)} (run `cctrace doctor`)", file=sys.stderr)
    return exit_code(checks)
