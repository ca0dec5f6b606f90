"""`cctrace findings`: what cctrace concluded about sessions (risky actions, coverage gaps,
tampering, refused destinations), newest first."""

from __future__ import annotations

import argparse
import json
from dataclasses import asdict
from datetime import datetime
from typing import Any

from cctrace import statedir
from cctrace.cli.main import CliError
from cctrace.findings import SEVERITIES


def register(subparsers: Any) -> None:
    p = subparsers.add_parser(
        "findings",
        help="list findings: risky actions, coverage gaps, tampering",
        description="List what cctrace concluded about recorded sessions, newest first.",
    )
    p.add_argument("--session", metavar="ID", help="only this session (id prefix accepted)")
    p.add_argument("--severity", choices=SEVERITIES, default="low",
                   help="this severity or worse (default low; info adds audit checkpoints "
                   "and coverage ratios)")
    p.add_argument("--all", action="store_true",
                   help="every severity, info included (same as --severity info)")
    p.add_argument("--kind", help="only this kind (rule, coverage, tamper, destination...)")
    p.add_argument("--limit", type=int, default=200, help="at most N (default 200)")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from cctrace.store.db import AmbiguousSession, Store

    with Store.open(statedir.state_dir()) as store:
        session = None
        if args.session:
            try:
                session = store.find_session(args.session)
            except AmbiguousSession as exc:
                raise CliError(str(exc)) from exc
            if session is None:
                raise CliError(f"no session matches {args.session!r}")
        found = store.findings(session_id=session,
                               severity="info" if args.all else args.severity,
                               kind=args.kind, limit=args.limit)
    if args.json:
        print(json.dumps([asdict(f) for f in found], indent=2))
        return 0
    if not found:
        print("no findings")
        return 0
    # Most severe first, newest first within a severity.
    found.sort(key=lambda f: -SEVERITIES.index(f.severity) if f.severity in SEVERITIES else 1)
    for f in found:
        when = datetime.fromtimestamp(f.time_ns / 1e9).strftime("%Y-%m-%d %H:%M:%S")
        where = (f.session_id or "-")[:8]
        tags = f"  [{', '.join(f.tags)}]" if f.tags else ""
        print(f"{when}  {f.severity.upper():8}  {where}  {f.rule_id}: {f.title}{tags}")
    return 0
