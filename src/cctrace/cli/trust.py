"""`cctrace trust HOST | --list | --remove HOST`: hosts a project may point exports at.

Export destinations and Langfuse keys set by a project's `.claude/settings*.json` `env` or
`.env` files are ignored unless their host is on this list (`cctrace.security.trust`).
Values from your own config file and shell need no trust. The list is
`<state dir>/trusted-hosts.json` (0600).
"""

from __future__ import annotations

import argparse
import json
from typing import Any

from cctrace import statedir
from cctrace.cli.main import CliError


def register(subparsers: Any) -> None:
    p = subparsers.add_parser(
        "trust", help="allow a project-configured export host",
        description="Trust HOST (host, host:port or URL) as an export destination that a "
        "project's settings or .env may choose; --list shows the list, --remove drops one.")
    p.add_argument("host", nargs="?", help="host, host:port or URL")
    p.add_argument("--list", action="store_true", help="show the trusted hosts")
    p.add_argument("--remove", metavar="HOST", help="stop trusting HOST")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from cctrace.security import trust

    root = statedir.ensure_dir(statedir.state_dir())
    chosen = sum(bool(x) for x in (args.host, args.list, args.remove))
    if chosen != 1:
        raise CliError("give exactly one of HOST, --list or --remove HOST", code=2)
    try:
        if args.list:
            hosts = trust.load_trusted(root)
            if args.json:
                print(json.dumps({"hosts": hosts}))
            elif hosts:
                print("\n".join(hosts))
            else:
                print("no trusted hosts (exports go only where your own config and shell say)")
            return 0
        if args.remove:
            name, was = trust.remove_trusted(root, args.remove)
            print(f"{name}: {'no longer trusted' if was else 'was not trusted'}")
            return 0
        name, new = trust.add_trusted(root, args.host)
    except ValueError as exc:
        raise CliError(str(exc), code=2) from exc
    print(f"{name}: {'trusted' if new else 'already trusted'}; a project may now send "
          "your traces there")
    return 0
