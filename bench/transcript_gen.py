"""Generate a realistic Claude Code transcript of a given size, for benchmarks.

Turns are taken from a real transcript (`--from FILE`, e.g. a recorded fixture) or from a
built-in 2.1.x-shaped template (prompt, streamed thinking/text/tool_use records sharing a
message id, parallel Bash/Read calls with large outputs, attachments, a stop-hook summary,
a queue operation), then repeated with fresh uuids, message ids and tool_use ids and
shifted timestamps, so every turn is distinct for the builder and the store.

    python bench/transcript_gen.py OUT.jsonl (--mb 100 | --turns 10000) [--from fixture.jsonl]
        [--seed 1]
"""

from __future__ import annotations

import argparse
import functools
import json
import os
import random
import sys
from datetime import datetime, timedelta, timezone
from typing import Any

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "src"))

# From model.build (which re-exports it), not model.turns: bench/pipeline_ab.py runs this
# module against older trees too.
from cctrace.model.build import split_turns  # noqa: E402
from cctrace.transcript.reader import read_new  # noqa: E402

ID_KEYS = frozenset({"uuid", "parentUuid", "logicalParentUuid", "requestId", "promptId",
                     "id", "tool_use_id", "sourceToolAssistantUUID", "toolUseID",
                     "parentToolUseID", "leafUuid", "messageId"})
T0 = datetime(2026, 1, 1, 9, 0, 0, tzinfo=timezone.utc)
WORDS = ("def class return import self value total index config parse record trace "
         "session error buffer offset cursor stream token model tool agent").split()


def _iso(dt: datetime) -> str:
    return dt.strftime("%Y-%m-%dT%H:%M:%S.") + f"{dt.microsecond // 1000:03d}Z"


def _filler(rng: random.Random, size: int) -> str:
    lines, total = [], 0
    while total < size:
        line = " ".join(rng.choice(WORDS) for _ in range(rng.randint(4, 14)))
        lines.append(line)
        total += len(line) + 1
    return "\n".join(lines)[:size]


def template_turn(rng: random.Random) -> list[dict[str, Any]]:
    """One turn shaped like Claude Code 2.1.x records, with large tool outputs."""
    base = {"isSidechain": False, "userType": "external", "cwd": "/home/dev/project",
            "sessionId": "bench-session", "version": "2.1.328", "gitBranch": "main",
            "entrypoint": "sdk-cli"}
    usage = {"input_tokens": 12, "output_tokens": 180, "cache_read_input_tokens": 24000,
             "cache_creation_input_tokens": 900,
             "cache_creation": {"ephemeral_5m_input_tokens": 900, "ephemeral_1h_input_tokens": 0},
             "service_tier": "standard"}
    t = 0.0

    def rec(kind: str, **fields: Any) -> dict[str, Any]:
        nonlocal t
        t += rng.uniform(0.05, 1.5)
        return {**base, "parentUuid": "p", "type": kind, "uuid": f"u{rng.random()}",
                "timestamp": _iso(T0 + timedelta(seconds=t)), **fields}

    def assistant(mid: str, blocks: list[dict[str, Any]], stop: str) -> list[dict[str, Any]]:
        return [rec("assistant", requestId=f"req_{mid}", message={
            "id": mid, "type": "message", "role": "assistant",
            "model": "claude-sonnet-4-5-20250929", "content": [b],
            "stop_reason": stop if i == len(blocks) - 1 else None, "stop_sequence": None,
            "usage": usage}) for i, b in enumerate(blocks)]

    out = [rec("user", message={"role": "user", "content": _filler(rng, rng.randint(80, 600))},
               permissionMode="bypassPermissions", promptId="prompt")]
    out.append(rec("attachment", attachment={"type": "date", "content": "today"}))
    out.append({"type": "queue-operation", "operation": "dequeue",
                "timestamp": out[-1]["timestamp"], "sessionId": "bench-session"})
    for step in range(rng.randint(1, 4)):
        tools = [{"type": "tool_use", "id": f"toolu_{step}_{k}", "name": name,
                  "input": {"command": "grep -rn x ."} if name == "Bash" else
                  {"file_path": f"/home/dev/project/src/m{k}.py"}}
                 for k, name in enumerate(rng.sample(["Bash", "Read", "Read"], 2))]
        out += assistant(f"msg_{step}", [
            {"type": "thinking", "thinking": _filler(rng, rng.randint(100, 1500)),
             "signature": "S" * 300},
            {"type": "text", "text": _filler(rng, rng.randint(40, 300))}, *tools], "tool_use")
        for tool in tools:
            body = _filler(rng, int(rng.lognormvariate(9.5, 1.2)))
            out.append(rec("user", message={"role": "user", "content": [
                {"tool_use_id": tool["id"], "type": "tool_result", "content": body,
                 "is_error": rng.random() < 0.05}]},
                toolUseResult={"stdout": body[:2000], "stderr": "", "interrupted": False},
                sourceToolAssistantUUID="x"))
    out += assistant("msg_final", [{"type": "text", "text": _filler(rng, 600)}], "end_turn")
    out.append(rec("system", subtype="stop_hook_summary", hookCount=1,
                   hookInfos=[{"command": "hook", "durationMs": 20}], level="suggestion"))
    return out


def morph(value: Any, suffix: str, shift: timedelta) -> Any:
    """Copy of a record with every id made unique by `suffix` and times moved by `shift`."""
    if isinstance(value, dict):
        out = {}
        for key, item in value.items():
            if key in ID_KEYS and isinstance(item, str):
                out[key] = f"{item}-{suffix}"
            elif key == "timestamp" and isinstance(item, str):
                try:
                    dt = datetime.fromisoformat(item.replace("Z", "+00:00"))
                    out[key] = _iso(dt + shift)
                except ValueError:
                    out[key] = item
            else:
                out[key] = morph(item, suffix, shift)
        return out
    if isinstance(value, list):
        return [morph(v, suffix, shift) for v in value]
    return value


@functools.lru_cache(maxsize=4)
def turns_from(path: str) -> list[list[dict[str, Any]]]:
    """The source's turns as raw records (cached: appenders call this once per turn; the
    records are only read, `morph` copies them)."""
    _, turns = split_turns(read_new(path).records)
    return [[r.data for r in turn] for turn in turns if turn]


def generate(out_path: str, size_bytes: int | None, source: str | None = None, seed: int = 1,
             append: bool = False, start_index: int = 0, turns: int | None = None,
             time_offset: timedelta = timedelta(0)) -> int:
    """Write turns to `out_path` until it holds `size_bytes`, or until `turns` more turns
    are written when `size_bytes` is None; returns the next turn index.

    Turn `i` is moved `time_offset + 5 min * i` from its source (a negative offset keeps a
    long session in the past, where the worker judges its turns)."""
    if (size_bytes is None) == (turns is None):
        raise ValueError("give exactly one of size_bytes and turns")
    rng = random.Random(seed)
    templates = turns_from(source) if source else []
    written = os.path.getsize(out_path) if append and os.path.exists(out_path) else 0
    index = start_index
    with open(out_path, "ab" if append else "wb") as fh:
        while (written < size_bytes if size_bytes is not None
               else index - start_index < turns):
            turn = rng.choice(templates) if templates else template_turn(rng)
            shift = time_offset + timedelta(minutes=5 * index)
            for record in turn:
                line = json.dumps(morph(record, f"g{seed}x{index}", shift)).encode() + b"\n"
                fh.write(line)
                written += len(line)
            index += 1
    return index


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out")
    size = ap.add_mutually_exclusive_group()
    size.add_argument("--mb", type=float, default=None, help="size to reach (default 10)")
    size.add_argument("--turns", type=int, help="number of turns to write instead of a size")
    ap.add_argument("--from", dest="source")
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args(argv)
    size = None if args.turns else int((args.mb or 10.0) * 1024 * 1024)
    turns = generate(args.out, size, args.source, args.seed, turns=args.turns)
    print(f"{args.out}: {os.path.getsize(args.out) / 1048576:.1f} MB, {turns} turns")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
