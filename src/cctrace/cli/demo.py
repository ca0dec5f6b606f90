"""`cctrace demo`: the embedded default at work, with no Claude Code and no server needed.

Imports the sample transcripts shipped with the package (recorded with the real Claude
Code CLI) into a store of its own (`<state dir>/demo`, never the user's real store), then
prints the session list and the tree of one session.
"""

from __future__ import annotations

import argparse
import os
import shutil
from importlib import resources
from typing import Any

from cctrace import statedir


def register(subparsers: Any) -> None:
    p = subparsers.add_parser(
        "demo",
        help="import the bundled sample sessions into a demo store and show them",
        description="Import the sample transcripts shipped with cctrace into "
        "<state dir>/demo and print the session report.",
    )
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from cctrace.cli import importer, main

    demo_home = os.path.join(statedir.state_dir(), "demo")
    statedir.ensure_dir(demo_home)
    samples = os.path.join(demo_home, "samples")
    with resources.as_file(resources.files("cctrace") / "data" / "samples") as src:
        shutil.copytree(src, samples, dirs_exist_ok=True)
    previous = os.environ.get("CCTRACE_HOME")
    os.environ["CCTRACE_HOME"] = demo_home
    try:
        counts = importer.import_paths([samples], export=False, live_minutes=0)
        print(f"Imported {counts['files']} sample session(s) into {demo_home}\n")
        main.main(["sessions"])
        from cctrace.store.db import Store

        with Store.open(demo_home) as store:
            sessions = store.sessions()
            richest = max(sessions, key=lambda s: s.tool_calls + s.generations)
        print()
        main.main(["show", richest.id])
    finally:
        if previous is None:
            os.environ.pop("CCTRACE_HOME", None)
        else:
            os.environ["CCTRACE_HOME"] = previous
    print(f"\nLook again any time: CCTRACE_HOME={demo_home} cctrace sessions")
    return 0
