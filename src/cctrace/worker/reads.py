"""What one read of a transcript takes from the store and leaves for the next read.

`hook_infos` gives the builder the hook facts (durations, outcomes) of the read's tool
calls, looked up by their `tool_use` ids; `resume_offset` says where the next read starts
over: the open turn, else the last turn's prompt.
"""

from __future__ import annotations

from collections.abc import Iterable

from cctrace.model.context import ToolHookInfo
from cctrace.model.turns import split_turns
from cctrace.store.db import Store
from cctrace.transcript.records import Record


def tool_use_ids(records: Iterable[Record]) -> set[str]:
    ids: set[str] = set()
    for rec in records:
        if rec.type == "assistant":
            for block in rec.content:
                if block.get("type") == "tool_use" and isinstance(block.get("id"), str):
                    ids.add(block["id"])
    return ids


def hook_infos(store: Store, records: list[Record]) -> dict[str, ToolHookInfo]:
    fields = ToolHookInfo.__dataclass_fields__
    return {
        tool_id: ToolHookInfo(**{k: v for k, v in info.items() if k in fields})
        for tool_id, info in store.hook_tools(tool_use_ids(records)).items()
    }


def resume_offset(records: list[Record], open_turn: int | None, final: bool) -> int | None:
    """Where the next read starts over: the open turn, else the last turn's prompt.

    A complete last turn is still re-read until the next prompt or the session's end,
    because Claude Code writes some of its records (the stop-hook summary) after the Stop
    event that woke us; ids are stable, so re-reading it only adds what was missing.
    """
    if open_turn is not None or final:
        return open_turn
    _, turns = split_turns([r for r in records if not r.is_sidechain])
    return turns[-1][0].offset if turns and turns[-1] else None
