"""`python -m cctrace.worker`: run the background worker until it has been idle a while.

The state dir is `--state-dir DIR` as the hook pinned it (`CCTRACE_HOME` when run by hand).
Timing knobs come from the state dir's config.toml, `[worker]` `idle_ms` (milliseconds
without work before exiting, default 2000) and `max_seconds` (a cap on one worker's
lifetime, 0 = none), never from the environment: the worker is started from a Claude Code
session whose environment a repository can set, and a repository must not make it exit at
once (data delayed) or never. They change when work happens, never what is captured or
where it goes.
"""

from __future__ import annotations

import sys
from typing import Any

from cctrace import statedir
from cctrace.worker import lifecycle


def _whole(table: dict[str, Any], key: str) -> int | None:
    value = table.get(key)
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        return None  # missing or invalid: the default (`cctrace config` refuses these)
    return value


def timing(state_dir: str) -> tuple[float, float | None]:
    """`(idle_seconds, max_seconds or None)` from `[worker]` of the state dir's config; a
    missing, unreadable or invalid value keeps its default."""
    from cctrace import config

    try:
        table = config.read_file(config.config_path(state_dir)).get("worker")
    except config.ConfigError:
        table = None  # the pipeline reports a broken config; the worker still runs
    table = table if isinstance(table, dict) else {}
    idle_ms = _whole(table, "idle_ms")
    max_seconds = _whole(table, "max_seconds")
    return (lifecycle.DEFAULT_IDLE_SECONDS if idle_ms is None else idle_ms / 1000.0,
            float(max_seconds) if max_seconds else None)


def main(argv: list[str] | None = None) -> int:
    root = statedir.pinned_arg(sys.argv[1:] if argv is None else argv) or statedir.state_dir()
    try:
        from cctrace.worker import pipeline
    except Exception as exc:  # noqa: BLE001 - e.g. a dependency missing in this interpreter
        lifecycle.log_exception(root, "cannot import the pipeline", exc)
        return 1
    idle, max_seconds = timing(root)
    return lifecycle.run_worker(root, pipeline.run_once, idle_seconds=idle,
                                max_seconds=max_seconds)


if __name__ == "__main__":
    sys.exit(main())
