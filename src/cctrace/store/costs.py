"""`cost_states` and `session_forks`: Claude Code's own cost counts, and pricing when read.

Claude Code 2.1.x writes `cost-state` records (cumulative session cost, per-model usage);
the worker keeps each here with its time, and the fork relation a transcript shows. Views
price stored usage when they read it (`_add_costs` for `sessions`, `_price_facts` for the
report rows), through `cctrace.store.cost`, so `[prices]` and learned prices reach history.
`generations_of` / `set_costs` let the worker price again generations stored (and exported)
before the price of their model was known or final, so they can be sent again with it.
"""

from __future__ import annotations

import os
import sqlite3
from typing import Any

from cctrace.model.types import Observation, Trace
from cctrace.store import digest
from cctrace.store.connection import Connection, chunks, dumps, loads


class Costs(Connection):
    """Claude Code's counts and the read-time pricing of sessions and report rows."""

    def save_cost_state(self, session_id: str, state: Any) -> dict[str, Any]:
        """Keep one Claude Code `cost-state` (a `cost.ClaudeCodeCost` with its time).
        Returns what its audit entry needs: `key` (`<session>@<time>`), `digest` of the
        row as stored, `session_id`, `time_ns`."""
        time_ns = int(state.time_ns or 0)
        with self.transaction() as conn:
            conn.execute(
                "INSERT OR REPLACE INTO cost_states (session_id, time_ns, total_usd,"
                " model_usage, unknown_model_cost, parent_session_id, fork_ns)"
                " VALUES (?, ?, ?, ?, ?, ?, ?)",
                (session_id, time_ns, float(state.total_usd),
                 dumps(dict(state.model_usage)), int(bool(state.unknown_model_cost)),
                 state.parent_session_id, state.fork_ns))
            row = conn.execute("SELECT * FROM cost_states WHERE session_id = ? AND time_ns = ?",
                               (session_id, time_ns)).fetchone()
        return {"key": f"{session_id}@{time_ns}", "session_id": session_id,
                "time_ns": time_ns, "digest": digest.stored_row_digest("cost_states", row,
                                                                       self._dec)}

    def save_fork(self, session_id: str, parent_session_id: str,
                  fork_ns: int | None) -> dict[str, Any]:
        """Note that `session_id` was forked from `parent_session_id` (its first own prompt
        at `fork_ns`, when known; a later note may add it). Returns what its audit entry
        needs (`key`, `digest` of the row as now stored, `session_id`, `time_ns`)."""
        with self.transaction() as conn:
            conn.execute(
                "INSERT INTO session_forks (session_id, parent_session_id, fork_ns)"
                " VALUES (?, ?, ?) ON CONFLICT(session_id) DO UPDATE SET"
                " fork_ns = COALESCE(session_forks.fork_ns, excluded.fork_ns)",
                (session_id, parent_session_id, fork_ns))
            row = conn.execute("SELECT * FROM session_forks WHERE session_id = ?",
                               (session_id,)).fetchone()
        return {"key": session_id, "session_id": session_id, "time_ns": row["fork_ns"] or 0,
                "digest": digest.stored_row_digest("session_forks", row, self._dec)}

    def _cost_state(self, row: sqlite3.Row) -> Any:
        from cctrace.store.cost import ClaudeCodeCost

        return ClaudeCodeCost(row["total_usd"], loads(row["model_usage"], {}),
                              bool(row["unknown_model_cost"]), row["time_ns"] or None,
                              parent_session_id=row["parent_session_id"],
                              fork_ns=row["fork_ns"])

    def cost_states(self, limit: int = 500) -> list[Any]:
        """The newest Claude Code cost records of all sessions (to learn prices from)."""
        return [self._cost_state(r) for r in self._read(
            "SELECT * FROM cost_states ORDER BY time_ns DESC LIMIT ?", (limit,))]

    def cost_states_version(self) -> tuple[int, int]:
        """(rows, highest rowid) of the count table: changes whenever a count is added."""
        row = self._read("SELECT COUNT(*), COALESCE(MAX(rowid), 0) FROM cost_states")[0]
        return int(row[0]), int(row[1])

    def session_cost_states(self, session_id: str) -> list[Any]:
        """One session's Claude Code cost records, oldest first."""
        return [self._cost_state(r) for r in self._read(
            "SELECT * FROM cost_states WHERE session_id = ? ORDER BY time_ns, total_usd",
            (session_id,))]

    def latest_cost_states(self, session_ids: list[str]) -> dict[str, Any]:
        """Each listed session's latest Claude Code cost record, by session id; a fork's
        with its parent's count at the fork as its baseline."""
        out: dict[str, Any] = {}
        forks: dict[str, tuple[str, int | None]] = {}
        for chunk in chunks(session_ids):
            marks = ",".join("?" * len(chunk))
            for r in self._read(
                f"SELECT * FROM cost_states WHERE session_id IN ({marks})"
                " ORDER BY session_id, time_ns, total_usd", chunk,
            ):
                out[r["session_id"]] = self._cost_state(r)
            forks.update((r[0], (r[1], r[2])) for r in self._read(
                "SELECT session_id, parent_session_id, fork_ns FROM session_forks"
                f" WHERE session_id IN ({marks})", chunk))
        for sid, state in out.items():
            parent, fork_ns = forks.get(sid) or (state.parent_session_id, state.fork_ns)
            if parent and parent != sid:
                before = [s for s in self.session_cost_states(parent)
                          if fork_ns is None or (s.time_ns or 0) <= fork_ns]
                if before:
                    out[sid] = state.forked_from(before[-1])
        return out

    def session_generations(self, session_id: str) -> list[dict[str, Any]]:
        """A session's generations as pricing rows: id, model, usage, start_ns, parameters."""
        return [{"id": r["id"], "model": r["model"], "usage": loads(r["usage"], {}),
                 "start_ns": r["start_ns"], "model_parameters": loads(r["model_parameters"])}
                for r in self._read(
                    "SELECT o.id, o.model, o.usage, o.start_ns, o.model_parameters"
                    " FROM observations o JOIN traces t ON t.id = o.trace_id"
                    " WHERE t.session_id = ? AND o.type = 'generation'"
                    " ORDER BY o.start_ns, o.id", (session_id,))]

    def generations_of(self, models: list[str]) -> list[Observation]:
        """The stored generations of `models`, oldest first (to price them again when the
        prices learned for those models change)."""
        out: list[Observation] = []
        for chunk in chunks(sorted(set(models))):
            marks = ",".join("?" * len(chunk))
            out.extend(self._obs(r) for r in self._read(  # type: ignore[attr-defined]
                "SELECT * FROM observations WHERE type = 'generation'"
                f" AND model IN ({marks}) ORDER BY start_ns, id", chunk))
        return out

    def set_costs(self, observations: list[Observation]) -> list[dict[str, Any]]:
        """Write the `cost` (and metadata, which names its source) of stored generations
        priced again. Returns, per row
        written, what its audit entry needs (`id`, `digest` of the row as now stored,
        `session_id`, `trace_id`, `type`, `name`, `start_ns`)."""
        out: list[dict[str, Any]] = []
        with self.transaction() as conn:
            for obs in observations:
                cost = obs.cost or {}
                cur = conn.execute(
                    "UPDATE observations SET cost = ?, cost_total = ?, metadata = ?"
                    " WHERE id = ?",
                    (dumps(cost), cost.get("total"),
                     self._enc(dumps(obs.metadata) or "{}", "observations.metadata"), obs.id))
                if cur.rowcount != 1:
                    continue
                sid = conn.execute("SELECT session_id FROM traces WHERE id = ?",
                                   (obs.trace_id,)).fetchone()
                out.append({"id": obs.id, "trace_id": obs.trace_id, "type": obs.type,
                            "name": obs.name, "start_ns": obs.start_ns,
                            "session_id": sid[0] if sid else None,
                            "digest": self._row_digest(conn, "observations", "id", obs.id)})
        return out

    def export_trace(self, trace_id: str) -> Trace | None:
        """A stored trace with the fields its spans repeat (no input/output: those go on
        the root span only), to send some of its observations again."""
        rows = self._read("SELECT * FROM traces WHERE id = ?", (trace_id,))
        if not rows:
            return None
        t = rows[0]
        return Trace(id=t["id"], session_id=t["session_id"], name=t["name"],
                     start_ns=t["start_ns"], end_ns=t["end_ns"], user_id=t["user_id"],
                     tags=loads(t["tags"], []), environment=t["environment"],
                     release=t["release"], complete=bool(t["complete"]),
                     metadata=loads(self._dec(t["metadata"], "traces.metadata"), {}))

    def trace_of(self, observation_id: str) -> str | None:
        """The trace an observation is stored in, or None."""
        rows = self._read("SELECT trace_id FROM observations WHERE id = ?", (observation_id,))
        return rows[0]["trace_id"] if rows else None

    def _add_costs(self, summaries: list[Any]) -> None:
        """Each session's tokens per usage key and its cost, as `cost.price_rows` gives it
        (Claude Code's own count where the transcript had one, then overrides, the table,
        learned prices; unpriced tokens), in one pass over the sessions' generations
        (`costscan`: the same figures as pricing row by row, to the bit)."""
        from cctrace.store import cost, costscan

        if not summaries:
            return
        pricing = cost.Pricing.load(os.path.dirname(self.path), self)
        by_id = {s.id: s for s in summaries}
        states = self.latest_cost_states(list(by_id))
        tallies = {sid: costscan.Tally() for sid in by_id}
        until: dict[str, int | None] = {}
        for sid, state in states.items():
            if self._counts_a_call(sid, state.time_ns):
                until[sid] = state.time_ns
                source = cost.ESTIMATE if state.unknown_model_cost else cost.CLAUDE_CODE
                tallies[sid].by_source[source] = state.own_usd
        plans: dict[tuple[Any, Any], Any] = {}
        for chunk in chunks(list(by_id)):
            marks = ",".join("?" * len(chunk))
            # The rows in the order `price_rows` was given them: same FROM and WHERE.
            sql = ("SELECT t.session_id, o.model, o.start_ns, o.model_parameters, o.usage"
                   " FROM observations o JOIN traces t ON t.id = o.trace_id"
                   f" WHERE t.session_id IN ({marks}) AND o.type = 'generation'")
            with self._lock:
                cur = self._conn.cursor()
                cur.row_factory = None
                cur.execute(sql, chunk)
                while batch := cur.fetchmany(4096):
                    costscan.scan(batch, tallies, until, pricing, plans)
        for sid, summary in by_id.items():
            state = states.get(sid)
            summary.tokens = tallies[sid].token_totals()
            priced = tallies[sid].summary()
            summary.cost, summary.cost_source = priced.cost, priced.source
            summary.unpriced_tokens = priced.unpriced_tokens
            summary.unpriced_models = priced.unpriced_models
            if state is not None and priced.by_source.keys() & {"claude-code", "estimate"}:
                summary.claude_code = {"cost_usd": state.own_usd, "tokens": state.tokens()}

    def _counts_a_call(self, session_id: str, until: int | None) -> bool:
        """Whether a Claude Code count up to `until` covers any stored generation of the
        session (a count covering none would repeat another session's: not used)."""
        return bool(self._read(
            "SELECT 1 FROM observations o JOIN traces t ON t.id = o.trace_id"
            " WHERE t.session_id = ? AND o.type = 'generation'"
            " AND (? IS NULL OR o.start_ns IS NULL OR o.start_ns <= ?) LIMIT 1",
            (session_id, until, until)))

    def _price_facts(self, rows: list[dict[str, Any]]) -> None:
        """Price each generation row as `cctrace sessions` does (overrides, the table,
        prices learned from Claude Code's counts: `cost.Pricing`), and give the calls of a
        session Claude Code counted itself their share of that count (`cost.allocate`), so
        `report`, `usage` and the statusline add up to the same figures. `cost_source` says
        whose figure each is; `cost` / `cost_total` are None for an unpriced call."""
        from cctrace.store import cost

        gens = [r for r in rows if r.get("type") == "generation"]
        if not gens:
            return
        pricing = cost.Pricing.load(os.path.dirname(self.path), self)
        for row in gens:
            priced = pricing.price(row.get("model"), row.get("usage") or {},
                                   row.get("start_ns"), row.get("model_parameters"))
            row["cost"], row["cost_source"] = priced if priced else (None, None)
            row["cost_total"] = priced[0]["total"] if priced else None
        states = self.latest_cost_states(sorted({r["session_id"] for r in gens}))
        for sid, state in states.items():
            calls = self.session_generations(sid)
            shares = dict(zip((c["id"] for c in calls), cost.allocate(calls, state, pricing),
                              strict=True))
            for row in gens:
                share = shares.get(row["id"]) if row["session_id"] == sid else None
                if share is None:
                    continue
                usd, source = share
                detail = row["cost"] or {}
                scale = usd / detail["total"] if detail.get("total") else None
                row["cost"] = ({k: v * scale for k, v in detail.items()} if scale is not None
                               else {"total": usd})
                row["cost_total"], row["cost_source"] = usd, source
