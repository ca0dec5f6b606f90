"""One step of the worker's work: spool -> transcript -> traces -> redaction -> store -> export.

`run_once(state_dir)` drains a slice of the spool, stores the (slimmed, redacted) hook
events, re-reads every transcript those events name from its cursor, builds traces, prices,
redacts and stores them, and enqueues the new observations for export. The store insert,
the enqueue and the cursor advance share one transaction, so a crash at any point either
redoes the work (ids make it idempotent) or has finished it; spool files are deleted only
after that commit. Delivery then sends what is due. `process_transcript` is also the
engine of `cctrace import` and `cctrace flush`.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, field
from typing import Any

from cctrace import config as config_mod
from cctrace import spool
from cctrace.config import Config
from cctrace.export import outbox
from cctrace.hook import mute
from cctrace.model.build import build_traces
from cctrace.model.context import BuildContext
from cctrace.model.ids import span_id
from cctrace.policy import Policy, apply_policy
from cctrace.redact.cut import cut_traces
from cctrace.redact.stage import Redactor, redact_traces
from cctrace.spool import limits as spool_limits
from cctrace.spool import quarantine
from cctrace.store import tombstones
from cctrace.store.connection import dumps as store_encode
from cctrace.store.cost import apply_costs, learned_from
from cctrace.store.db import Store
from cctrace.transcript import locate
from cctrace.transcript.reader import Cursor, read_new
from cctrace.transcript.records import Record
from cctrace.worker import (
    copies,
    costfill,
    coststates,
    isolate,
    lifecycle,
    limits,
    named,
    reads,
    redactors,
    refresh,
)
from cctrace.worker.conclude import (
    evaluate_rules,
    judge_session,
    note_config_edits,
    note_env_findings,
    record_findings,
    seal,
)
from cctrace.worker.hookevents import slim_payload, to_hook_event  # noqa: F401 - re-exported
from cctrace.worker.isolate import ENVIRONMENT_ERRORS
from cctrace.worker.redactors import learn_withheld, make_redactor

# Spool entries handled per step: bounds one step's memory and transaction size.
SPOOL_SLICE = 500
# New transcript bytes parsed per read: bounds memory on huge transcripts.
READ_SLICE = 4 * 1024 * 1024
# Time one step may spend sending, so new events are never stuck behind a slow server.
DELIVERY_BUDGET_S = 15.0
# How long a worker with nothing but undelivered batches keeps retrying before it exits
# (the outbox is durable: the next completing event or `cctrace flush` resumes it).
RETRY_WINDOW_S = 600.0

@dataclass
class StepReport:
    """What one step did; the CLI prints it and tests assert on it."""

    events: int = 0
    bad_events: int = 0
    transcripts: int = 0
    new_observations: int = 0
    delivered: int = 0
    errors: list[str] = field(default_factory=list)

    @property
    def did_work(self) -> bool:
        return bool(self.events or self.new_observations or self.delivered)


# ------------------------------------------------------------------------ transcripts


def process_transcript(
    store: Store,
    cfg: Config,
    redactor: Redactor,
    path: str,
    *,
    session_id: str | None = None,
    final: bool = False,
    final_ns: int | None = None,
    policy: Policy | None = None,
    judge: bool = True,
    flushing: bool = False,
    include_purged: bool = False,
) -> int:
    """Bring one transcript's traces up to date; returns the number of new observations.

    `final` closes the last turn (the session ended); with `final_ns` (when the SessionEnd
    was received) only if that turn began by then: a resumed run appends to the same file.
    `judge` False skips hook-coverage findings: a backfilled transcript from before cctrace
    was installed has no hook events by nature. `flushing` judges finished turns at once
    (`cctrace flush` runs after the hooks are done) instead of after a settling delay.
    Traces of purged sessions or traces (tombstones) are dropped, unless `include_purged`
    (`cctrace import --include-purged`), which restores them and lifts their tombstones.

    The capture policy runs before redaction (it decides what content exists at all); at
    level `full` the caller passes a pass-through redactor.
    """
    policy = policy or Policy.from_config(cfg)
    new_total = 0
    while True:
        data = store.get_cursor(path)
        cursor = Cursor.from_dict(data) if data else None
        result = read_new(path, cursor, max_bytes=READ_SLICE)
        more = result.stats.get("new_bytes", 0) >= READ_SLICE
        muted = mute.muted_ranges(cfg.state_dir, path)
        if muted:  # turns made while the session was muted (cctrace.hook.mute)
            result.records = [r for r in result.records if not mute.is_muted(r.offset, muted)]
        if not result.records:
            with store.transaction():
                if data is None or result.cursor.to_dict() != data:
                    store.set_cursor(path, result.cursor.to_dict())
                if final and session_id and judge:
                    judge_session(store, cfg, redactor, session_id, final=True)
            return new_total
        ctx = BuildContext(
            session_id=session_id,
            user_id=cfg.user_id,
            environment=cfg.environment,
            release=cfg.release,
            hook_tools=reads.hook_infos(store, result.records),
            load_sidechain=locate.sidechain_loader(path),
            load_warmups=locate.warmup_loader(path),
            trace_of_tool=lambda tool_id: store.trace_of(span_id("tool", tool_id)),
            final=final and not more,
            final_before_ns=final_ns,
        )
        try:
            pairs = _derive_and_store(store, cfg, redactor, policy, result, ctx, path,
                                      judge=judge, flushing=flushing,
                                      include_purged=include_purged)
        except ENVIRONMENT_ERRORS:
            raise
        except Exception:  # noqa: BLE001 - isolate the records at fault, keep the rest
            store.bump("transcript_record_errors")
            result.records = isolate.isolate_records(
                result.records,
                lambda recs, ctx=ctx: _probe(store, cfg, redactor, policy, recs, ctx))
            pairs = _derive_and_store(store, cfg, redactor, policy, result, ctx, path,
                                      judge=judge, flushing=flushing,
                                      include_purged=include_purged)
        new_total += sum(len(obs) for _, obs in pairs)
        if not more:
            return new_total


def respect_tombstones(store: Store, cfg: Config, traces: list[Any],
                       include_purged: bool) -> list[Any]:
    """The traces no tombstone erased (counted); with `include_purged`, all of them, and
    the tombstones of what they restore are lifted (and the lifting audited)."""
    if not traces:
        return traces
    kept, erased = tombstones.drop_traces(store, traces)
    if not erased:
        return kept
    if not include_purged:
        store.bump("tombstoned_traces", len(erased))
        return kept
    from cctrace import audit

    subjects = {s for t in erased for s in (tombstones.TRACE + t.id,
                                            tombstones.SESSION + t.session_id)}
    lifted = tombstones.lift(store, subjects)
    audit.record_in(store, cfg.state_dir, audit.tombstone_entries(lifted, lifted=True), cfg)
    return traces


def _derive(store: Store, cfg: Config, redactor: Redactor, policy: Policy,
            records: list[Record], ctx: BuildContext
            ) -> tuple[Any, Any, list[Any], Any, set[str]]:
    """Build, leave out the turns another session made (`copies`), price, apply the
    policy, redact, cut and judge the rules (no writes). The last item: the ids of the
    traces this read takes back from a copy stored first."""
    built = build_traces(records, ctx)
    built.traces, copied, reclaimed = copies.split_copies(store, built.traces)
    if copied:
        built.stats["copied_turns"] = built.stats.get("copied_turns", 0) + copied
    # The batch's own cost-state records count too: a first session of a model the table
    # lacks is then priced before it is sent, when the read reaches its count.
    fresh = [state for _, state in coststates.cost_states(records, ctx.session_id)]
    apply_costs(built.traces, costfill.batch_pricing(store, cfg, fresh))
    # Copies of denied files made in earlier batches are denied too (`policy.copies`).
    kept = apply_policy(built.traces, policy, store.policy_copies())
    learn_withheld(redactor, kept.withheld)
    redact_traces(kept.traces, redactor)
    # Every cut after redaction, never before (a cut can split a secret).
    for name, count in cut_traces(kept.traces, policy.max_field_kb).items():
        kept.stats[name] = kept.stats.get(name, 0) + count
    rule_findings, window = evaluate_rules(store, cfg, kept.traces)
    return built, kept, rule_findings, window, reclaimed


def _probe(store: Store, cfg: Config, redactor: Redactor, policy: Policy,
           records: list[Record], ctx: BuildContext) -> None:
    """Everything `_derive_and_store` does with `records` short of writing: raises what
    it would raise (the store's JSON encoding included)."""
    _, kept, _, _, _ = _derive(store, cfg, redactor, policy, records, ctx)
    for trace in kept.traces:
        for value in (trace.input, trace.output, trace.metadata, trace.tags):
            (store_encode(value) or "").encode("utf-8")  # as the store's cipher does
        for obs in trace.observations:
            for value in (obs.input, obs.output, obs.metadata, obs.model_parameters,
                          obs.usage, obs.cost, obs.name, obs.status_message):
                (store_encode(value) or "").encode("utf-8")
    # The export encoding too (spans, attributes, protobuf), as `outbox.enqueue` runs it.
    pairs = [(t, list(t.observations)) for t in kept.traces if t.observations]
    for _ in outbox.batches(pairs, outbox.make_resource(cfg.environment, cfg.release),
                            outbox.MAX_SPANS, outbox.MAX_BYTES):
        pass


def _derive_and_store(store: Store, cfg: Config, redactor: Redactor, policy: Policy,
                      result: Any, ctx: BuildContext, path: str, *, judge: bool,
                      flushing: bool, include_purged: bool = False) -> list[Any]:
    built, kept, rule_findings, window, reclaimed = _derive(store, cfg, redactor, policy,
                                                            result.records, ctx)
    cursor = result.cursor
    cursor.turn_offset = reads.resume_offset(result.records, built.open_turn_offset, ctx.final)
    with store.transaction():
        for name, count in kept.stats.items():
            if count:
                store.bump(f"policy_{name}", count)
        store.note_policy_copies(kept.copies)
        isolate.count_read_problems(store, result.stats, built.stats)
        # Checked inside the transaction: a purge cannot slip in between.
        kept.traces = respect_tombstones(store, cfg, kept.traces, include_purged)
        pairs = store.insert_traces(kept.traces)
        fork = coststates.fork_of(result.records)
        forks = [store.save_fork(*fork)] if fork is not None else []
        counts = coststates.cost_states(result.records, ctx.session_id)
        known = dict(learned_from(store)) if counts else {}
        counted = [store.save_cost_state(sid, coststates.with_fork(store, sid, state))
                   for sid, state in counts]
        # Generations sent before their model's price was learned are sent again with it.
        repriced = costfill.backfill(store, cfg, known) if counts else []
        # The batch's findings are stored first so that one checkpoint seals them with
        # the traces (`sealed` collects their audit entries); they are queued for export
        # after the spans, as before (`later`).
        from cctrace import audit

        # Claude Code's counts and fork relations are sealed with the batch (`verify`).
        sealed: list[Any] = audit.entries_from_counts(counted, forks)
        later: list[Any] = []
        record_findings(store, cfg, redactor, rule_findings, sealed=sealed, deferred=later)
        if window is not None:
            from cctrace import rules as rules_mod

            rules_mod.save_window(store, window)
        for sid in sorted({t.session_id for t in kept.traces if t.session_id} if judge
                          else ()):
            judge_session(store, cfg, redactor, sid, final=ctx.final or flushing,
                          sealed=sealed, deferred=later)
        checkpoint_findings = seal(cfg, pairs, store, sealed)
        outbox.enqueue(store, copies.with_reclaimed(pairs, reclaimed) + repriced, cfg)
        record_findings(store, cfg, redactor, checkpoint_findings)
        if later:
            from cctrace.findings.export import enqueue_findings

            enqueue_findings(store, later, cfg)
        store.set_cursor(path, cursor.to_dict())
    return pairs


# ------------------------------------------------------------------------------ steps

_sender: outbox.Sender | None = None
_waiting_since: float | None = None


def ingest(store: Store, cfg: Config, entries: list[Any], report: StepReport,
           *, flushing: bool = False) -> None:
    """Store the entries' events and process the transcripts they name.

    A bad capture policy raises `ConfigError` before anything is stored: the entries stay
    in the spool (fail closed) rather than being captured under defaults.
    """
    policy = Policy.from_config(cfg)
    events = [
        to_hook_event(e, make_redactor(cfg, named.entry_cwd(e), policy), policy) for e in entries
    ]
    report.bad_events = sum(1 for e in events if e.payload.get("unusable"))
    from cctrace import audit
    from cctrace.audit import coverage

    coverage.annotate_events(events)
    with store.transaction():
        events, erased = tombstones.drop_events(store, events)
        if erased:
            store.bump("tombstoned_events", len(erased))
        new_events = store.insert_hook_events(events)
        if new_events:
            sealed = audit.entries_from_hook_events(new_events, store.row_digests)
            audit.record_in(store, cfg.state_dir, audit.baseline_entries(store) + sealed, cfg)
    if report.bad_events:
        store.bump("spool_unusable_events", report.bad_events)
    note_env_findings(store, cfg, entries)
    for item in named.transcripts_named(entries):
        try:
            report.new_observations += process_transcript(
                store, cfg, make_redactor(cfg, item.cwd, policy), item.path,
                session_id=item.session_id, final=item.final, final_ns=item.final_ns,
                policy=policy,
                flushing=flushing,
            )
            report.transcripts += 1
        except OSError as exc:
            # An unreadable transcript must not block the others; its cursor is unchanged,
            # so the next event for that session retries it.
            store.bump("transcript_read_errors")
            report.errors.append(f"{os.path.basename(item.path)}: {exc.strerror or exc}")


def step(state_dir: str, cfg: Config | None = None) -> StepReport:
    """One pass: a slice of the spool, its transcripts, then due deliveries."""
    global _sender
    cfg = cfg or config_mod.load(state_dir)
    report = StepReport()
    caps = limits.caps(cfg)
    limits.publish(state_dir, caps)
    entries = spool.read_pending(state_dir, limit=SPOOL_SLICE)
    # Raw copies an older release quarantined are converted; the cap covers the records.
    quarantine.sweep(state_dir)
    quarantine.enforce_cap(state_dir)
    with Store.open(state_dir) as store:
        if entries and _store_has_room(state_dir, store, caps, report):
            _ingest_isolated(state_dir, store, cfg, entries, report)
            report.events = len(entries)
            refresh.stored(state_dir)
        refresh.summary_if_due(state_dir, store, drained=not entries)
        spool_limits.measure(state_dir, caps.spool_bytes)
        from cctrace.security import retention

        retention.maybe_enforce(state_dir, store, cfg)
        note_config_edits(store, cfg)
        if not entries:
            refresh.note_unhooked(state_dir, store, cfg)
        # Values learned in this slice may sit in clear in batches queued earlier.
        redactors.resweep_outbox(store, cfg)
        _sender = _sender or outbox.Sender()
        delivery = outbox.deliver_due(
            store, cfg, deadline=time.monotonic() + DELIVERY_BUDGET_S, sender=_sender
        )
        report.delivered = delivery.delivered
        report.errors.extend(delivery.errors)
        # Batches for a configured but unusable destination wait for the config to be
        # fixed; only usable destinations keep the worker retrying.
        pending = sum(store.pending_count(d.name) for d in outbox.destinations(cfg))
    _wait_for_retries(report, pending)
    return report


def _ingest_isolated(state_dir: str, store: Store, cfg: Config, entries: list[Any],
                     report: StepReport, *, flushing: bool = False) -> None:
    """Ingest a slice and ack it; if the slice raises for a reason of its own (a payload
    no code path expected), ingest its entries one by one and move each one that still
    fails to the quarantine (`cctrace.spool.quarantine`: ids and sizes, encrypted; the raw
    spool file is deleted), counted (`spool.quarantined`) and logged by exception type only.
    One poisoned event must never stall every later one."""
    try:
        ingest(store, cfg, entries, report, flushing=flushing)
    except ENVIRONMENT_ERRORS:
        raise
    except Exception:  # noqa: BLE001 - isolate the entry at fault below
        for entry in entries:
            try:
                ingest(store, cfg, [entry], report, flushing=flushing)
            except ENVIRONMENT_ERRORS:
                raise
            except Exception as exc:  # noqa: BLE001
                quarantine.keep(state_dir, entry, exc)
                store.bump("spool.quarantined")
                lifecycle.log_line(state_dir, f"spool event {entry.seq} quarantined: "
                                   f"{lifecycle.describe_exception(exc)}")
            else:
                spool.ack([entry])
        return
    spool.ack(entries)


def _store_has_room(state_dir: str, store: Store, caps: limits.Caps,
                    report: StepReport) -> bool:
    """Keep the store under its cap; False (ingestion pauses) when it cannot be."""
    room = limits.store_room(store, caps.store_bytes, state_dir)
    if room.message:
        lifecycle.log_line(state_dir, room.message)
    if room.full:
        report.errors.append("store at its size cap (limits.store_mb): events wait in the "
                             "spool until batches are delivered")
    return not room.full


def _wait_for_retries(report: StepReport, pending: int) -> None:
    """Keep the worker alive (without spinning) while batches wait for a retry."""
    global _waiting_since
    if report.did_work or not pending:
        _waiting_since = None
        return
    now = time.monotonic()
    _waiting_since = _waiting_since or now
    if now - _waiting_since < RETRY_WINDOW_S:
        time.sleep(1.0)
        report.errors.append(f"{pending} batch(es) waiting for retry")


def run_once(state_dir: str) -> bool:
    """The worker's step: True while there was work (or batches still to retry)."""
    report = step(state_dir)
    return report.did_work or (
        _waiting_since is not None and time.monotonic() - _waiting_since < RETRY_WINDOW_S
    )


def drain(state_dir: str, cfg: Config, deadline: float | None = None) -> StepReport:
    """Ingest the whole spool (slice by slice) without delivering; for `cctrace flush`."""
    total = StepReport()
    caps = limits.caps(cfg)
    limits.publish(state_dir, caps)
    with Store.open(state_dir) as store:
        while deadline is None or time.monotonic() < deadline:
            entries = spool.read_pending(state_dir, limit=SPOOL_SLICE)
            if not entries or not _store_has_room(state_dir, store, caps, total):
                break
            report = StepReport()
            _ingest_isolated(state_dir, store, cfg, entries, report, flushing=True)
            total.events += len(entries)
            total.bad_events += report.bad_events
            total.transcripts += report.transcripts
            total.new_observations += report.new_observations
            total.errors.extend(report.errors)
        spool_limits.measure(state_dir, caps.spool_bytes)
        rescan_known(store, cfg, total)
        # `cctrace flush` delivers next: nothing learned here may leave in clear.
        redactors.resweep_outbox(store, cfg)
        refresh.refresh_summary(state_dir, store)
    return total


# Transcripts whose cursor moved within this window are re-checked by `cctrace flush`.
RESCAN_WINDOW_NS = 7 * 24 * 3600 * 10**9


def rescan_known(store: Store, cfg: Config, report: StepReport) -> None:
    """Catch up on every recently seen transcript, hook events or not.

    A session whose hooks were removed (or failed) grows its transcript without waking the
    worker; `cctrace flush` still captures it, and coverage findings then show the gap.
    """
    policy = Policy.from_config(cfg)
    since = time.time_ns() - RESCAN_WINDOW_NS
    for path in store.cursor_paths(since_ns=since):
        try:
            cwd = locate.transcript_cwd(path)
            report.new_observations += process_transcript(
                store, cfg, make_redactor(cfg, cwd, policy), path,
                session_id=os.path.splitext(os.path.basename(path))[0], policy=policy,
                flushing=True,
            )
        except OSError:
            continue  # gone or unreadable: nothing to catch up on
        except ENVIRONMENT_ERRORS:
            raise
        except Exception:  # noqa: BLE001 - one transcript never stops the others
            store.bump("transcript_record_errors")
