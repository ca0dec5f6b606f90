"""The shapes every stage after parsing agrees on: `Trace` and `Observation`.

These follow Langfuse's data model (see shared/reference/langfuse.md): a trace is one user
turn of a Claude Code session; its root observation (type `agent`) holds the prompt and the
final answer; generations, tools, nested agents and events hang below it. Times are integer
nanoseconds since the epoch taken from the transcript, never from processing time.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

OBSERVATION_TYPES = ("agent", "generation", "tool", "event", "span", "chain")
LEVELS = ("DEBUG", "DEFAULT", "WARNING", "ERROR")


@dataclass
class Observation:
    """One span of a trace. `parent_id` None marks the trace's root."""

    id: str  # 16 lowercase hex chars (OTel span id)
    trace_id: str  # 32 lowercase hex chars (OTel trace id)
    parent_id: str | None
    type: str  # one of OBSERVATION_TYPES
    name: str
    start_ns: int
    end_ns: int
    input: Any = None
    output: Any = None
    level: str = "DEFAULT"
    status_message: str | None = None
    model: str | None = None
    model_parameters: dict[str, Any] | None = None
    # Langfuse price keys: input, output, input_cache_read, input_cache_creation, ...
    usage: dict[str, int] | None = None
    # Filled by the cost stage from the shipped price table (USD per usage key + "total").
    cost: dict[str, float] | None = None
    completion_start_ns: int | None = None
    metadata: dict[str, Any] = field(default_factory=dict)


@dataclass
class Trace:
    """One user turn of one session, with all of its observations (root first)."""

    id: str  # 32 lowercase hex chars
    session_id: str
    name: str
    start_ns: int
    end_ns: int
    input: Any = None
    output: Any = None
    user_id: str | None = None
    tags: list[str] = field(default_factory=list)
    environment: str = "default"
    release: str | None = None
    metadata: dict[str, Any] = field(default_factory=dict)
    observations: list[Observation] = field(default_factory=list)
    # False while the turn is still running: its finished children are already emitted,
    # the root observation (end time, final answer) only once the turn is complete.
    complete: bool = True

    @property
    def root(self) -> Observation | None:
        for obs in self.observations:
            if obs.parent_id is None:
                return obs
        return None
