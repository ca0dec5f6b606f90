"""Copied history: the turns of a transcript that another session made, on every release.

`claude --resume ID --fork-session` copies the session's history into the new session's
transcript with the same record uuids and message ids, so a copied turn builds into the
same trace (keyed by its prompt's uuid) as the original. How each release marks a copy:
2.1.x writes `requestSessionId` on the copied calls (`model.turns.is_copied_turn` skips
them while building); 2.0.x keeps the parent's `sessionId` on the copied prompts, so the
turn is built under the parent's session from either file; 1.0.x marks nothing (the new
session's id, the time of the copy). What holds on all of them is the content: a copy's
trace is the trace of a turn another session began earlier. This module sorts the turns
of one read by that, against what the store holds, whichever transcript is read first:
a turn already stored under another session that began it no later is left out (it stays
that session's, counted once); a turn stored under another session that began it later
(the copy was read first) is this session's, and the store gives it back
(`store.traces`), its observations exported again under the right session.
"""

from __future__ import annotations

from typing import Any

from cctrace.model.types import Trace


def split_copies(store: Any, traces: list[Trace]) -> tuple[list[Trace], int, set[str]]:
    """(the traces this read owns, how many were copies left out, the ids of those among
    them that a copy read earlier holds: the store hands them back on insert)."""
    owners = store.trace_owners(t.id for t in traces) if traces else {}
    kept: list[Trace] = []
    copies = 0
    reclaimed: set[str] = set()
    for trace in traces:
        owner = owners.get(trace.id)
        if owner is None or owner[0] == trace.session_id:
            kept.append(trace)
        elif owner[1] <= trace.start_ns:
            copies += 1  # another session made this turn: its copy here is not counted
        else:
            kept.append(trace)
            reclaimed.add(trace.id)
    return kept, copies, reclaimed


def with_reclaimed(pairs: list[tuple[Trace, list[Any]]], reclaimed: set[str]
                   ) -> list[tuple[Trace, list[Any]]]:
    """`pairs` (trace, its new observations) where a reclaimed trace sends all of its
    observations: they were exported under the copy's session and go again with the
    original's (Langfuse updates a span sent again with the same id)."""
    if not reclaimed:
        return pairs
    return [(t, list(t.observations) if t.id in reclaimed else new) for t, new in pairs]
