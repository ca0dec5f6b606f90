"""`cctrace demo`: the embedded default at work, with no Claude Code and no server needed.

Imports the sample transcripts shipped with the package (recorded with the real Claude
Code CLI) into a store of its own (`<state dir>/demo`, never the user's real store), then
prints the session list and the tree of one session.
"""

from __future__ import annotations

import argparse
import os
import shlex
import shutil
import sys
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

    # The state dir itself first: makedirs gives the parents it creates 0755.
    statedir.ensure_dir(statedir.state_dir())
    demo_home = statedir.ensure_dir(os.path.join(statedir.state_dir(), "demo"))
    samples = os.path.join(demo_home, "samples")
    with resources.as_file(resources.files("cctrace") / "data" / "samples") as src:
        shutil.copytree(src, samples, dirs_exist_ok=True)
    private_tree(samples)
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
    print(f"\nLook again any time: CCTRACE_HOME={shlex.quote(demo_home)} "
          f"{own_command()} sessions")
    return 0


def private_tree(root: str) -> None:
    """Copies keep the package's modes (0755/0644): make the demo's copy 0700/0600."""
    for folder, _, files in os.walk(root):
        os.chmod(folder, statedir.DIR_MODE)
        for name in files:
            os.chmod(os.path.join(folder, name), statedir.FILE_MODE)


def own_command(argv0: str | None = None) -> str:
    """How to run this cctrace again from the user's shell, as typed: `cctrace` when that
    is what PATH finds, else the script's own path (a venv not on PATH), else
    `python -m cctrace` with this interpreter."""
    argv0 = sys.argv[0] if argv0 is None else argv0
    if os.path.basename(argv0) == "cctrace" and os.path.isfile(argv0):
        found = shutil.which("cctrace")
        if found and os.path.realpath(found) == os.path.realpath(argv0):
            return "cctrace"
        return shlex.quote(os.path.abspath(argv0))
    return f"{shlex.quote(sys.executable)} -m cctrace"
