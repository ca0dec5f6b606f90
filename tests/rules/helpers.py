"""Small builders for rule tests: a tool observation inside a one-turn trace."""

from __future__ import annotations

from typing import Any

from cctrace.model.types import Observation, Trace

CWD = "/home/dev/work/app"
BASE_NS = 1_700_000_000 * 10**9


def call(tool: str, tool_input: dict[str, Any] | None = None, output: Any = None, *,
         n: int = 1, session: str = "s1", cwd: str = CWD, branch: str = "feature/x",
         minutes: float = 0, permission_mode: str | None = None) -> Trace:
    start = BASE_NS + int(minutes * 60 * 10**9) + n
    obs = Observation(id=f"{n:016x}", trace_id=f"{n:032x}", parent_id="f" * 16, type="tool",
                      name=tool, start_ns=start, end_ns=start, input=tool_input or {},
                      output=output, metadata={"tool_use_id": f"toolu_{session}_{n}"})
    meta: dict[str, Any] = {"cwd": cwd, "git_branch": branch}
    if permission_mode:
        meta["permission_mode"] = permission_mode
    return Trace(id=f"{n:032x}", session_id=session, name="turn", start_ns=start - 1,
                 end_ns=start, metadata=meta, observations=[obs])


def bash(command: str, **kw: Any) -> Trace:
    return call("Bash", {"command": command, "description": "run"}, **kw)
