"""`cctrace report`: what Claude Code cost and did, from the local store, no server needed.

Prints a terminal summary at the terminal's width (cost and tokens by day, week, month,
project, model and token type, the most expensive sessions, cost per turn, cache hit ratio
and savings, unpriced tokens, tool usage and failure rates, slowest tools, findings; info
findings only with `--all`); `--html FILE` also writes a self-contained offline page with
charts (`--html -`: only the page, to stdout), `--json` prints the figures for scripts.
The aggregation and rendering live in `cctrace.report`.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from typing import Any, TextIO

from cctrace import statedir
from cctrace.cli.main import CliError
from cctrace.cli.sessions import parse_since


def register(subparsers: Any) -> None:
    p = subparsers.add_parser(
        "report",
        help="cost, tokens, tools and findings from the local store (terminal or HTML)",
        description="Summarise the recorded sessions: where the money went (cost and tokens "
        "by day, week, month, project, model and token type; sessions, most expensive "
        "first; cost per turn; cache hit ratio and savings; unpriced tokens), tool usage, "
        "failure rates, slowest tools and findings.",
    )
    p.add_argument("--since", metavar="DATE",
                   help="only activity since DATE (2026-01-31, 2026-01-31T09:00, or a span "
                   "back from now: 12h, 7d, 2w)")
    p.add_argument("--until", metavar="DATE", help="only activity before DATE (same forms)")
    p.add_argument("--html", metavar="FILE",
                   help="also write a self-contained HTML report with charts to FILE "
                   "(`-`: write only the HTML, to stdout)")
    p.add_argument("--json", action="store_true", help="print the figures as JSON")
    p.add_argument("--open", action="store_true",
                   help="open the HTML report in the default browser")
    p.add_argument("--all", action="store_true",
                   help="also list info findings (audit checkpoints, full coverage); they are "
                   "counted but not listed by default")
    p.set_defaults(func=run)


def write_private(path: str, text: str) -> str:
    """Write `text` to `path` atomically; a new file is 0600 (the report names projects)."""
    path = os.path.abspath(os.path.expanduser(path))
    folder = os.path.dirname(path)
    if not os.path.isdir(folder):
        raise CliError(f"{folder}: no such folder")
    tmp = f"{path}.tmp-{os.getpid()}"
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, statedir.FILE_MODE)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
    return path


def run(args: argparse.Namespace, out: TextIO | None = None) -> int:
    from cctrace.report import load_report
    from cctrace.report.html import render_html
    from cctrace.report.text import report_lines
    from cctrace.store.db import Store

    out = out or sys.stdout
    now = time.time_ns()
    since = parse_since(args.since, now) if args.since else None
    until = parse_since(args.until, now) if args.until else None
    if since is not None and until is not None and until <= since:
        raise CliError("--until must be after --since", code=2)
    from cctrace.cli.sessions import check_prices

    check_prices()
    with Store.open() as store:
        report = load_report(store, since, until, now_ns=now, include_info=args.all)
    if args.html == "-":
        if args.json or args.open:
            raise CliError("--html - writes the page to stdout: not with --json or --open",
                           code=2)
        out.write(render_html(report))
        return 0
    if args.json:
        json.dump(report.to_dict(), out, ensure_ascii=False, indent=2)
        out.write("\n")
    else:
        import shutil

        # The terminal's width (COLUMNS, else the tty's; 120 when not a terminal).
        width = shutil.get_terminal_size((120, 24)).columns
        out.write("\n".join(report_lines(report, width)) + "\n")
    if args.html:
        try:
            path = write_private(args.html, render_html(report))
        except OSError as exc:
            raise CliError(f"{args.html}: cannot write: {exc.strerror or exc}") from exc
        print(f"HTML report: {path}", file=sys.stderr if args.json else out)
        if args.open:
            import webbrowser

            webbrowser.open("file://" + path)
    elif args.open:
        raise CliError("--open needs --html FILE", code=2)
    return 0
