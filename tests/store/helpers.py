"""Builders of small, redaction-marked traces for store and CLI tests."""

from __future__ import annotations

from cctrace.model.ids import span_id, trace_id
from cctrace.model.types import Observation, Trace
from cctrace.redact.stage import NullRedactor, redact_traces

SEC = 1_000_000_000
T0 = 1_767_225_600 * SEC  # 2026-01-01T00:00:00Z


def turn(
    session: str,
    key: str,
    start: int = T0,
    *,
    cwd: str = "/home/u/src/myproj",
    model: str = "claude-sonnet-4-5-20250929",
    complete: bool = True,
    tool_error: bool = False,
    subagent: bool = False,
    redact: bool = True,
    version: str = "2.1.328",
    branch: str = "main",
) -> Trace:
    """One turn: root agent > generation, tool (optionally failing), optional subagent."""
    tid = trace_id(key)
    root = span_id("turn", key)
    gen = Observation(
        id=span_id("gen", key), trace_id=tid, parent_id=root, type="generation",
        name=model, start_ns=start + 1 * SEC, end_ns=start + 3 * SEC, model=model,
        input=[{"role": "user", "content": f"prompt {key}"}], output={"text": "ok"},
        usage={"input": 1000, "output": 500, "input_cache_read": 20000},
        cost={"input": 0.003, "output": 0.0075, "input_cache_read": 0.006, "total": 0.0165},
    )
    tool = Observation(
        id=span_id("tool", key), trace_id=tid, parent_id=root, type="tool", name="Bash",
        start_ns=start + 4 * SEC, end_ns=start + 5 * SEC, input={"command": "ls"},
        output="a\nb", level="ERROR" if tool_error else "DEFAULT",
        status_message="exit code 1" if tool_error else None,
    )
    obs = [gen, tool]
    if subagent:
        agent = Observation(
            id=span_id("agent", key), trace_id=tid, parent_id=root, type="agent",
            name="Agent: explore", start_ns=start + 6 * SEC, end_ns=start + 9 * SEC,
        )
        sub_gen = Observation(
            id=span_id("subgen", key), trace_id=tid, parent_id=agent.id, type="generation",
            name=model, start_ns=start + 7 * SEC, end_ns=start + 8 * SEC, model=model,
            usage={"input": 10, "output": 5}, cost={"input": 3e-05, "output": 7.5e-05,
                                                   "total": 0.000105},
        )
        obs += [agent, sub_gen]
    end = start + 10 * SEC
    if complete:
        obs.insert(0, Observation(
            id=root, trace_id=tid, parent_id=None, type="agent", name="Claude Code",
            start_ns=start, end_ns=end, input=f"prompt {key}", output="final answer",
        ))
    trace = Trace(
        id=tid, session_id=session, name=f"turn {key}", start_ns=start,
        end_ns=end if complete else start + 5 * SEC,
        input=f"prompt {key}", output="final answer" if complete else None,
        metadata={"cwd": cwd, "git_branch": branch, "claude_code_version": version},
        observations=obs, complete=complete,
    )
    return redact_traces([trace], NullRedactor())[0] if redact else trace
