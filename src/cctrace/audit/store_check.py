"""What `cctrace verify` proves about the store: every audited row is there, unchanged, and
nothing was added behind cctrace's back.

The audit log holds, per stored row, the digest of the row as written (`cctrace.store.
digest`): observations (content, usage, cost), trace rows (the latest write wins), findings
(title, detail, scores), hook events, tombstones, Claude Code's cost counts (`cost_states`,
whose figures are the sessions' cost) and fork relations (`session_forks`, which decide what
a fork's cost leaves out). `check` replays the log into the set of
rows the store must hold, minus what agreed deletions removed (`erase` entries of purge,
retention and the store cap; `unerase` for lifted tombstones), then reads every row of
those tables back, decrypts it, recomputes its digest and compares (a `void` entry says
the write before it rolled back: its row was never stored, or is back to the row before):

- **deleted**: a row the log expects that is gone, with no erasure after its entry;
- **changed**: a row whose digest differs (or that no longer decrypts);
- **added**: a row no entry accounts for. Rows from before the upgrade that introduced row
  digests (`store_meta` legacy rowids, themselves committed to by the log's first
  `baseline` entry) are counted, not judged; checkpoint findings are checked against the
  signed checkpoints instead.

Not covered: `sessions` (derived from the traces), cursors, counters and the outbox (what
was sent is what Langfuse or the collector holds).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from cctrace.store import digest as row_digest

CHANGED, DELETED, ADDED = "changed", "deleted", "added"
TABLES = ("observations", "traces", "findings", "hook_events", "tombstones", "cost_states",
          "session_forks")
_KEY = {"observations": "id", "traces": "id", "findings": "id", "hook_events": "seq",
        "tombstones": "subject", "session_forks": "session_id"}


def _row_key(table: str, row: Any) -> str:
    if table == "cost_states":  # one row per session and record time
        return f"{row['session_id']}@{row['time_ns']}"
    return str(row[_KEY[table]])


@dataclass
class Expected:
    digest: str | None  # None: a legacy entry (proves only that the row exists)
    pos: int
    session: str | None
    trace: str | None
    time_ns: int
    label: str
    lifted: bool = False  # an `unerase`: the tombstone row must be gone


@dataclass
class Replay:
    # Per row, its entries in log order (a `void` pops the last one: that write rolled back).
    stacks: dict[tuple[str, str], list[Expected]] = field(default_factory=dict)
    erased_traces: dict[str, int] = field(default_factory=dict)
    erased_sessions: dict[str, int] = field(default_factory=dict)
    cutoffs: list[tuple[int, int]] = field(default_factory=list)  # (pos, before_ns)
    baseline: dict[str, int] | None = None  # the first `baseline` entry's legacy rowids

    @property
    def rows(self) -> dict[tuple[str, str], Expected]:
        """The row each key must be now (lifted tombstones and voided writes left out)."""
        return {k: v[-1] for k, v in self.stacks.items() if v and not v[-1].lifted}


@dataclass
class StoreResult:
    checked: int = 0
    legacy: int = 0
    # (kind, table, key, text) per row found wrong
    problems: list[tuple[str, str, str, str]] = field(default_factory=list)


def _target(kind: str, subject: str, x: dict[str, Any]) -> tuple[str, str] | None:
    if kind == "observation":
        return "observations", subject
    if kind == "trace" and subject.startswith("trace-row:"):
        return "traces", subject[len("trace-row:"):]
    if kind == "hook" and subject.startswith("hook:"):
        return "hook_events", subject[len("hook:"):]
    if kind == "finding" and subject.startswith("finding:"):
        return "findings", subject[len("finding:"):]
    if kind == "tombstone":
        return "tombstones", subject
    if kind == "cost_state" and subject.startswith("cost-state:"):
        return "cost_states", subject[len("cost-state:"):]
    if kind == "fork" and subject.startswith("fork:"):
        return "session_forks", subject[len("fork:"):]
    return None


def replay(leaf_data: Iterable[bytes]) -> Replay:
    """The rows the log says the store holds, and the agreed deletions, in log order."""
    out = Replay()
    for pos, data in enumerate(leaf_data):
        try:
            e = json.loads(data)
        except ValueError:
            continue
        if not isinstance(e, dict):
            continue
        kind, subject = e.get("k"), e.get("id")
        if not isinstance(kind, str) or not isinstance(subject, str):
            continue
        x = e.get("x") if isinstance(e.get("x"), dict) else {}
        if kind == "erase":
            if subject.startswith("trace:"):
                out.erased_traces[subject[6:]] = pos
            if subject.startswith("before:") and isinstance(x.get("before"), int):
                out.cutoffs.append((pos, x["before"]))
            if isinstance(e.get("s"), str):
                out.erased_sessions[e["s"]] = pos
            continue
        if kind == "baseline":
            # The first one names the tables of schema v3; a later one only adds tables
            # audited since (it never moves a table's figure already committed to).
            legacy = x.get("legacy")
            if isinstance(legacy, dict):
                base = out.baseline if out.baseline is not None else {}
                for k, v in legacy.items():
                    if isinstance(v, int) and str(k) not in base:
                        base[str(k)] = int(v)
                out.baseline = base
            continue
        if kind == "void":
            target = _target(str(x.get("of")), subject, {})
            stack = out.stacks.get(target) if target else None
            if stack and stack[-1].digest in (e.get("h"), None):
                stack.pop()
            elif x.get("of") == "unerase":
                stack = out.stacks.get(("tombstones", subject))
                if stack and stack[-1].lifted:
                    stack.pop()
            continue
        if kind == "unerase":
            out.stacks.setdefault(("tombstones", subject), []).append(
                Expected(None, pos, None, None, 0, "", lifted=True))
            continue
        target = _target(kind, subject, x)
        if target is None:
            continue
        label = f"{x.get('type')} {x.get('name')}" if kind == "observation" else (
            x.get("event") or x.get("rule") or "")
        out.stacks.setdefault(target, []).append(Expected(
            e.get("h") if (x.get("d") or kind == "tombstone") else None, pos,
            e.get("s") if isinstance(e.get("s"), str) else None,
            e.get("tr") if isinstance(e.get("tr"), str) else None,
            e.get("t") if isinstance(e.get("t"), int) else 0, str(label)[:80]))
    return out


# Rows that go with their session when an agreed deletion leaves it with no turns.
_BY_SESSION = ("hook_events", "findings", "cost_states", "session_forks")


def _gone_by_agreement(table: str, exp: Expected, log: Replay, live_sessions: set[str]) -> bool:
    if exp.trace and log.erased_traces.get(exp.trace, -1) > exp.pos:
        return True
    if table in _BY_SESSION and exp.session and exp.session not in live_sessions \
            and log.erased_sessions.get(exp.session, -1) > exp.pos:
        return True
    return table == "hook_events" and any(
        pos > exp.pos and exp.time_ns < before for pos, before in log.cutoffs)


def _describe(table: str, key: str, exp: Expected | None) -> str:
    what = f"{table} row {key}"
    if exp is None:
        return what
    extra = [p for p in (exp.label.strip(), f"trace {exp.trace}" if exp.trace else "",
                         f"session {exp.session}" if exp.session else "") if p]
    return what + (f" ({', '.join(extra)})" if extra else "")


def _checkpoint_ok(row: Any, dec: Any, checkpoints: dict[int, Any]) -> bool:
    """A checkpoint finding whose detail is a checkpoint this log signed."""
    try:
        detail = json.loads(dec(row["detail"], "findings.detail") or "{}")
        cp = detail.get("checkpoint") or {}
        mine = checkpoints.get(cp.get("n"))
        return mine is not None and row["rule_id"] == "audit.checkpoint" and all(
            cp.get(k) == getattr(mine, k) for k in ("log", "size", "root", "sig"))
    except (ValueError, TypeError, AttributeError):
        return False


def check(store: Any, leaf_data: Sequence[bytes], checkpoints: Iterable[Any] = ()
          ) -> StoreResult:
    """Compare the store with what the log commits to (see the module docstring)."""
    from cctrace.security.crypto import DecryptError
    from cctrace.store.tombstones import Tombstone
    from cctrace.store.tombstones import row_digest as stone_digest

    log = replay(leaf_data)
    expected = log.rows
    cps = {c.n: c for c in checkpoints}
    result = StoreResult()
    legacy = {r["key"].split(".", 1)[1]: r["value"] for r in store._read(
        "SELECT key, value FROM store_meta WHERE key LIKE 'legacy_rowid.%'")}
    if log.baseline is not None:
        # A table the log has no baseline for yet (audited since the last batch's
        # upgrade) keeps the figure `store_meta` has until the next batch logs it.
        for table in sorted(log.baseline):
            if legacy.get(table, 0) != log.baseline.get(table, 0):
                result.problems.append((CHANGED, "store_meta", f"legacy_rowid.{table}", (
                    f"store_meta row legacy_rowid.{table} is {legacy.get(table, 0)}; the "
                    f"audit log recorded {log.baseline.get(table, 0)}")))
        legacy = {**legacy, **log.baseline}
    live_sessions = {r[0] for r in store._read("SELECT id FROM sessions")}
    seen: set[tuple[str, str]] = set()
    for table in TABLES:
        for row in store._read(f"SELECT rowid AS _rowid, * FROM {table}"):
            key = _row_key(table, row)
            seen.add((table, key))
            result.checked += 1
            exp = expected.get((table, key))
            try:
                if table == "tombstones":
                    actual = stone_digest(Tombstone(row["subject"], row["mac"],
                                                    row["created_ns"], row["reason"]))
                else:
                    actual = row_digest.stored_row_digest(table, row, store._dec)
            except (DecryptError, TypeError, ValueError):
                actual = "undecryptable"
            if exp is None:
                if row["_rowid"] <= legacy.get(table, 0):
                    result.legacy += 1
                elif table == "findings" and _checkpoint_ok(row, store._dec, cps):
                    continue
                else:
                    result.problems.append((ADDED, table, key, _describe(table, key, None) +
                                            ": no audit entry accounts for it"))
            elif exp.digest is not None and exp.digest != actual:
                result.problems.append((CHANGED, table, key, _describe(table, key, exp) + (
                    ": cannot be decrypted" if actual == "undecryptable" else
                    ": differs from what the audit log committed to")))
    for (table, key), exp in sorted(expected.items(), key=lambda kv: kv[1].pos):
        if (table, key) in seen or _gone_by_agreement(table, exp, log, live_sessions):
            continue
        result.problems.append((DELETED, table, key, _describe(table, key, exp) +
                                f": deleted with no erasure on record (audit entry "
                                f"{exp.pos + 1})"))
    return result
