"""Claude Code's own cost counts in a transcript (`cost-state`, 2.1.x) and forks' parents.

Pure walks over a read's records, apart from `with_fork` (one store lookup): each
`cost-state` record with its session and the time of the call it follows, and for a fork
(a session whose history was copied from another) the parent and the time of its own first
prompt, so the count is not charged twice (cctrace.store.cost).
"""

from __future__ import annotations

from dataclasses import replace

from cctrace.model.turns import copied_from, is_prompt
from cctrace.store.cost import ClaudeCodeCost
from cctrace.store.db import Store
from cctrace.transcript.records import Record


def cost_states(records: list[Record], session_id: str | None
                ) -> list[tuple[str, ClaudeCodeCost]]:
    """Claude Code's `cost-state` records among `records` (2.1.x), each with its session and
    a time: the record has none, so the latest timestamp written before it (it follows the
    run's last call), None when nothing before it in this read has one. In a fork, the
    parent it names (`requestSessionId` of the copied calls) and the time of its first own
    prompt after the copied history go with each."""
    out: list[tuple[str, ClaudeCodeCost]] = []
    # Only a `cost-state` record adds to `out`: a read without one (nearly every read, and
    # every read of a 1.x or 2.0 transcript) has nothing to walk for.
    if not any(rec.data.get("type") == "cost-state" for rec in records):
        return out
    last_ns: int | None = None
    parent: str | None = None
    copied_ns: int | None = None
    fork_ns: int | None = None
    for rec in records:
        if rec.type == "cost-state":
            state = ClaudeCodeCost.from_record(rec.data, last_ns)
            sid = rec.session_id or session_id
            if state is not None and sid:
                if parent and parent != sid:
                    state = replace(state, parent_session_id=parent, fork_ns=fork_ns)
                out.append((sid, state))
            continue
        if rec.is_sidechain or rec.timestamp_ns is None:
            continue
        last_ns = max(last_ns or 0, rec.timestamp_ns)
        if copied_from(rec):
            parent, copied_ns, fork_ns = copied_from(rec), rec.timestamp_ns, None
        elif copied_ns is not None and fork_ns is None and is_prompt(rec):
            fork_ns = rec.timestamp_ns  # the fork's own first prompt: after the parent's run
    return out


def fork_of(records: list[Record]) -> tuple[str, str, int | None] | None:
    """(session, parent, time of its first own prompt or None) when `records` hold a fork's
    copied history (2.1.x: assistant records whose `requestSessionId` is another session)."""
    found: tuple[str, str, int | None] | None = None
    # Only a copied call (`copied_from`: a non-empty `requestSessionId`) starts a fork.
    if not any(rec.data.get("requestSessionId") for rec in records):
        return found
    for rec in records:
        parent = copied_from(rec) if not rec.is_sidechain else None
        if parent and rec.session_id:
            found = (rec.session_id, parent, None)
        elif found is not None and found[2] is None and is_prompt(rec):
            found = (found[0], found[1], rec.timestamp_ns)
    return found


def with_fork(store: Store, session_id: str, state: ClaudeCodeCost) -> ClaudeCodeCost:
    """A later count of a fork keeps the parent and fork time its first count named."""
    if state.parent_session_id:
        return state
    earlier = store.session_cost_states(session_id)
    if earlier and earlier[-1].parent_session_id:
        return replace(state, parent_session_id=earlier[-1].parent_session_id,
                       fork_ns=earlier[-1].fork_ns)
    return state
