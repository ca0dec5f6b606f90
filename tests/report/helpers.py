"""Facts as `Store.report_facts` returns them, for the report's tests."""

from __future__ import annotations

from store.helpers import SEC, T0


def generation(trace: str, session: str, cost: float | None, usage: dict, *, model: str = "m",
       detail: dict | None = None, start: int = 0) -> dict:
    return {"type": "generation", "name": model, "model": model, "start_ns": T0 + start,
            "end_ns": T0 + start + SEC, "level": "DEFAULT", "usage": usage,
            "cost": detail, "cost_total": cost, "trace_id": trace, "session_id": session,
            "project": "p"}


def tool(name: str, ms: int, failed: bool = False, session: str = "s1") -> dict:
    return {"type": "tool", "name": name, "model": None, "start_ns": T0,
            "end_ns": T0 + ms * 1_000_000, "level": "ERROR" if failed else "DEFAULT",
            "usage": None, "cost_total": None, "session_id": session, "project": "p"}
