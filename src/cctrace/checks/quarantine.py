"""The `quarantine` check: hook events the worker could not process."""

from __future__ import annotations

import os

from cctrace.checks.base import FAIL, OK, Check, Spec


def check_quarantine(state_dir: str) -> Check:
    """Events the worker could not process (their ids and sizes are kept): a problem."""
    from cctrace.spool import quarantine

    n = quarantine.count(state_dir)
    if not n:
        return Check("quarantine", OK, "empty")
    return Check("quarantine", FAIL, f"{n} hook event(s) the worker could not process "
                 "(ids and sizes kept, encrypted)",
                 f"see {os.path.join(state_dir, 'logs')} (worker.log names the error type); "
                 "`cctrace import <transcript>` re-reads their sessions; then `cctrace purge "
                 "--quarantine` deletes the records", {"quarantined": n})


CHECK = Spec(("quarantine",), lambda ctx: [check_quarantine(ctx.state_dir)],
             needs_state_dir=True)
