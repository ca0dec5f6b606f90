"""`cctrace trust`: retired. It once allowed hosts that a project's files chose.

Capture now takes its destination only from the user's config and keychain, so no project
value is ever used and there is nothing to trust. The command stays so that scripts calling
it get a clear message and a non-zero exit instead of "invalid choice".
"""

from __future__ import annotations

import argparse
from typing import Any

from cctrace.cli.main import CliError


def register(subparsers: Any) -> None:
    p = subparsers.add_parser(
        "trust", help="(retired) destinations come only from your config",
        description="Retired: project files can no longer choose an export destination, so "
        "no host needs to be trusted. Set the destination with `cctrace setup` or "
        "`cctrace config set`.")
    p.add_argument("rest", nargs="*", help=argparse.SUPPRESS)
    p.add_argument("--list", action="store_true", help=argparse.SUPPRESS)
    p.add_argument("--remove", metavar="HOST", help=argparse.SUPPRESS)
    p.add_argument("--json", action="store_true", help=argparse.SUPPRESS)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    raise CliError("`cctrace trust` is retired: traces go only where your config says "
                   "(`cctrace config set langfuse.base_url URL`, `cctrace setup`); values "
                   "set by a project's files or environment are never used", code=2)
