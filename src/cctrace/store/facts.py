"""Report facts: content-free rows for `cctrace report`.

One query over `observations`, `traces` and `sessions` that returns only what the report
aggregates (types, names, models, times, levels, usage, cost, session and project), never
prompts or tool content, so a report can be built without decrypting anything.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from cctrace.store.connection import Connection, loads


class Facts(Connection):
    """Content-free reads for reports."""

    def report_facts(
        self, since_ns: int | None = None, until_ns: int | None = None,
        session_ids: Sequence[str] | None = None, tools: bool = True,
    ) -> dict[str, list[dict[str, Any]]]:
        """Content-free facts for reports: {"observations": [...], "traces": [...]}.

        Observations are the generations and tools starting in [since_ns, until_ns), with
        type, name, model, times, level, usage, cost (per usage key), cost_total,
        trace_id, session_id and project; traces (turns) likewise with trace_id, session_id,
        project, start_ns, end_ns, complete. With `session_ids`, only those sessions' (a few
        hundred at most: they go into one SQL list); with `tools=False`, generations only.
        """
        where, params = "", []
        if session_ids is not None:
            where += f" AND t.session_id IN ({', '.join('?' * len(session_ids)) or 'NULL'})"
            params.extend(session_ids)
        if since_ns is not None:
            where += " AND o.start_ns >= ?"
            params.append(since_ns)
        if until_ns is not None:
            where += " AND o.start_ns < ?"
            params.append(until_ns)
        rows = self._read(
            "SELECT o.id, o.type, o.name, o.model, o.start_ns, o.end_ns, o.level, o.usage,"
            " o.cost, o.cost_total, o.model_parameters, o.trace_id, t.session_id, s.project"
            " FROM observations o"
            " JOIN traces t ON t.id = o.trace_id JOIN sessions s ON s.id = t.session_id"
            " WHERE o.type IN ('generation'" + (", 'tool')" if tools else ")")
            + f"{where} ORDER BY o.start_ns, o.id",
            params,
        )
        observations = []
        for r in rows:
            item = dict(r)
            item["usage"] = loads(item["usage"], None)
            item["cost"] = loads(item["cost"], None)
            item["model_parameters"] = loads(item["model_parameters"], None)
            observations.append(item)
        self._price_facts(observations)  # type: ignore[attr-defined]  # store.costs
        trows = self._read(
            "SELECT t.id AS trace_id, t.session_id, s.project, t.start_ns, t.end_ns,"
            " t.complete FROM traces t"
            " JOIN sessions s ON s.id = t.session_id WHERE 1 = 1"
            + where.replace("o.start_ns", "t.start_ns") + " ORDER BY t.start_ns, t.id",
            params,
        )
        return {"observations": observations, "traces": [dict(r) for r in trows]}
