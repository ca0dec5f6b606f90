"""The `transcripts` check: what reading transcripts and spool entries skipped or repaired."""

from __future__ import annotations

import os

from cctrace.checks.base import OK, WARN, Check, Spec


def check_transcripts(state_dir: str) -> Check:
    """What reading transcripts and spool entries had to skip or repair (never silent)."""
    from cctrace.store.db import Store

    with Store.open(state_dir) as store:
        counters = store.counters()
    unknown = {k.split(".", 1)[1]: v for k, v in counters.items()
               if k.startswith("transcript_skipped.") and v}
    problems = {k: v for k, v in counters.items() if v and (
        k in ("transcript_bad_lines", "transcript_read_errors", "spool_unusable_events",
              "spool.quarantined", "store.rebuilt", "transcript_unreadable_records",
              "transcript_record_errors") or k.startswith("transcript_reset_"))}
    data = {"unknown_record_types": unknown, **problems}
    parts = [f"{k} {v}" for k, v in sorted(problems.items())]
    if unknown:
        parts.append("record types skipped: " + ", ".join(
            f"{k} {v}" for k, v in sorted(unknown.items())))
    if problems:
        return Check("transcripts", WARN, "; ".join(parts),
                     f"see {os.path.join(state_dir, 'logs')} (worker.log); `cctrace import` "
                     "re-reads a transcript from its start", data)
    if unknown:
        return Check("transcripts", OK, "; ".join(parts) + " (written by a newer Claude Code? "
                     "an upgrade of cctrace may capture them)", "", data)
    return Check("transcripts", OK, "nothing skipped", "", data)


CHECK = Spec(("transcripts",), lambda ctx: [check_transcripts(ctx.state_dir)],
             needs_state_dir=True)
