"""Running the hook as `cctrace install` writes it: `python -I -S entry.py --state-dir=DIR`.

The state dir is pinned on the command line (the hook reads no environment for it), and the
worker's interpreter comes from `worker.json` in that state dir, so tests that must keep the
worker from running pin `/bin/true` there (`pin_worker`).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import cctrace

ENTRY = os.path.join(os.path.dirname(cctrace.__file__), "hook", "entry.py")


def hook_argv(state: str | Path, *flags: str, entry: str | Path = ENTRY,
              extra: tuple[str, ...] = ()) -> list[str]:
    return [sys.executable, "-I", "-S", *flags, str(entry), f"--state-dir={state}", *extra]


def pin_worker(state: str | Path, python: str) -> None:
    """Make the hook start `python` as the worker of `state` (e.g. /bin/true: none)."""
    from cctrace.worker import lifecycle

    info = lifecycle.read_worker_info(str(state))
    if info is None or info["python"] != python:  # a full or read-only disk: already pinned
        lifecycle.write_worker_info(str(state), python=python)
