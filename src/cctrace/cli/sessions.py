"""`cctrace sessions` and `cctrace show`: the local store, read back for a human or a script.

`sessions` lists sessions, most recently active first, with turns, tokens, cost and errors;
`show SESSION` prints one session as a tree (turns > generations and tools, subagents
nested) or, with `--json`, as a document end-to-end tests parse. Formatting is pure
functions over store objects; only the `run_*` functions touch the store and stdout.
Lines are kept within 100 columns, long strings cut with an ellipsis.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from datetime import datetime
from typing import Any, TextIO

from cctrace.cli.main import CliError
from cctrace.model.types import Observation
from cctrace.redact.cut import cut_text
from cctrace.store.db import Store
from cctrace.store.sessions import AmbiguousSession, ObservationNode, SessionSummary, TraceView

WIDTH = 100
ID_WIDTH = 8
_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 7 * 86400}


def register(subparsers: Any) -> None:
    p = subparsers.add_parser(
        "sessions",
        help="list recorded Claude Code sessions",
        description="List recorded sessions, most recently active first.",
    )
    p.add_argument("--project", metavar="P", help="only sessions of this project (name or cwd)")
    p.add_argument("--since", metavar="DATE",
                   help="only sessions active since DATE (2026-01-31, 2026-01-31T09:00, "
                   "or a span back from now: 30m, 12h, 7d, 2w)")
    p.add_argument("--model", metavar="M",
                   help="only sessions that used a model whose id contains M (e.g. opus)")
    p.add_argument("--min-cost", metavar="USD", type=float,
                   help="only sessions that cost at least USD")
    p.add_argument("--limit", metavar="N", type=int, help="at most N sessions")
    p.add_argument("--json", action="store_true", help="print JSON instead of a table")
    p.set_defaults(func=run_sessions)

    s = subparsers.add_parser(
        "show",
        help="show one session as a tree of turns, generations and tools",
        description="Show one session: its turns, with generations, tools and subagents "
        "nested, durations, tokens, cost and errors.",
    )
    s.add_argument("session", metavar="SESSION", help="session id or a unique prefix of it")
    s.add_argument("--json", action="store_true", help="print JSON instead of a tree")
    s.set_defaults(func=run_show)


# -- pure helpers ------------------------------------------------------------------------


def parse_since(text: str, now_ns: int) -> int:
    """`--since` as epoch ns: a relative span (`7d`) back from `now_ns`, or an ISO date/time.

    A date or time without a zone is local time, as a user typing it means.
    """
    value = text.strip()
    m = re.fullmatch(r"(\d+)\s*([smhdw])", value, re.IGNORECASE)
    if m:
        return now_ns - int(m.group(1)) * _UNITS[m.group(2).lower()] * 1_000_000_000
    try:
        dt = datetime.fromisoformat(value.replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        raise CliError(
            f"--since: cannot read {text!r}; use a date like 2026-01-31, a time like "
            "2026-01-31T09:00, or a span like 12h or 7d", code=2
        ) from None
    if dt.tzinfo is None:
        dt = dt.astimezone()  # naive -> local zone
    return int(dt.timestamp()) * 1_000_000_000 + dt.microsecond * 1000


def cut(text: Any, width: int) -> str:
    """One line of at most `width` characters; newlines flattened, overflow marked '…'."""
    s = text if isinstance(text, str) else json.dumps(text, ensure_ascii=False, default=str)
    s = " ".join(s.split())
    if width <= 0:
        return ""
    return cut_text(s, max(width - 1, 0), "…") if len(s) > width else s


def fit(line: str, width: int = WIDTH) -> str:
    """A formatted line cut to `width` (its layout spaces kept)."""
    return line if len(line) <= width else line[: width - 1] + "…"


def fmt_time(ns: int, with_date: bool = True) -> str:
    dt = datetime.fromtimestamp(ns / 1e9).astimezone()
    return dt.strftime("%Y-%m-%d %H:%M" if with_date else "%H:%M:%S")


def fmt_duration(ns: int) -> str:
    from cctrace.report.fmt import ms

    return ms(max(ns, 0) / 1e6)


def fmt_tokens(n: int) -> str:
    if n < 1000:
        return str(n)
    if n < 1_000_000:
        return f"{n / 1000:.1f}k"
    return f"{n / 1_000_000:.1f}M"


def fmt_cost(cost: float | None) -> str:
    if cost is None:
        return "-"
    return f"${cost:.4f}" if cost < 1 else f"${cost:.2f}"


def id_width(ids: list[str], minimum: int = ID_WIDTH) -> int:
    """The shortest prefix length (at least `minimum`) that tells the listed ids apart."""
    longest = max((len(i) for i in ids), default=minimum)
    for n in range(minimum, longest):
        if len({i[:n] for i in ids}) == len(ids):
            return n
    return max(longest, minimum)


def filter_sessions(rows: list[SessionSummary], model: str | None = None,
                    min_cost: float | None = None) -> list[SessionSummary]:
    """Sessions that used a model containing `model` (any case) and cost at least
    `min_cost` (an unpriced session has no cost and never passes a cost filter)."""
    out = rows
    if model:
        needle = model.strip().lower()
        out = [s for s in out if any(needle in m.lower() for m in s.models)]
    if min_cost is not None:
        out = [s for s in out if s.cost is not None and s.cost >= min_cost]
    return out


def sessions_table(rows: list[SessionSummary]) -> list[str]:
    """The `cctrace sessions` table, one line per session."""
    iw = id_width([s.id for s in rows])
    pw = max(10, 22 - (iw - ID_WIDTH))  # a longer id column takes room from the project
    head = (f"{'SESSION':<{iw}}  {'PROJECT':<{pw}}  {'STARTED':<16}  {'LAST':<16}  "
            f"{'TURNS':>5}  {'TOKENS':>7}  {'COST':>9}  {'ERR':>3}")
    lines = [head]
    for s in rows:  # a '*' after the cost: some of the session's tokens are unpriced
        lines.append(
            f"{s.id[:iw]:<{iw}}  {cut(s.project or '-', pw):<{pw}}  "
            f"{fmt_time(s.first_ns):<16}  {fmt_time(s.last_ns):<16}  {s.turns:>5}  "
            f"{fmt_tokens(sum(s.tokens.values())):>7}  "
            f"{fmt_cost(s.cost) + ('*' if s.unpriced_tokens else ''):>9}  {s.errors:>3}"
        )
    unpriced = [s for s in rows if s.unpriced_tokens]
    if unpriced:
        n = sum(s.unpriced_tokens for s in unpriced)
        m = sum(sum(s.tokens.values()) for s in rows)
        models = sorted({m for s in unpriced for m in s.unpriced_models})
        lines.append(f"{n} tokens of {m} unpriced ({', '.join(models)}): "
                     "price them under [prices] in config.toml")
    return [fit(line) for line in lines]


def cost_text(session: SessionSummary) -> str:
    """The session's cost, whose count it is, and what it leaves out."""
    text = fmt_cost(session.cost)
    if session.cost_source:
        text += f" ({session.cost_source})"
    if session.unpriced_tokens:
        text += (f", {session.unpriced_tokens} tokens of {sum(session.tokens.values())} "
                 f"unpriced")
    return text


def _usage_text(usage: dict[str, int] | None) -> str:
    if not usage:
        return ""
    short = {"input": "in", "output": "out", "input_cache_read": "cache_read",
             "input_cache_creation": "cache_write", "input_cache_creation_1h": "cache_write_1h"}
    return " ".join(f"{short.get(k, k)} {fmt_tokens(v)}" for k, v in usage.items()
                    if isinstance(v, int) and v)


def observation_line(obs: Observation) -> str:
    """One tree line for an observation (without indentation)."""
    kind = {"generation": "gen", "tool": "tool", "agent": "agent"}.get(obs.type, obs.type)
    label = obs.model or obs.name if obs.type == "generation" else obs.name
    parts = [f"{kind} {cut(label, 60)}", fmt_duration(obs.end_ns - obs.start_ns)]
    usage = _usage_text(obs.usage)
    if usage:
        parts.append(usage)
    if obs.cost and obs.cost.get("total") is not None:
        parts.append(fmt_cost(obs.cost["total"]))
    if obs.level in ("ERROR", "WARNING"):
        mark = "!! ERROR" if obs.level == "ERROR" else "! WARNING"
        parts.append(f"{mark}: {cut(obs.status_message, WIDTH)}" if obs.status_message else mark)
    return "  ".join(parts)


def _tree_lines(nodes: list[ObservationNode], depth: int) -> list[str]:
    lines = []
    for node in nodes:
        lines.append(fit("  " * depth + observation_line(node.observation)))
        lines += _tree_lines(node.children, depth + 1)
    return lines


def _n(count: int, noun: str) -> str:
    return f"{count} {noun}" + ("" if count == 1 else "s")


def show_text(session: SessionSummary, views: list[TraceView]) -> list[str]:
    """The `cctrace show` tree."""
    head = f"Session {session.id}"
    if session.project:
        head += f"  {session.project}"
    lines = [fit(head)]
    facts = [p for p in (
        session.cwd, f"branch {session.git_branch}" if session.git_branch else "",
        f"Claude Code {session.cc_version}" if session.cc_version else "",
        ", ".join(session.models),
    ) if p]
    if facts:
        lines.append(fit("  " + " · ".join(facts)))
    lines.append(fit(
        f"  {fmt_time(session.first_ns)} -> {fmt_time(session.last_ns)} "
        f"({fmt_duration(session.last_ns - session.first_ns)})"))
    lines.append(fit(
        f"  {_n(session.turns, 'turn')} · {_n(session.generations, 'generation')} · "
        f"{_n(session.tool_calls, 'tool call')} · {_n(session.errors, 'error')} · "
        f"{fmt_tokens(sum(session.tokens.values()))} tokens · {cost_text(session)}"))
    for n, view in enumerate(views, 1):
        t = view.trace
        state = "" if view.complete else "  [running]"
        lines.append("")
        lines.append(fit(f"Turn {n}  {fmt_time(t.start_ns, with_date=False)}  "
                         f"{fmt_duration(t.end_ns - t.start_ns)}  {cut(t.name, WIDTH)}{state}"))
        if t.input is not None:
            lines.append(fit(f"  > {cut(t.input, WIDTH)}"))
        lines += _tree_lines(view.roots, 1)
        if t.output is not None:
            lines.append(fit(f"  < {cut(t.output, WIDTH)}"))
    return lines


def observation_dict(obs: Observation) -> dict[str, Any]:
    return {
        "id": obs.id, "trace_id": obs.trace_id, "parent_id": obs.parent_id, "type": obs.type,
        "name": obs.name, "start_ns": obs.start_ns, "end_ns": obs.end_ns, "level": obs.level,
        "status_message": obs.status_message, "model": obs.model,
        "model_parameters": obs.model_parameters, "usage": obs.usage, "cost": obs.cost,
        "completion_start_ns": obs.completion_start_ns, "input": obs.input,
        "output": obs.output, "metadata": obs.metadata,
    }


def show_json(session: SessionSummary, views: list[TraceView]) -> dict[str, Any]:
    """The `cctrace show --json` document; observations flat, sorted by start time."""
    return {
        "session": session.to_dict(),
        "traces": [
            {
                "id": v.trace.id, "name": v.trace.name, "start_ns": v.trace.start_ns,
                "end_ns": v.trace.end_ns, "complete": v.complete, "input": v.trace.input,
                "output": v.trace.output, "user_id": v.trace.user_id, "tags": v.trace.tags,
                "environment": v.trace.environment, "release": v.trace.release,
                "metadata": v.trace.metadata,
                "observations": [observation_dict(o) for o in v.observations],
            }
            for v in views
        ],
    }


# -- commands ----------------------------------------------------------------------------


def check_prices() -> None:
    """Refuse to show costs priced without the user's `[prices]` when that table is wrong:
    the error names the file and the entry (the views would otherwise quietly use the
    table's prices instead of the user's)."""
    from cctrace import config as config_mod

    try:
        config_mod.load(keychain=False)
    except config_mod.ConfigError as exc:
        raise CliError(f"{exc} (costs are priced with it; fix it or remove it)") from None


def _emit(lines: list[str], out: TextIO) -> None:
    out.write("\n".join(lines) + "\n")


def run_sessions(args: argparse.Namespace, out: TextIO | None = None) -> int:
    out = out or sys.stdout
    if args.limit is not None and args.limit < 1:
        raise CliError("--limit must be at least 1", code=2)
    since = parse_since(args.since, time.time_ns()) if args.since else None
    model, min_cost = getattr(args, "model", None), getattr(args, "min_cost", None)
    filtered = bool(model) or min_cost is not None
    check_prices()
    with Store.open() as store:
        # The filters are applied after reading, so the limit must be too.
        rows = store.sessions(limit=None if filtered else args.limit, project=args.project,
                              since_ns=since)
    if filtered:
        rows = filter_sessions(rows, model, min_cost)[: args.limit]
    if args.json:
        json.dump({"sessions": [s.to_dict() for s in rows]}, out, ensure_ascii=False, indent=2)
        out.write("\n")
    elif not rows:
        out.write("no sessions recorded yet\n" if not (args.project or since or filtered)
                  else "no sessions match\n")
    else:
        _emit(sessions_table(rows), out)
    return 0


def run_show(args: argparse.Namespace, out: TextIO | None = None) -> int:
    out = out or sys.stdout
    check_prices()
    with Store.open() as store:
        try:
            session_id = store.find_session(args.session)
        except AmbiguousSession as exc:
            raise CliError(
                f"{args.session!r} matches several sessions: {', '.join(exc.matches[:10])}"
                f"{' …' if len(exc.matches) > 10 else ''}; give more of the id"
            ) from None
        if session_id is None:
            raise CliError(f"no session matches {args.session!r} (see `cctrace sessions`)")
        summary = store.session(session_id)
        views = store.session_tree(session_id)
    if summary is None:  # removed between the two reads
        raise CliError(f"session {session_id} disappeared while reading it")
    if args.json:
        json.dump(show_json(summary, views), out, ensure_ascii=False, indent=2)
        out.write("\n")
    else:
        _emit(show_text(summary, views), out)
    return 0
