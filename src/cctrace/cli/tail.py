"""`cctrace tail`: a live stream of what Claude Code does, one line per step, redacted.

It follows the store, never the spool: spool files hold raw hook payloads, while every
observation in the store has passed the capture policy and the redactor. So the stream
shows exactly what cctrace keeps (at `capture.level = full` that is unredacted content, by
the user's choice). Each model call, tool call, subagent, event and finished turn prints
as it is stored: time, session, project, kind, duration, tokens, cost, errors, and a short
preview of a tool's input. Formatting is pure (`tail_line`); `follow` polls the store.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable
from datetime import datetime
from typing import Any, TextIO

from cctrace.cli.main import CliError
from cctrace.cli.sessions import cut, fit, observation_dict, observation_line
from cctrace.model.types import Observation

POLL_S = 0.5
PREVIEW = 48
# Wider than `cctrace sessions`: a step carries a preview and an error on one line.
WIDTH = 140
_PREVIEW_KEYS = ("command", "file_path", "path", "pattern", "url", "query", "description",
                 "prompt", "notebook_path")


def register(subparsers: Any) -> None:
    p = subparsers.add_parser(
        "tail", help="follow what Claude Code does, live (redacted, from the store)",
        description="Print model calls, tool calls, subagents and finished turns as the "
        "worker stores them. Content is what the store keeps: redacted by the capture "
        "policy. Ctrl-C stops.")
    p.add_argument("-n", "--lines", type=int, default=0, metavar="N",
                   help="first show the last N stored steps (default 0)")
    p.add_argument("--session", metavar="ID", help="only this session (id or unique prefix)")
    p.add_argument("--no-follow", action="store_true",
                   help="print what is stored and exit instead of waiting for more")
    p.add_argument("--json", action="store_true", help="one JSON object per line")
    p.add_argument("--interval", type=float, default=POLL_S, metavar="S",
                   help=f"how often to look for new steps (default {POLL_S}s)")
    p.set_defaults(func=run)


def tool_preview(value: Any) -> str:
    """A short, one-line hint of a tool's (already redacted) input."""
    if isinstance(value, dict):
        for key in _PREVIEW_KEYS:
            if isinstance(value.get(key), str) and value[key]:
                return cut(value[key], PREVIEW)
        return cut(value, PREVIEW) if value else ""
    if value in (None, ""):
        return ""
    return cut(value, PREVIEW)


def tail_line(session_id: str, project: str | None, obs: Observation) -> str:
    """One stream line for a stored observation."""
    stamp = datetime.fromtimestamp(obs.start_ns / 1e9).astimezone().strftime("%H:%M:%S")
    head = f"{stamp}  {session_id[:8]}  {cut(project or '-', 12):<12}  "
    if obs.type == "agent" and obs.parent_id is None:
        # The root of a turn is stored when the turn is over.
        text = f"turn done  {_secs(obs)}"
        if obs.input is not None:
            text += f"  > {cut(obs.input, PREVIEW)}"
        return fit(width=WIDTH, line=head + text)
    if obs.type == "generation":
        return fit(width=WIDTH, line=head + generation_text(obs))
    if obs.type == "tool":
        # The input first: the error message is often long and would push it off the line.
        parts = [f"tool {cut(obs.name, 30)}", _secs(obs)]
        preview = tool_preview(obs.input)
        if preview:
            parts.append(f"> {preview}")
        if obs.level == "ERROR":
            parts.append(f"!! ERROR: {cut(obs.status_message or '', 60)}".rstrip(": "))
        return fit(width=WIDTH, line=head + "  ".join(parts))
    return fit(width=WIDTH, line=head + observation_line(obs))


def generation_text(obs: Observation) -> str:
    """A model call in brief: model, duration, tokens (in/out/cache read/cache write), cost."""
    from cctrace.cli.sessions import fmt_cost, fmt_tokens

    usage = obs.usage or {}
    short = (("input", "in"), ("output", "out"), ("input_cache_read", "cache r"),
             ("input_cache_creation", "cache w"))
    tokens = " ".join(f"{label} {fmt_tokens(usage[k])}" for k, label in short
                      if isinstance(usage.get(k), int) and usage[k])
    model = obs.model or obs.name
    model = model[len("claude-"):] if model.startswith("claude-") else model
    cost = fmt_cost(obs.cost["total"]) if obs.cost and obs.cost.get("total") is not None \
        else ""
    parts = [f"gen {cut(model, 24)}", _secs(obs), cost, tokens]
    if obs.level == "ERROR":
        parts.append(f"!! ERROR: {cut(obs.status_message or '', 40)}")
    return "  ".join(p for p in parts if p)


def _secs(obs: Observation) -> str:
    from cctrace.cli.sessions import fmt_duration

    return fmt_duration(obs.end_ns - obs.start_ns)


def follow(
    store: Any,
    emit: Callable[[int, str, str | None, Observation], None],
    *,
    start_rowid: int,
    session_id: str | None = None,
    interval: float = POLL_S,
    keep_going: Callable[[], bool] = lambda: True,
    sleep: Callable[[float], None] = time.sleep,
) -> int:
    """Emit every observation stored after `start_rowid` (of one session if given), then
    keep polling while `keep_going()`. Returns the last rowid seen."""
    rowid = start_rowid
    while True:
        batch = store.observations_after(rowid)
        for rid, sid, project, obs in batch:
            rowid = rid
            if session_id is None or sid == session_id:
                emit(rid, sid, project, obs)
        if batch:
            continue
        if not keep_going():
            return rowid
        sleep(interval)


def start_for_last(store: Any, latest: int, n: int, session_id: str | None) -> int:
    """The rowid to follow from so that the last `n` stored steps are shown first.

    Rowids grow with every insert; gaps (purged rows) only mean fewer lines. For one
    session the window widens until it holds `n` of its steps or reaches the start.
    """
    window = n
    while True:
        low = max(latest - window, 0)
        rows = [r for r in store.observations_after(low, limit=window)
                if session_id is None or r[1] == session_id]
        if len(rows) >= n or low == 0:
            return rows[-n][0] - 1 if len(rows) >= n else low
        window *= 4


def run(args: argparse.Namespace, out: TextIO | None = None) -> int:
    from cctrace.store.db import Store
    from cctrace.store.sessions import AmbiguousSession

    out = out or sys.stdout
    if args.lines < 0:
        raise CliError("--lines must be 0 or more", code=2)
    if args.interval <= 0:
        raise CliError("--interval must be positive", code=2)

    def emit(rid: int, sid: str, project: str | None, obs: Observation) -> None:
        if args.json:
            out.write(json.dumps({"session_id": sid, "project": project,
                                  **observation_dict(obs)}, ensure_ascii=False,
                                 default=str) + "\n")
        else:
            out.write(tail_line(sid, project, obs) + "\n")
        out.flush()

    with Store.open() as store:
        session_id = None
        if args.session:
            try:
                session_id = store.find_session(args.session)
            except AmbiguousSession as exc:
                raise CliError(f"{args.session!r} matches several sessions") from exc
            if session_id is None:
                # A session that has not started yet: match it exactly when it does.
                session_id = args.session.strip()
        latest = store.latest_observation_rowid()
        start = start_for_last(store, latest, args.lines, session_id) if args.lines else latest
        if not args.no_follow and not args.json:
            print(f"following {store.path} (Ctrl-C stops)", file=sys.stderr)
        try:
            follow(store, emit, start_rowid=start, session_id=session_id,
                   interval=args.interval, keep_going=lambda: not args.no_follow)
        except KeyboardInterrupt:
            return 0
    return 0
