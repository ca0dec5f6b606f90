"""What the worker concludes about a batch besides its traces: behaviour-rule findings, the
audit seal (and its checkpoint findings), hook-coverage and tamper findings, and refused
destinations. Every producer's findings are redacted, stored and queued for export inside
the batch's transaction, so they are as durable as the spans.
"""

from __future__ import annotations

import os
import time
from typing import Any

from cctrace.config import Config
from cctrace.redact.stage import Redactor, redact_value
from cctrace.store.db import Store
from cctrace.worker.redactors import make_redactor

# Rule sets are reloaded at most this often, so an edited rule file is picked up.
RULESET_TTL_S = 60.0
_rulesets: dict[str, tuple[float, Any]] = {}


def cached_ruleset(store: Store, cfg: Config) -> Any:
    """The behaviour rules in force (built-in pack + the user's files), cached a minute.

    A broken user rule file must not stop capture: it is counted, and the built-in pack
    runs alone until the file is fixed (`cctrace rules check` says what is wrong).
    """
    from cctrace import rules as rules_mod

    now = time.monotonic()
    cached = _rulesets.get(cfg.state_dir)
    if cached and now - cached[0] < RULESET_TTL_S:
        return cached[1]
    try:
        ruleset = rules_mod.load_ruleset(cfg)
    except rules_mod.RuleError:
        store.bump("rules_config_errors")
        ruleset = rules_mod.build_ruleset([])
    _rulesets[cfg.state_dir] = (now, ruleset)
    return ruleset


def evaluate_rules(store: Store, cfg: Config, traces: list[Any]) -> tuple[list[Any], Any]:
    """Behaviour findings for a batch (and the session windows to save with it).

    Runs on the policy-applied, redacted traces: rules see what the store will hold. The
    `risk:<level>` tag is put on the traces before they are stored and exported.
    """
    from cctrace import rules as rules_mod

    if not traces:
        return [], None
    window = rules_mod.load_window(store, {t.session_id for t in traces if t.session_id})
    found = rules_mod.evaluate(traces, cached_ruleset(store, cfg), window)
    rules_mod.apply_risk_tags(traces, found)
    return found, window


# Complete turns younger than this are judged for hook coverage at a later pass (or at
# session end): their last tool hook events may still be on their way to the spool.
COVERAGE_SETTLE_NS = 5 * 10**9
# Coverage is judged over the session's most recent turns only (each batch judges the turns
# it just completed, so a few are enough), to bound the cost per batch.
COVERAGE_WINDOW = 8
# Hook events this long before the window's first turn still count for it (clock skew
# between the transcript's timestamps and the hook's receive times).
EVENT_MARGIN_NS = 60 * 10**9


def seal(cfg: Config, pairs: list[tuple[Any, list[Any]]],
         store: Store | None = None, extra: list[Any] | None = None) -> list[Any]:
    """Append what entered the store to the audit log (the batch's observations and trace
    rows, with `store` their row digests, plus the `extra` entries of its findings) under
    one checkpoint; mark the traces with that checkpoint.

    Returns the checkpoint findings (exported as scores, so the checkpoint leaves the
    machine). Runs inside the batch's transaction: a crash before commit re-appends the same
    entries on the retry (a duplicate in the log), never loses them.
    """
    from cctrace import audit

    entries = audit.entries_from_traces(pairs, store.row_digests if store else None)
    entries += extra or []
    if not entries:
        return []
    if store is not None:
        entries = audit.baseline_entries(store) + entries
    checkpoint = audit.record_in(store, cfg.state_dir, entries, cfg) if store else \
        audit.record(cfg.state_dir, entries, cfg)
    if checkpoint is None:
        return []
    marks = audit.checkpoint_attributes(checkpoint)
    sessions: set[str] = set()
    for trace, obs in pairs:
        if obs:
            trace.metadata.update(marks)
            sessions.add(trace.session_id)
    return [audit.checkpoint_finding(checkpoint, sid) for sid in sorted(sessions)]


def _installed_since_ns(cfg: Config) -> int | None:
    # `cctrace install` writes worker.json: sessions after that should have hook events.
    try:
        return os.stat(os.path.join(cfg.state_dir, "worker.json")).st_mtime_ns
    except OSError:
        return None


def judge_session(store: Store, cfg: Config, redactor: Redactor, session_id: str,
                  *, final: bool = False, sealed: list[Any] | None = None,
                  deferred: list[Any] | None = None) -> int:
    """Coverage and bypass findings for the session's recent turns; returns the new ones."""
    from cctrace.audit import coverage

    # Only the recent turns and the events around them: a long session must not make
    # every batch read (and decrypt) its whole history. `reconcile` reads names, times,
    # levels, metadata and tool inputs, never outputs: those stay unread.
    views = store.session_tree(session_id, last=COVERAGE_WINDOW, outputs=False)
    if not views:
        return 0
    installed = _installed_since_ns(cfg)
    if not store.has_session_events(session_id) and (
            installed is None or max(v.trace.end_ns for v in views) < installed):
        return 0  # history from before cctrace was installed: nothing to reconcile against
    since = min(v.trace.start_ns for v in views) - EVENT_MARGIN_NS
    events = store.session_events(session_id, since_ns=since, kinds=("SessionStart",))
    found = coverage.reconcile(
        events, views, now_ns=time.time_ns(),
        session_id=session_id, state_dir=cfg.state_dir,
        installed_since_ns=installed,
        settle_ns=0 if final else COVERAGE_SETTLE_NS,
    )
    return record_findings(store, cfg, redactor, found, sealed=sealed, deferred=deferred)


def note_env_findings(store: Store, cfg: Config, entries: list[Any]) -> int:
    """Record, per session, the watched environment variables its events arrived with that
    capture ignored (`cctrace.security.envcheck`)."""
    from cctrace.security import envcheck

    found = envcheck.session_findings(cfg, entries)
    if not found:
        return 0
    with store.transaction():
        return record_findings(store, cfg, make_redactor(cfg), found)


def note_unhooked(store: Store, cfg: Config, now_ns: int | None = None) -> int:
    """Sessions that ran with no cctrace hook since the install (`audit.unhooked`), at most
    every `unhooked.INTERVAL_S`; returns the new findings."""
    from cctrace import statedir
    from cctrace.audit import unhooked

    now_ns = time.time_ns() if now_ns is None else now_ns
    if not unhooked.due(cfg.state_dir, now_ns / 1e9):
        return 0
    folders = unhooked.projects_dirs(store.recent_transcript_paths(), statedir.account_home())
    found = unhooked.sweep(store, _installed_since_ns(cfg), now_ns, folders)
    unhooked.stamp(cfg.state_dir, now_ns / 1e9)
    if not found:
        return 0
    with store.transaction():
        return record_findings(store, cfg, make_redactor(cfg), found)


def note_config_edits(store: Store, cfg: Config) -> int:
    """An edit of config.toml that cctrace did not make, made during a tool call of a
    session, recorded as `audit.agent_tamper` (`cctrace.audit.configwatch`): sealed at once
    under the audit setting in force before the edit, and queued for export."""
    from cctrace.audit import configwatch, selferase
    from cctrace.spool import layout

    try:
        found, audit_on = configwatch.check(
            store, cfg.state_dir, pending=lambda: bool(layout.list_seqs(cfg.state_dir)))
    except OSError:
        return 0  # the file or the sum cannot be read now: capture goes on, next step again
    if found is None:
        return 0
    selferase.record(cfg.state_dir, cfg, found, store, audit_on=audit_on)
    return 1


def record_findings(store: Store, cfg: Config, redactor: Redactor, findings: list[Any],
                    *, sealed: list[Any] | None = None,
                    deferred: list[Any] | None = None) -> int:
    """Redact, store and queue for export the findings of one batch; returns the new ones.

    Call inside the batch's transaction so findings are as durable as the spans. Their
    audit entries are appended to `sealed` when given (the batch's `seal` records them),
    else recorded at once; with `deferred`, the new findings are appended to it instead of
    being queued (the caller queues them after the batch's spans).
    """
    from cctrace.findings.export import enqueue_findings
    from cctrace.store import tombstones

    findings = tombstones.drop_findings(store, findings)
    for f in findings:
        f.title = redact_value(f.title, redactor)
        f.detail = redact_value(f.detail, redactor)
    new = store.add_findings(findings)
    if new:
        from cctrace import audit

        entries = audit.entries_from_findings(new, store.row_digests)
        if sealed is not None:
            sealed.extend(entries)
        else:
            audit.record_in(store, cfg.state_dir, entries, cfg)
        if deferred is not None:
            deferred.extend(new)
        else:
            enqueue_findings(store, new, cfg)
    return len(new)
