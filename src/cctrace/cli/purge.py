"""`cctrace purge --session ID | --before DATE | --project PATH`: erase traces everywhere.

Deletes the chosen traces in Langfuse (`DELETE /api/public/traces`, batches of 1,000,
rate limits honoured) and then in the local store, and reports what was deleted where.
`--local-only` skips Langfuse; `--dry-run` only counts. If Langfuse refuses, nothing is
deleted locally, so the same command can be run again. Filters combine (AND).
"""

from __future__ import annotations

import argparse
import json
from datetime import datetime, timezone
from typing import Any

from cctrace import config as config_mod
from cctrace import statedir
from cctrace.cli.main import CliError


def register(subparsers: Any) -> None:
    p = subparsers.add_parser(
        "purge", help="delete traces locally and in Langfuse",
        description="Delete the traces of a session, older than a date, or of a project, "
        "locally and in Langfuse.")
    p.add_argument("--session", metavar="ID", help="a session id (or unique prefix)")
    p.add_argument("--before", metavar="DATE",
                   help="traces that ended before DATE (YYYY-MM-DD or ISO 8601, UTC if no zone)")
    p.add_argument("--project", metavar="PATH", help="sessions run in PATH or below it")
    p.add_argument("--local-only", action="store_true", help="do not delete in Langfuse")
    p.add_argument("--dry-run", action="store_true", help="only say what would be deleted")
    p.add_argument("--json", action="store_true", help="print the report as JSON")
    p.set_defaults(func=run)


def parse_date(text: str) -> int:
    """DATE as epoch ns; a date without a zone is UTC."""
    try:
        when = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError as exc:
        raise CliError(f"--before: not a date: {text!r}", code=2) from exc
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return int(when.timestamp() * 1_000_000_000)


def run(args: argparse.Namespace) -> int:
    import os

    from cctrace.security import purge
    from cctrace.store.db import AmbiguousSession, Store

    if not (args.session or args.before or args.project):
        raise CliError("choose what to purge: --session, --before and/or --project", code=2)
    before = parse_date(args.before) if args.before else None
    project = os.path.abspath(os.path.expanduser(args.project)) if args.project else None
    root = statedir.state_dir()
    try:
        cfg = config_mod.load(root)
    except config_mod.ConfigError as exc:
        raise CliError(str(exc)) from exc
    with Store.open(root) as store:
        try:
            selection = purge.select(store, args.session, before, project)
        except AmbiguousSession as exc:
            raise CliError(str(exc), code=2) from exc
        if project and not selection.trace_ids and args.project:
            # A project given by name (as `cctrace sessions` shows it) rather than by path.
            selection = purge.select(store, args.session, before, args.project)
        result = purge.purge(store, cfg, selection, local_only=args.local_only,
                             dry_run=args.dry_run)
    if args.json:
        print(json.dumps(result.to_dict(), indent=2))
    else:
        _print(result, args)
    failed = any(r.failed for r in result.remote)
    return 1 if failed else 0


def _print(result: Any, args: argparse.Namespace) -> None:
    n = len(result.selection.trace_ids)
    sessions = len(result.selection.session_ids)
    if result.dry_run:
        print(f"would delete {n} trace(s) of {sessions} session(s)"
              + ("" if args.local_only else " locally and in Langfuse"))
        return
    if not n:
        print("nothing matched: nothing deleted")
        return
    for r in result.remote:
        if not r.supported:
            print(f"{r.destination}: not deleted ({'; '.join(r.errors)})")
        elif r.failed:
            print(f"{r.destination}: {r.failed} trace(s) NOT deleted: {'; '.join(r.errors[:3])}")
        else:
            print(f"{r.destination}: {r.deleted} trace(s) deleted "
                  f"({r.requests} request(s))")
    if any(r.failed for r in result.remote):
        print("local store: nothing deleted (run the same command again to retry)")
        return
    local = result.local
    print(f"local store: {local.get('traces', 0)} trace(s), {local.get('observations', 0)} "
          f"observation(s), {local.get('sessions', 0)} session(s), "
          f"{local.get('hook_events', 0)} hook event(s), {local.get('outbox', 0)} unsent "
          f"batch(es), {local.get('findings', 0)} finding(s) deleted")
