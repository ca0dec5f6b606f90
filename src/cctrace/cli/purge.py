"""`cctrace purge --session ID | --before DATE | --project PATH`: erase traces everywhere.

Deletes the chosen traces in Langfuse (`DELETE /api/public/traces`, batches of 1,000,
rate limits honoured) and then in the local store, and reports what was deleted where. A
session (or project) is erased as a whole: what names it without a trace goes too, also
for a session that has no trace at all, and the statusline's summary is rewritten.
`--local-only` skips Langfuse; `--dry-run` only counts. If Langfuse refuses, nothing is
deleted locally, so the same command can be run again. Filters combine (AND).

What was deleted is then recorded in the audit log (`record_erasure`): one signed `erase`
entry per trace (subject `trace:<id>`, its session, the command, where it was deleted and
the local user), sealed by a checkpoint at once, so `cctrace verify` still passes and
`cctrace verify --event trace:<id>` proves the erasure was recorded. An erasure of a running
session, or one run from inside Claude Code, first leaves a high finding no purge removes
(`agent_alarm`, `cctrace.audit.selferase`), exported like the worker's findings: a purge
does not delete it in Langfuse either.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
from datetime import datetime, timezone
from typing import Any

from cctrace import config as config_mod
from cctrace import statedir
from cctrace.audit.selferase import local_user
from cctrace.cli.main import CliError


def register(subparsers: Any) -> None:
    p = subparsers.add_parser(
        "purge", help="delete traces locally and in Langfuse",
        description="Delete the traces of a session, older than a date, or of a project, "
        "locally and in Langfuse. A session or project is erased as a whole: also its hook "
        "events, cost counts, fork relation, read positions and quarantine records, and a "
        "session the store knows without any trace.")
    p.add_argument("--session", metavar="ID", help="a session id (or unique prefix)")
    p.add_argument("--before", metavar="DATE",
                   help="traces that ended before DATE (YYYY-MM-DD or ISO 8601, UTC if no zone)")
    p.add_argument("--project", metavar="PATH", help="sessions run in PATH or below it")
    p.add_argument("--quarantine", action="store_true",
                   help="also delete every spool quarantine record (ids and sizes of events "
                        "the worker could not process)")
    p.add_argument("--local-only", action="store_true", help="do not delete in Langfuse")
    p.add_argument("--dry-run", action="store_true", help="only say what would be deleted")
    p.add_argument("--json", action="store_true", help="print the report as JSON")
    p.set_defaults(func=run)


def parse_date(text: str) -> int:
    """DATE as epoch ns; a date without a zone is UTC."""
    try:
        when = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError as exc:
        raise CliError(f"--before: not a date: {text!r}", code=2) from exc
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return int(when.timestamp() * 1_000_000_000)


def run(args: argparse.Namespace) -> int:
    from cctrace.security import purge
    from cctrace.store.db import Store
    from cctrace.store.sessions import AmbiguousSession

    if not (args.session or args.before or args.project or args.quarantine):
        raise CliError("choose what to purge: --session, --before, --project and/or "
                       "--quarantine", code=2)
    before = parse_date(args.before) if args.before else None
    project = os.path.abspath(os.path.expanduser(args.project)) if args.project else None
    root = statedir.state_dir()
    try:
        cfg = config_mod.load(root)
    except config_mod.ConfigError as exc:
        raise CliError(str(exc)) from exc
    with Store.open(root) as store:
        try:
            # `--quarantine` alone selects no trace (no filter would select them all).
            selection = purge.select(store, args.session, before, project) if (
                args.session or before or project) else purge.Selection([], [])
            known = store.known_session(args.session) if args.session else None
        except AmbiguousSession as exc:
            raise CliError(str(exc), code=2) from exc
        if project and not selection.trace_ids and args.project:
            # A project given by name (as `cctrace sessions` shows it) rather than by path.
            selection = purge.select(store, args.session, before, args.project)
        sessions_of = trace_sessions(store, selection)
        whole = selection.session_ids if (args.session or project) and not before else []
        alarm = None if args.dry_run else agent_alarm(root, cfg, store, args, selection)
        result = purge.purge(store, cfg, selection, local_only=args.local_only,
                             dry_run=args.dry_run, whole_sessions=whole,
                             reason=erasure_reason(args, None))
        if result.tombstones:
            refresh_summary(root, store)
    if alarm is not None:
        from cctrace.cli.agentchange import send_soon

        send_soon(root, alarm)
    failed = any(r.failed for r in result.remote)
    if not (failed or result.dry_run):
        result.local["quarantine"] = purge_quarantine(root, args, selection, before)
    if args.session and known is None and not selection.trace_ids \
            and not result.local.get("quarantine"):
        # A typo must not read as a successful erasure.
        raise CliError(f"no session matches {args.session!r}: nothing deleted "
                       "(`cctrace sessions` lists them)")
    audit_report: dict[str, Any] | None = None
    if not (failed or result.dry_run) and (result.local.get("traces") or result.tombstones):
        audit_report = record_erasure(root, cfg, sessions_of, erasure_reason(args, result),
                                      stones=result.tombstones, sessions=whole)
    if args.json:
        out = result.to_dict()
        if audit_report is not None:
            out["audit"] = audit_report
        if alarm is not None:
            out["alarm"] = alarm
        print(json.dumps(out, indent=2))
    else:
        _print(result, args)
        if audit_report is not None:
            _print_audit(audit_report)
        if alarm is not None:
            print(f"audit log: recorded as high finding {alarm['finding']} "
                  f"({'; '.join(alarm['reasons'])}), which no purge removes"
                  + ("; queued for export" if alarm.get("queued") else "")
                  + (f"; NOT fully recorded: {alarm['error']}" if alarm.get("error") else ""))
    audit_failed = bool(audit_report and audit_report.get("error"))
    return 1 if failed or audit_failed else 0


def agent_alarm(state_dir: str, cfg: Any, store: Any, args: argparse.Namespace,
                selection: Any) -> dict[str, Any] | None:
    """Before anything is deleted: an erasure of a running session, or run from inside
    Claude Code, is recorded where the erasure cannot reach (`audit.selferase`)."""
    from cctrace.audit import selferase

    if not (selection.trace_ids or selection.session_ids or args.quarantine):
        return None
    action = erasure_reason(args, None) + (" --quarantine" if args.quarantine else "")
    found = selferase.check_erasure(store, state_dir, action.replace("  ", " "),
                                    selection.session_ids, user=local_user())
    if found is None:
        return None
    return {**selferase.record(state_dir, cfg, found, store),
            "reasons": found.detail["reasons"]}


def refresh_summary(state_dir: str, store: Any) -> None:
    """Rewrite the statusline's summary file from the store as it is now: it lists recent
    sessions by id with their cost, and must not keep an erased one. If it cannot be
    rewritten it goes (the worker writes it again after its next batch)."""
    from cctrace.report import summary
    from cctrace.statusline.line import SUMMARY_FILE

    try:
        summary.refresh(state_dir, store)
    except Exception:  # noqa: BLE001 - whatever failed, the stale file must not stay
        try:
            os.remove(os.path.join(state_dir, SUMMARY_FILE))
        except FileNotFoundError:
            pass


def purge_quarantine(state_dir: str, args: argparse.Namespace, selection: Any,
                     before_ns: int | None) -> int:
    """Quarantine records of what was purged: the selected sessions' (a session or project
    filter), those received before the date (a date alone), or all (`--quarantine`)."""
    from cctrace.spool import quarantine

    if args.quarantine:
        return quarantine.remove(state_dir, everything=True)
    if args.session or args.project:
        # A session known only by its quarantine records is named by its full id.
        sessions = selection.session_ids or ([args.session] if args.session else [])
        return quarantine.remove(state_dir, session_ids=sessions)
    return quarantine.remove(state_dir, before_ns=before_ns)


def trace_sessions(store: Any, selection: Any) -> dict[str, str]:
    """trace id -> session id for the selected traces (read before they are deleted)."""
    wanted = set(selection.trace_ids)
    if not wanted:
        return {}
    pairs = store.select_traces(selection.session_ids or None)
    return {t: s for t, s in pairs if t in wanted}


def erasure_reason(args: argparse.Namespace, result: Any) -> str:
    """The command that asked for the erasure and where it was carried out (no secrets:
    filters are ids, dates and paths)."""
    asked = " ".join(f"--{name} {value}" for name, value in (
        ("session", args.session), ("before", args.before), ("project", args.project))
        if value)
    if result is None:
        return f"cctrace purge {asked}"
    where = ["local"] + [r.destination for r in result.remote
                         if r.supported and r.deleted and not r.failed]
    return f"cctrace purge {asked}; deleted: {', '.join(where)}"


def record_erasure(state_dir: str, cfg: Any, sessions_of: dict[str, str], reason: str,
                   authorized_by: str | None = None, stones: Any = (),
                   sessions: Any = ()) -> dict[str, Any]:
    """Append one signed `erase` entry per trace (naming its session), and one
    `session:<id>` entry per session of `sessions` that had no trace, and seal them with
    a checkpoint now. Either kind says the session's other rows went too.

    The erasure is sealed even when `[audit] checkpoint_every_s` batches the worker's
    entries: a deletion should be provable the moment the command returns. Returns what
    to report (`skipped` when the audit log is turned off, `error` if it could not be
    written: the deletion itself stands either way).
    """
    from cctrace import audit
    from cctrace.audit import log as audit_log

    by = authorized_by or local_user()
    try:
        settings = audit.settings_from_config(cfg)
    except ValueError as exc:
        return {"entries": 0, "error": f"audit settings: {exc}"}
    if not settings.enabled:
        return {"entries": 0, "skipped": "audit log disabled ([audit] enabled = false)"}
    by_session: dict[str, list[str]] = {}
    for trace_id, session_id in sorted(sessions_of.items()):
        by_session.setdefault(session_id, []).append(f"trace:{trace_id}")
    for sid in sessions:
        if sid not in by_session:  # a session with no trace: its own entry
            by_session[sid] = [f"session:{sid}"]
    entries = [e for sid, subjects in sorted(by_session.items())
               for e in audit.erasure_entries(subjects, reason, session_id=sid,
                                              authorized_by=by)]
    entries += audit.tombstone_entries(stones)
    try:
        res = audit_log.append(state_dir, entries,
                               dataclasses.replace(settings, checkpoint_every_s=0.0))
    except OSError as exc:
        return {"entries": 0, "error": f"audit log not written: {exc.__class__.__name__} "
                f"({exc.strerror or exc.errno})"}
    out: dict[str, Any] = {"entries": res.appended,
                           "subjects": [e.subject for e in entries if e.kind == "erase"],
                           "tombstones": sum(e.kind == "tombstone" for e in entries),
                           "checkpoint": res.checkpoint.n if res.checkpoint else None,
                           "authorized_by": by}
    if res.anchor_errors:
        out["anchor_errors"] = res.anchor_errors
    return out


def _print_audit(report: dict[str, Any]) -> None:
    if report.get("error"):
        print(f"audit log: erasure NOT recorded: {report['error']}")
    elif report.get("skipped"):
        print(f"audit log: erasure not recorded ({report['skipped']})")
    else:
        sealed = (f"sealed by checkpoint {report['checkpoint']}"
                  if report["checkpoint"] is not None else "not sealed yet")
        n = len(report["subjects"])
        stones = report.get("tombstones") or 0
        print(f"audit log: {n} erasure entr{'y' if n == 1 else 'ies'}"
              + (f" and {stones} tombstone(s)" if stones else "") + f" recorded ({sealed}; "
              f"prove one with `cctrace verify --event {report['subjects'][0]}`)")
        for err in report.get("anchor_errors", []):
            print(f"audit log: anchor not written: {err}")


def _print(result: Any, args: argparse.Namespace) -> None:
    n = len(result.selection.trace_ids)
    sessions = len(result.selection.session_ids)
    if result.dry_run:
        print(f"would delete {n} trace(s) of {sessions} session(s)"
              + ("" if args.local_only else " locally and in Langfuse"))
        return
    if not n and not result.tombstones:
        print("nothing matched: nothing deleted" if not result.local.get("quarantine") else
              f"{result.local['quarantine']} quarantine record(s) deleted")
        return
    for r in result.remote:
        if not r.supported:
            print(f"{r.destination}: not deleted ({'; '.join(r.errors)})")
        elif r.failed:
            print(f"{r.destination}: {r.failed} trace(s) NOT deleted: {'; '.join(r.errors[:3])}")
        else:
            scores = f" and {r.scores} session score(s)" if r.scores else ""
            print(f"{r.destination}: {r.deleted} trace(s){scores} deleted "
                  f"({r.requests} request(s))")
    if any(r.failed for r in result.remote):
        print("local store: nothing deleted (run the same command again to retry)")
        return
    local = result.local
    print(f"local store: {local.get('traces', 0)} trace(s), {local.get('observations', 0)} "
          f"observation(s), {local.get('sessions', 0)} session(s), "
          f"{local.get('hook_events', 0)} hook event(s), {local.get('outbox', 0)} unsent "
          f"batch(es), {local.get('findings', 0)} finding(s), {local.get('cost_states', 0)} "
          f"cost count(s), {local.get('cursors', 0)} read position(s), "
          f"{local.get('quarantine', 0)} quarantine record(s) deleted")
