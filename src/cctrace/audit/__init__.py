"""Tamper-evident audit trail of what entered the store, and capture-coverage findings.

Public API (the worker calls `record` right after each stored batch):
- `record(state_dir, entries, cfg=None) -> Checkpoint | None`: append entries to the hash-
  chained, Merkle-tree log and seal them with an Ed25519-signed checkpoint (key epochs of at
  most 15 minutes, old private keys erased); the checkpoint is appended to `[audit]
  anchor_paths` and to the default anchor outside the state dir (`anchors`) too.
- `entries_from_traces(pairs)`, `entries_from_hook_events(events)`, `erasure_entries(...)`:
  the entries for what `Store.insert_traces` / `Store.add_hook_events` stored or what an
  agreed deletion removed.
- `checkpoint_attributes(cp)` (span/trace metadata) and `checkpoint_finding(cp, session)`
  (a `Finding` the findings export turns into a score): the checkpoint leaves the machine.
- `verify.verify_state(state_dir, anchors)`: see `cctrace verify`.
- `coverage.reconcile(...)`: coverage and bypass findings.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from cctrace.audit.log import AuditEntry, AuditSettings, Checkpoint, RecordResult, append
from cctrace.findings import Finding, finding_id
from cctrace.model.jsontext import json_string

CHECKPOINT_RULE = "audit.checkpoint"

__all__ = [
    "AuditEntry", "AuditSettings", "Checkpoint", "RecordResult", "record", "record_result",
    "entries_from_traces", "entries_from_hook_events", "erasure_entries", "digest",
    "entries_from_counts",
    "tombstone_entries", "entries_from_findings", "erasure_entries_for", "record_in",
    "void_entries", "baseline_entries",
    "checkpoint_attributes", "checkpoint_finding", "settings_from_config",
]


def digest(value: Any) -> str:
    """SHA-256 hex of a value's canonical JSON (dataclasses become dicts)."""
    raw = None
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        raw = _canonical_fields(value)
        if raw is None:
            value = dataclasses.asdict(value)
    if raw is None:
        raw = json.dumps(value, sort_keys=True, separators=(",", ":"), default=str,
                         ensure_ascii=False)
    return hashlib.sha256(raw.encode("utf-8", "surrogatepass")).hexdigest()


# The canonical encoder for plain values (what `json.dumps` with these options builds per
# call; `default` is never needed for them).
_SORTED = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False)
# Per dataclass: its fields in sorted order, each with its `"name":` prefix.
_FIELD_KEYS: dict[type, list[tuple[str, str]]] = {}


def _canonical_fields(obj: Any) -> str | None:
    """The text `digest` hashes for a dataclass whose fields hold plain JSON values, built
    without `dataclasses.asdict` (which deep-copies every value) and with the fast string
    escaper; None for anything else, which then takes the general path.

    Identical by construction: for exact str/int/float/bool/None/list/tuple/dict-with-str-
    keys values `asdict` only copies, and a sort_keys dump of a dict is its sorted items'
    dumps joined by "," inside braces.
    """
    cls = type(obj)
    keys = _FIELD_KEYS.get(cls)
    if keys is None:
        names = sorted(f.name for f in dataclasses.fields(cls))
        keys = _FIELD_KEYS[cls] = [(name, json_string(name) + ":") for name in names]
    parts: list[str] = []
    try:
        for name, key in keys:
            value = getattr(obj, name)
            kind = type(value)
            if kind is str:
                parts.append(key + json_string(value))
            elif value is None:
                parts.append(key + "null")
            elif kind is int:  # json writes an exact int as int.__repr__ does
                parts.append(key + int.__repr__(value))
            elif _plain(value):
                parts.append(key + _SORTED.encode(value))
            else:
                return None
    except RecursionError:
        return None
    return "{" + ",".join(parts) + "}"


def _plain(value: Any) -> bool:
    """Whether `value` is built only from exact JSON types (str keys)."""
    kind = type(value)
    if kind is str or kind is int or kind is float or kind is bool or value is None:
        return True
    if kind is list or kind is tuple:
        return all(map(_plain, value))
    if kind is dict:
        return all(type(k) is str and _plain(v) for k, v in value.items())
    return False


# `x.d` of an entry whose digest is the stored row's digest (cctrace.store.digest), which
# `cctrace verify` recomputes from the store; entries without it only prove the row exists.
ROW = "d"
Digests = Mapping[str, Mapping[str, str]]


def _row(digests: Digests | None, table: str, key: str) -> str | None:
    return (digests or {}).get(table, {}).get(key)


def entries_from_traces(pairs: Iterable[tuple[Any, Sequence[Any]]],
                        digests: Digests | None = None) -> list[AuditEntry]:
    """One entry per newly stored observation (what `Store.insert_traces` returns) and one
    per trace row that write created or changed; `digests` is `Store.row_digests`."""
    out: list[AuditEntry] = []
    for trace, new in pairs:
        for obs in new:
            row = _row(digests, "observations", obs.id)
            detail: dict[str, Any] = {"type": obs.type, "name": str(obs.name)[:64]}
            if row:
                detail[ROW] = 1
            out.append(AuditEntry(
                kind="observation", subject=obs.id, digest=row or digest(obs),
                session_id=trace.session_id, trace_id=trace.id, time_ns=obs.start_ns,
                detail=detail,
            ))
        row = _row(digests, "traces", trace.id)
        if row:
            out.append(AuditEntry(kind="trace", subject=f"trace-row:{trace.id}", digest=row,
                                  session_id=trace.session_id, trace_id=trace.id,
                                  time_ns=trace.start_ns, detail={ROW: 1}))
    return out


def entries_from_hook_events(events: Iterable[Any],
                             digests: Digests | None = None) -> list[AuditEntry]:
    """One entry per stored hook event (subject `hook:<seq>`), keeping the spool seq."""
    out = []
    for ev in events:
        row = _row(digests, "hook_events", str(ev.seq))
        detail: dict[str, Any] = {"event": ev.event, "seq": ev.seq}
        if row:
            detail[ROW] = 1
        out.append(AuditEntry(kind="hook", subject=f"hook:{ev.seq}",
                              digest=row or digest(ev.payload), session_id=ev.session_id,
                              time_ns=ev.received_ns, detail=detail))
    return out


def entries_from_counts(cost_states: Iterable[Mapping[str, Any]] = (),
                        forks: Iterable[Mapping[str, Any]] = ()) -> list[AuditEntry]:
    """One entry per stored Claude Code count (`cost-state:<session>@<time>`) and per fork
    relation written (`fork:<session>`), from what `Store.save_cost_state` / `save_fork`
    return; the latest entry of a row wins (a count re-read replaces its row)."""
    out = [AuditEntry(kind="cost_state", subject=f"cost-state:{c['key']}", digest=c["digest"],
                      session_id=c["session_id"], time_ns=c["time_ns"], detail={ROW: 1})
           for c in cost_states]
    out += [AuditEntry(kind="fork", subject=f"fork:{f['key']}", digest=f["digest"],
                       session_id=f["session_id"], time_ns=f["time_ns"], detail={ROW: 1})
            for f in forks]
    return out


def entries_from_findings(findings: Iterable[Any], digests: Digests) -> list[AuditEntry]:
    """One entry per stored finding (subject `finding:<id>`). Checkpoint findings are left
    out: their content is a signed checkpoint, which `verify` checks as such."""
    out = []
    for f in findings:
        row = _row(digests, "findings", f.id)
        if row and f.rule_id != CHECKPOINT_RULE:
            out.append(AuditEntry(kind="finding", subject=f"finding:{f.id}", digest=row,
                                  session_id=f.session_id, trace_id=f.trace_id,
                                  time_ns=f.time_ns, detail={"rule": f.rule_id[:64], ROW: 1}))
    return out


def erasure_entries(subjects: Iterable[str], reason: str, *, session_id: str | None = None,
                    authorized_by: str | None = None) -> list[AuditEntry]:
    """Signed record of an agreed deletion: what was removed, why and on whose say."""
    detail: dict[str, Any] = {"reason": reason[:200]}
    if authorized_by:
        detail["by"] = authorized_by[:100]
    return [AuditEntry(kind="erase", subject=s, digest=digest({"erase": s, **detail}),
                       session_id=session_id, detail=detail) for s in subjects]


def erasure_entries_for(trace_sessions: Mapping[str, str], reason: str, *,
                        before_ns: int | None = None,
                        authorized_by: str | None = None) -> list[AuditEntry]:
    """`erase` entries for deletions cctrace makes itself (retention, the store cap): one
    per trace, and with `before_ns` one saying every hook event received before it went."""
    by_session: dict[str, list[str]] = {}
    for trace_id, session_id in sorted(trace_sessions.items()):
        by_session.setdefault(session_id, []).append(f"trace:{trace_id}")
    out = [e for sid, subjects in sorted(by_session.items())
           for e in erasure_entries(subjects, reason, session_id=sid,
                                    authorized_by=authorized_by)]
    if before_ns is not None:
        detail = {"reason": reason[:200], "before": int(before_ns)}
        out.append(AuditEntry(kind="erase", subject=f"before:{before_ns}",
                              digest=digest({"erase": f"before:{before_ns}", **detail}),
                              detail=detail))
    return out


def tombstone_entries(stones: Iterable[Any], *, lifted: bool = False) -> list[AuditEntry]:
    """Entries for tombstones `cctrace purge` left (`Tombstone`s), or for the subjects whose
    tombstones `import --include-purged` lifted (`lifted=True`)."""
    from cctrace.store.tombstones import row_digest

    if lifted:
        return [AuditEntry(kind="unerase", subject=s, digest=digest({"unerase": s}))
                for s in stones]
    return [AuditEntry(kind="tombstone", subject=t.subject, digest=row_digest(t),
                       time_ns=t.created_ns, detail={"reason": t.reason[:200]})
            for t in stones]


def settings_from_config(cfg: Any) -> AuditSettings:
    """`[audit]` of the config, with this state dir's default anchor (see `anchors`)."""
    from cctrace.audit import anchors

    section = cfg.section("audit") if cfg is not None else {}
    settings = AuditSettings.from_section(section)
    state_dir = getattr(cfg, "state_dir", None)
    if state_dir:
        settings.default_anchor = anchors.default_dir(state_dir, section)
    return settings


def record_result(state_dir: str, entries: list[AuditEntry], cfg: Any = None,
                  now_ns: int | None = None) -> RecordResult:
    """`record` with the full result (anchor errors included)."""
    if cfg is None:
        from cctrace import config as config_mod

        cfg = config_mod.load(state_dir)
    settings = settings_from_config(cfg)
    if not settings.enabled:
        return RecordResult(None, 0)
    return append(state_dir, entries, settings, now_ns)


def record(state_dir: str, entries: list[AuditEntry], cfg: Any = None,
           now_ns: int | None = None) -> Checkpoint | None:
    """Append `entries`; returns the checkpoint that sealed them (None if not sealed yet).

    Call it with `entries=[]` when idle to rotate an expired key (a rotation checkpoint).
    """
    return record_result(state_dir, entries, cfg, now_ns).checkpoint


# The tables of the first `baseline` entry (schema v3); tables audited later get a
# `baseline` entry of their own, marked `baseline_logged.<table>` once logged.
_FIRST_BASELINE = frozenset({"observations", "traces", "findings", "hook_events"})


def baseline_entries(store: Any) -> list[AuditEntry]:
    """Once per store and table (call inside a write transaction): the rows the store held
    before their table's rows had audit entries (`store_meta` legacy rowids), so that
    editing `store_meta` later cannot hide a planted row from `verify`. The first entry
    names the tables of schema v3; a table audited since gets an entry of its own."""
    rows = store._read("SELECT key, value FROM store_meta")
    meta = {r["key"]: r["value"] for r in rows}
    logged = {k.split(".", 1)[1] for k in meta if k.startswith("baseline_logged.")}
    if meta.get("baseline_logged"):
        logged |= _FIRST_BASELINE
    legacy = {k.split(".", 1)[1]: int(v) for k, v in sorted(meta.items())
              if k.startswith("legacy_rowid.") and k.split(".", 1)[1] not in logged}
    if not legacy:
        return []
    with store.transaction() as conn:
        conn.execute("INSERT OR REPLACE INTO store_meta (key, value)"
                     " VALUES ('baseline_logged', 1)")
        conn.executemany("INSERT OR REPLACE INTO store_meta (key, value) VALUES (?, 1)",
                         [(f"baseline_logged.{t}",) for t in legacy])
    return [AuditEntry(kind="baseline", subject="store", digest=digest(legacy),
                       detail={"legacy": legacy})]


def record_in(store: Any, state_dir: str, entries: list[AuditEntry], cfg: Any = None
              ) -> Checkpoint | None:
    """`record` from inside a store transaction: if that transaction rolls back, `void`
    entries say the rows these entries describe were never stored."""
    if not entries:
        return None
    checkpoint = record(state_dir, entries, cfg)
    store.on_rollback(lambda: record(state_dir, void_entries(entries), cfg))
    return checkpoint


def void_entries(entries: Iterable[AuditEntry]) -> list[AuditEntry]:
    return [AuditEntry(kind="void", subject=e.subject, digest=e.digest,
                       session_id=e.session_id, trace_id=e.trace_id,
                       detail={"of": e.kind}) for e in entries]


def checkpoint_attributes(cp: Checkpoint) -> dict[str, str]:
    """Short span/trace attributes carrying a checkpoint off the machine (~330 chars)."""
    return {
        "cctrace.audit.log": cp.log,
        "cctrace.audit.checkpoint": str(cp.n),
        "cctrace.audit.size": str(cp.size),
        "cctrace.audit.root": cp.root,
        "cctrace.audit.epoch": str(cp.epoch),
        "cctrace.audit.sig": cp.sig,
    }


def checkpoint_finding(cp: Checkpoint, session_id: str | None = None,
                       trace_id: str | None = None) -> Finding:
    """The checkpoint as an info finding, exported as the `cctrace.audit.size` score."""
    return Finding(
        id=finding_id("audit", cp.log, str(cp.n), session_id or "", trace_id or ""),
        kind="audit", rule_id=CHECKPOINT_RULE, severity="info",
        title=f"audit checkpoint {cp.n}: {cp.size} entries sealed",
        time_ns=cp.t, session_id=session_id, trace_id=trace_id,
        detail={"checkpoint": dataclasses.asdict(cp)},
        scores={"cctrace.audit.size": float(cp.size)},
    )
