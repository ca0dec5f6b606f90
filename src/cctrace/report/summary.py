"""The statusline's summary file: the few figures `cctrace.statusline` shows, kept by the worker.

After each batch it stores, the worker rewrites `<state dir>/statusline.json` (atomically:
temp file + rename, 0600) from the store through `cctrace.report.usage`: cost per local day
for today and yesterday, the latest 5-hour block (times, cost, tokens), and for each of the
50 most recently active sessions its whole cost, unpriced tokens and findings of medium or
higher; and how many `audit.agent_tamper` findings there are (erasures and changes of
cctrace as if by an agent, which belong to no session). Days and blocks are computed over
the last 48 hours of model calls, so a chain of blocks older than that is not followed back.
The statusline then answers without opening the store.
"""

from __future__ import annotations

import json
import os
import time
from datetime import datetime, timedelta
from typing import Any

from cctrace.findings import SEVERITIES
from cctrace.report import usage as u
from cctrace.statusline.line import SUMMARY_FILE, SUMMARY_VERSION

LOOKBACK_NS = 48 * u.HOUR_NS
MAX_SESSIONS = 50


def build(store: Any, now_ns: int) -> dict[str, Any]:
    """The summary document of `store` at `now_ns` (local days)."""
    recent = u.generations(store.report_facts(now_ns - LOOKBACK_NS, None, tools=False))
    today = datetime.fromtimestamp(now_ns / 1e9).astimezone()
    midnight = today.replace(hour=0, minute=0, second=0, microsecond=0) - timedelta(days=1)
    since_yesterday = [r for r in recent if r["start_ns"] >= midnight.timestamp() * 1e9]
    days = {row.key: row.totals.cost for row in u.by_period(since_yesterday, "daily")}
    all_blocks = u.blocks(recent, now_ns)
    block = None
    if all_blocks:
        b = all_blocks[-1]
        block = {"start_ns": b.start_ns, "end_ns": b.end_ns, "first_ns": b.first_ns,
                 "last_ns": b.last_ns, "cost": b.totals.cost,
                 "tokens": b.totals.total_tokens, "unpriced_tokens": b.totals.unpriced_tokens}
    ids = store.recent_session_ids(MAX_SESSIONS)
    sessions: dict[str, Any] = {}
    if ids:
        whole = store.report_facts(session_ids=ids, tools=False)["observations"]
        for sid, t in u.totals_by_session(whole).items():
            sessions[sid] = {"cost": t.cost if t.priced else None, "tokens": t.total_tokens,
                             "unpriced_tokens": t.unpriced_tokens, "findings": 0}
        for sid in ids:
            found = store.findings(session_id=sid, severity="medium")
            if found and sid in sessions:
                sessions[sid]["findings"] = len(found)
                sessions[sid]["worst"] = max((f.severity for f in found),
                                             key=lambda s: SEVERITIES.index(s)
                                             if s in SEVERITIES else 0)
    from cctrace.audit.selferase import RULE

    agent = sum(f.rule_id == RULE for f in store.findings(kind="tamper"))
    return {"v": SUMMARY_VERSION, "written_ns": now_ns, "days": days, "block": block,
            "sessions": sessions, "agent_tamper": agent}


def write(state_dir: str, doc: dict[str, Any]) -> str:
    """Replace the summary file atomically (temp file, fsync, rename: a reader never sees
    half a file); 0600. A document that cannot be encoded leaves the old file as it was."""
    from cctrace.security.keys import write_private

    path = os.path.join(state_dir, SUMMARY_FILE)
    write_private(path, json.dumps(doc, separators=(",", ":")).encode("utf-8"))
    return path


def refresh(state_dir: str, store: Any, now_ns: int | None = None) -> str:
    """Rebuild and write the summary of `store` (what the worker calls after a batch)."""
    return write(state_dir, build(store, time.time_ns() if now_ns is None else now_ns))
