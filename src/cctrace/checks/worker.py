"""The `worker` and `spool` checks: is the background worker alive, is the spool draining.

Nothing here reads a spool payload (they are raw, unredacted): the backlog is counted from
file names and ages.
"""

from __future__ import annotations

import os

from cctrace.checks.base import FAIL, OK, WARN, Check, Context, Spec, duration

SPOOL_BACKLOG_WARN = 1000
SPOOL_AGE_WARN_S = 600


def spool_backlog(state_dir: str, now_s: float) -> tuple[int, float | None]:
    """(events waiting, age in seconds of the oldest), from file names and mtimes only."""
    from cctrace.spool import layout

    seqs = layout.list_seqs(state_dir)
    if not seqs:
        return 0, None
    try:
        oldest = os.stat(os.path.join(layout.spool_dir(state_dir),
                                      layout.event_name(seqs[0]))).st_mtime
    except OSError:
        return len(seqs), None
    return len(seqs), max(now_s - oldest, 0.0)


def check_worker_and_spool(state_dir: str, now_s: float) -> list[Check]:
    from cctrace.worker import lifecycle

    pid = lifecycle.worker_pid(state_dir)
    count, age = spool_backlog(state_dir, now_s)
    info = lifecycle.read_worker_info(state_dir)
    checks = []
    python = info["python"] if info else None
    if python and not os.path.exists(python):
        checks.append(Check("worker", FAIL, f"worker python {python} is gone",
                            "cctrace install --worker-only (from the python cctrace runs on)",
                            {"pid": pid}))
    elif pid:
        checks.append(Check("worker", OK, f"running (pid {pid})", "", {"pid": pid}))
    elif count:
        checks.append(Check("worker", WARN, f"not running with {count} event(s) waiting",
                            "cctrace flush (and see <state dir>/logs/worker.log)",
                            {"pid": None}))
    else:
        checks.append(Check("worker", OK, "idle (starts on the next hook event)", "",
                            {"pid": None}))
    data = {"pending": count, "oldest_age_s": age}
    if count >= SPOOL_BACKLOG_WARN or (age is not None and age > SPOOL_AGE_WARN_S):
        checks.append(Check("spool", WARN, f"{count} event(s) waiting, oldest "
                            f"{duration(age)} old", "cctrace flush", data))
    else:
        checks.append(Check("spool", OK, f"{count} event(s) waiting" if count else "empty",
                            "", data))
    return checks


def _run(ctx: Context) -> list[Check]:
    checks = check_worker_and_spool(ctx.state_dir, ctx.now_s)
    runtime = ctx.earlier("runtime")
    if runtime and runtime.status in (WARN, FAIL) and checks[0].status == WARN:
        checks[0].fix = "the plugin's runtime is not ready: see 'runtime' above"
    return checks


CHECK = Spec(("worker", "spool"), _run)
