"""`cctrace statusline`: the line Claude Code's `statusLine` setting shows, from the CLI.

The same output as the tiny entry script `cctrace install --statusline` wires into
settings.json (`cctrace/statusline/entry.py`, standard library only, milliseconds); this
command form is for trying it by hand (`echo '{"session_id": "..."}' | cctrace statusline`)
and for scripts. It reads the state dir of this shell (`CCTRACE_HOME`, else the default).
"""

from __future__ import annotations

import argparse
from typing import Any

from cctrace import statedir


def register(subparsers: Any) -> None:
    p = subparsers.add_parser(
        "statusline",
        help="one line for Claude Code's status line: session, today and 5-hour block cost",
        description="Print the status line Claude Code shows when `cctrace install "
        "--statusline` wired it: this session's cost (session id from the JSON Claude Code "
        "sends on stdin), today's cost, the current 5-hour block's cost, burn rate and time "
        "left, and a marker when a finding of medium or higher arrived in this session. "
        "Reads the summary file the worker keeps, never the store.",
    )
    p.add_argument("--then", metavar="CMD",
                   help="run CMD (your own statusline command) with the same stdin and "
                   "print its first line before ours")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from cctrace.statusline.line import main

    argv = ["--state-dir=" + statedir.state_dir()]
    if args.then:
        argv += ["--then", args.then]
    return main(argv)
