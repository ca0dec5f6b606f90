"""One statusline for Claude Code, from the worker's summary file; standard library only.

Runs under `python -I -S` each time Claude Code refreshes its status line, so it loads only
`os`, `sys`, `time` and the `_json`-based reader the hook uses; `subprocess` only when a
user's own statusline command is composed with ours (`--then CMD`: it gets the same stdin,
its first output line comes first). It reads no environment variable: the state dir comes
from `--state-dir` as `cctrace install --statusline` pinned it (else the account default).

Line: `cctrace · session $0.42 · today $3.10 · block $2.05 ($0.61/h, 2h13m left) · ⚠ 2
findings (high)`. Costs come from the summary the worker writes after each batch; without a
summary it says so, a session the worker has not seen yet shows `session -`, and tokens
without a known price are never silently left out (`session $0.42 + unpriced`). In those
cases Claude Code's own session cost (`cost.total_cost_usd` of its JSON) follows, labelled.
"""

from __future__ import annotations

import os
import sys
import time

from cctrace import statedir
from cctrace.spool import jsonlite

SUMMARY_FILE = "statusline.json"
SUMMARY_VERSION = 1
HOUR_NS = 3600 * 10**9
BLOCK_NS = 5 * HOUR_NS
MAX_SUMMARY_BYTES = 1024 * 1024
MAX_STDIN_BYTES = 1024 * 1024
THEIRS_TIMEOUT_S = 5.0
SEP = " · "


def summary_path(state_dir: str) -> str:
    return os.path.join(state_dir, SUMMARY_FILE)


def read_summary(state_dir: str) -> dict | None:
    """The summary document, or None when it is missing, too big or not ours."""
    try:
        with open(summary_path(state_dir), "rb") as fh:
            raw = fh.read(MAX_SUMMARY_BYTES + 1)
    except OSError:
        return None
    if len(raw) > MAX_SUMMARY_BYTES:
        return None
    doc = jsonlite.loads(raw.decode("utf-8", "replace"))
    if not isinstance(doc, dict) or doc.get("v") != SUMMARY_VERSION:
        return None
    return doc


def money(value: object) -> str:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return "-"
    return f"${value:,.2f}"


def left(ns: int) -> str:
    minutes = max(int(ns // 60_000_000_000), 0)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}h{minutes:02d}m" if hours else f"{minutes}m"


def _num(value: object) -> float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return float(value)


def block_part(block: object, now_ns: int) -> str:
    """`block $2.05 ($0.61/h, 2h13m left)`, or `no block` when none is active."""
    if not isinstance(block, dict):
        return "no block"
    start, end = _num(block.get("start_ns")), _num(block.get("end_ns"))
    first, last = _num(block.get("first_ns")), _num(block.get("last_ns"))
    cost = _num(block.get("cost"))
    if None in (start, end, first, last) or not (now_ns < end and now_ns - last < BLOCK_NS):
        return "no block"
    text = f"block {money(cost)}"
    extra = []
    if cost is not None and last > first:
        extra.append(f"{money(cost * HOUR_NS / (last - first))}/h")
    extra.append(f"{left(int(end - now_ns))} left")
    return f"{text} ({', '.join(extra)})"


def session_cost(session: object) -> str:
    """`$0.42`; `$0.42 + unpriced` when some tokens have no price; `unpriced` when none
    has; `-` for a session the worker has not summarised (yet)."""
    if not isinstance(session, dict):
        return "-"
    cost, unpriced = session.get("cost"), session.get("unpriced_tokens")
    if _num(cost) is None:
        return "unpriced" if _num(unpriced) else "-"
    return money(cost) + (" + unpriced" if _num(unpriced) else "")


def _claude_code_cost(payload: object) -> float | None:
    """`cost.total_cost_usd` of the JSON Claude Code sends, when it is a positive number."""
    cost = payload.get("cost") if isinstance(payload, dict) else None
    value = _num(cost.get("total_cost_usd")) if isinstance(cost, dict) else None
    return value if value is not None and value > 0 else None


def render(summary: dict | None, payload: object, now_ns: int, today: str) -> str:
    """Our part of the statusline (pure)."""
    if summary is None:
        return "cctrace · no data yet (the worker writes it after the first model call)"
    sid = payload.get("session_id") if isinstance(payload, dict) else None
    sessions = summary.get("sessions") if isinstance(summary.get("sessions"), dict) else {}
    session = sessions.get(sid) if isinstance(sid, str) else None
    parts = ["cctrace"]
    mine = session_cost(session)
    theirs = _claude_code_cost(payload)
    if theirs is not None and (mine == "-" or "unpriced" in mine):
        mine += f" (Claude Code: {money(theirs)})"  # its own figure, labelled as such
    parts.append(f"session {mine}")
    days = summary.get("days") if isinstance(summary.get("days"), dict) else {}
    parts.append(f"today {money(days.get(today, 0.0))}")
    parts.append(block_part(summary.get("block"), now_ns))
    if isinstance(session, dict):
        count = session.get("findings")
        if isinstance(count, int) and not isinstance(count, bool) and count > 0:
            worst = session.get("worst")
            noun = "finding" if count == 1 else "findings"
            parts.append(f"⚠ {count} {noun}" + (f" ({worst})" if isinstance(worst, str)
                                                 else ""))
    agent = summary.get("agent_tamper")
    if isinstance(agent, int) and not isinstance(agent, bool) and agent > 0:
        # Not tied to a session: an agent erasing its own trace shows in every session.
        parts.append(f"⚠ {agent} agent tamper finding{'' if agent == 1 else 's'} "
                     "(cctrace doctor)")
    return SEP.join(parts)


def compose(theirs: str, ours: str) -> str:
    """The user's statusline (its first line) followed by ours."""
    first = theirs.strip("\r\n").split("\n", 1)[0].rstrip()
    return f"{first}  {ours}" if first else ours


def run_theirs(command: str, stdin: bytes) -> str:
    """The output of the user's own statusline command, given the same stdin ('' on any
    failure: ours still shows)."""
    import subprocess

    try:
        done = subprocess.run(command, shell=True, input=stdin, stdout=subprocess.PIPE,
                              stderr=subprocess.DEVNULL, timeout=THEIRS_TIMEOUT_S)
    except (OSError, subprocess.SubprocessError):
        return ""
    return done.stdout.decode("utf-8", "replace")


def parse_args(argv: list[str]) -> tuple[str, str | None]:
    """(state dir, user's command or None) from `--state-dir=DIR` and `--then CMD`."""
    then = None
    for i, arg in enumerate(argv):
        if arg == "--then" and i + 1 < len(argv):
            then = argv[i + 1]
        elif arg.startswith("--then="):
            then = arg[len("--then="):]
    return statedir.pinned_arg(argv) or statedir.capture_default(), then


def main(argv: list[str], stdin: object = None, stdout: object = None,
         now_ns: int | None = None) -> int:
    stdin = stdin if stdin is not None else sys.stdin
    stdout = stdout if stdout is not None else sys.stdout
    state_dir, then = parse_args(argv)
    raw = b""
    try:
        if not stdin.isatty():
            raw = stdin.buffer.read(MAX_STDIN_BYTES)
    except (OSError, ValueError, AttributeError):
        raw = b""
    payload = jsonlite.loads(raw.decode("utf-8", "replace")) if raw else None
    now = time.time_ns() if now_ns is None else now_ns
    today = time.strftime("%Y-%m-%d", time.localtime(now / 1e9))
    line = render(read_summary(state_dir), payload, now, today)
    if then:
        line = compose(run_theirs(then, raw), line)
    stdout.write(line + "\n")
    stdout.flush()
    return 0
