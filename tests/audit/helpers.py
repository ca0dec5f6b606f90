"""Shared builders for audit tests: a sealed log in a temp state dir."""

from __future__ import annotations

import json
import os

from cctrace import audit
from cctrace.audit import log
from cctrace.config import Config

T0 = 1_700_000_000 * 10**9


def build_log(state_dir: str, batches: int = 30, per_batch: int = 4,
              step_s: int = 120) -> list[audit.Checkpoint]:
    """`batches` sealed batches, a checkpoint each; keys rotate every 15 minutes of fake time."""
    cfg = Config(state_dir=state_dir, raw={"audit": {"fsync": False}})
    cps = []
    for b in range(batches):
        entries = [audit.AuditEntry("hook", f"hook:{b * per_batch + i}", f"{b:02x}{i:02x}" * 16,
                                    session_id="s1", detail={"event": "PreToolUse"})
                   for i in range(per_batch)]
        cp = audit.record(state_dir, entries, cfg, now_ns=T0 + b * step_s * 10**9)
        assert cp is not None
        cps.append(cp)
    return cps


def paths(state_dir: str) -> tuple[str, str]:
    root = os.path.join(state_dir, log.AUDIT_DIR)
    return os.path.join(root, log.LOG_NAME), os.path.join(root, log.CHECKPOINTS_NAME)


def log_entries(state_dir: str) -> list[dict]:
    """Every line of the state dir's audit log, as the JSON object it is."""
    with open(paths(state_dir)[0], "rb") as fh:
        return [json.loads(line) for line in fh]
