"""`python -m cctrace.worker`: run the background worker until it has been idle a while.

The state dir is `--state-dir DIR` as the hook pinned it (`CCTRACE_HOME` when run by hand).
Timing knobs from the environment: `CCTRACE_WORKER_IDLE` (seconds without work before
exiting, default 2) and `CCTRACE_WORKER_MAX_SECONDS` (optional cap on one worker's
lifetime); they change when work happens, never what is captured or where it goes.
"""

from __future__ import annotations

import os
import sys

from cctrace import statedir
from cctrace.worker import lifecycle


def _float_env(name: str, default: float | None) -> float | None:
    raw = os.environ.get(name, "").strip()
    try:
        return float(raw) if raw else default
    except ValueError:
        return default


def main(argv: list[str] | None = None) -> int:
    root = statedir.pinned_arg(sys.argv[1:] if argv is None else argv) or statedir.state_dir()
    try:
        from cctrace.worker import pipeline
    except Exception as exc:  # noqa: BLE001 - e.g. a dependency missing in this interpreter
        lifecycle.log_exception(root, "cannot import the pipeline", exc)
        return 1
    idle = _float_env("CCTRACE_WORKER_IDLE", lifecycle.DEFAULT_IDLE_SECONDS)
    return lifecycle.run_worker(
        root,
        pipeline.run_once,
        idle_seconds=lifecycle.DEFAULT_IDLE_SECONDS if idle is None else idle,
        max_seconds=_float_env("CCTRACE_WORKER_MAX_SECONDS", None),
    )


if __name__ == "__main__":
    sys.exit(main())
