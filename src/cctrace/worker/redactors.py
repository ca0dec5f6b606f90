"""The redactors the worker uses, cached: building one (all detectors plus the known secrets
of the environment, the config and a project's .env files) takes ~30 ms, and the values the
detectors learn must outlive any one redactor."""

from __future__ import annotations

import time
from typing import Any

from cctrace.config import Config
from cctrace.policy import Policy
from cctrace.redact.stage import NullRedactor, Redactor

# A redactor (detectors + known secrets of the environment, config and the project's .env
# files) takes ~30 ms to build; reuse it for a minute, then pick up changed .env files.
REDACTOR_TTL_S = 60.0
_redactors: dict[tuple[Any, ...], tuple[float, Redactor]] = {}
# Secret values detectors found, shared by every redactor of this process so a value seen
# once is swept from later batches too (memory only, bounded by the engine).
_learned: dict[str, str] = {}


def make_redactor(cfg: Config, cwd: str | None = None, policy: Policy | None = None) -> Redactor:
    """The redactor in force for content from `cwd` (with that project's known secrets)."""
    policy = policy or Policy.from_config(cfg)
    if policy.level == "full":
        return NullRedactor()
    from cctrace.redact.engine import build_redactor

    key = (cfg.state_dir, cwd, policy.pii, cfg.langfuse_public_key, cfg.langfuse_secret_key,
           tuple(sorted(cfg.otlp_headers.items())))
    now = time.monotonic()
    cached = _redactors.get(key)
    if cached and now - cached[0] < REDACTOR_TTL_S:
        return cached[1]
    redactor = build_redactor(cfg, cwd=cwd, pii=policy.pii, learned=_learned)
    if len(_redactors) > 64:
        _redactors.clear()
    _redactors[key] = (now, redactor)
    return redactor


# How many learned values the outbox was last re-redacted with (`resweep_outbox`).
_swept_with = 0


def resweep_outbox(store: Any, cfg: Config) -> int:
    """Re-redact the batches waiting in the outbox, and the stored rows they were made
    from, when values were learned since the last time (a later turn taught a secret an
    earlier, unsent turn holds in clear). The rewritten rows get audit entries with their
    new digests, so `cctrace verify` takes them as written by cctrace, not tampered with.
    Returns the number of rows rewritten."""
    global _swept_with
    if len(_learned) == _swept_with:
        return 0
    from cctrace import audit
    from cctrace.audit.log import AuditEntry
    from cctrace.export import outbox
    from cctrace.redact.engine import SecretRedactor

    sweeper = SecretRedactor((), bytes(32), learned=_learned)
    _swept_with = len(_learned)
    span_ids = outbox.resweep_pending(store, sweeper.sweep)
    if not span_ids:
        return 0
    with store.transaction():
        rows = store.resweep_rows(span_ids, sweeper.sweep)
        entries = [
            AuditEntry(kind="observation", subject=r["id"], digest=r["digest"],
                       session_id=r["session_id"], trace_id=r["trace_id"],
                       time_ns=r["start_ns"],
                       detail={"type": r["type"], "name": str(r["name"])[:64], "d": 1,
                               "resweep": 1})
            if r["table"] == "observations" else
            AuditEntry(kind="trace", subject=f"trace-row:{r['id']}", digest=r["digest"],
                       session_id=r["session_id"], trace_id=r["id"], time_ns=r["start_ns"],
                       detail={"d": 1, "resweep": 1})
            for r in rows
        ]
        if entries and cfg.state_dir:
            audit.record_in(store, cfg.state_dir, entries, cfg)
    return len(rows)


def learn_withheld(redactor: Redactor, texts: list[str]) -> int:
    """Teach the redactor the secret-looking values of what the policy withheld (the
    model saw them and may repeat them anywhere: its answer, a `Write`, a later
    command); its sweep removes them from this batch and every later one. Returns how
    many values were new."""
    learn = getattr(redactor, "learn", None)
    if not texts or not callable(learn):
        return 0
    from cctrace.redact.known import from_withheld_text

    return int(learn([v for text in texts for v in from_withheld_text(text)],
                     "withheld_value"))
