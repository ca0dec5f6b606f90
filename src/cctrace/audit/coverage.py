"""Capture coverage and bypass: reconcile what the hooks saw with what the transcript holds.

`reconcile` is pure: given a session's stored hook events and its traces it returns
`Finding`s of kind "coverage" (tool calls no hook saw, sessions with transcript activity but
no hook events, a per-trace coverage ratio exported as the `cctrace.coverage` score) and
"tamper" (spool sequence gaps, the hook configuration changing during a session,
`disableAllHooks`, cctrace uninstalled, cctrace's hooks or config edited by a tool call;
each with `cctrace.tamper = 1`). Hook events arrive a little after the transcript lines,
so a turn is only judged once it is complete and has settled.

`hook_config_state` / `annotate_events` are the I/O edge the worker uses: they hash the
`hooks` sections of the user, project and local settings files when events are processed
and put the result on each event (`payload["cctrace_hooks"]`), which `reconcile` compares.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shlex
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from cctrace import statedir
from cctrace.findings import Finding, finding_id

PRODUCER = "coverage"
# The event the hook spools when a session's mute begins (`cctrace.hook.mute.BEGAN`; not
# imported: the audit package stays free of the hook's).
MUTE_BEGAN = "CctraceMuted"
# A complete turn is judged only once this long has passed since it ended (hook events
# are spooled by separate processes and may be processed a step later).
SETTLE_NS = 30 * 10**9
HOOKS_KEY = "cctrace_hooks"
WRITE_TOOLS = frozenset({"Write", "Edit", "MultiEdit", "NotebookEdit"})
SHELL_TOOLS = frozenset({"Bash", "PowerShell"})
SETTINGS_RE = re.compile(r"(^|[/\\])\.claude[/\\]settings(\.local)?\.json$|"
                         r"(^|[/\\])managed-settings\.json$")
# A shell command that changes a file it names (redirects, in-place editors, copies...).
SHELL_WRITE_RE = re.compile(
    r">|\btee\b|\bsed\s+(-[a-zA-Z]*i|--in-place)|\bperl\s+-[a-zA-Z]*i|\bmv\b|\bcp\b|\brm\b|"
    r"\btruncate\b|\bjq\b.*>|\bpython[0-9.]*\b|\bnode\b|\bdd\b|\bln\b|\bchmod\b|\bunlink\b|"
    r"\bshred\b|\becho\b.*>|\bprintf\b.*>|\bcat\b.*>")
UNINSTALL_RE = re.compile(r"\bcctrace\s+(uninstall|config\s+(set|unset))\b|"
                          r"\bdisableAllHooks\b|\bclaude\s+plugin\s+(uninstall|disable)\b")


# --------------------------------------------------------------------- hook settings


def _hooks_of(path: str) -> tuple[Any, bool]:
    """(hooks section, disableAllHooks) of one settings file; missing file -> (None, False)."""
    try:
        with open(path, encoding="utf-8") as fh:
            data = json.load(fh)
    except (OSError, ValueError):
        return None, False
    if not isinstance(data, dict):
        return None, False
    return data.get("hooks"), data.get("disableAllHooks") is True


def settings_files(cwd: str | None, home: str | None = None) -> list[str]:
    """The settings files Claude Code merges for `cwd`. The user's are under the account's
    home (`statedir.account_home()`), never `$HOME`: the detached worker runs with the
    account's, `cctrace flush` with whatever the calling shell (or a session's project
    env) set, and one session's events hashed under two homes read as a hook
    configuration changed mid-session (`tamper.hook_config_changed`, high)."""
    home = home or statedir.account_home()
    files = [os.path.join(home, ".claude", "settings.json")]
    if cwd:
        files += [os.path.join(cwd, ".claude", "settings.json"),
                  os.path.join(cwd, ".claude", "settings.local.json")]
    return files


def hook_config_state(cwd: str | None, home: str | None = None) -> dict[str, Any]:
    """Hash of the hooks sections Claude Code merges for `cwd`, and what they say."""
    sections, disabled, ours = [], False, False
    for path in settings_files(cwd, home):
        hooks, off = _hooks_of(path)
        sections.append(hooks)
        disabled = disabled or off
        if hooks is not None and "cctrace" in json.dumps(hooks):
            ours = True
    raw = json.dumps(sections, sort_keys=True, separators=(",", ":"))
    return {"hash": hashlib.sha256(raw.encode()).hexdigest()[:16],
            "disable_all": disabled, "installed": ours}


def annotate_events(events: Iterable[Any], home: str | None = None) -> None:
    """Put the current hook configuration state on each event's payload (per cwd, cached)."""
    cache: dict[str | None, dict[str, Any]] = {}
    for ev in events:
        payload = ev.payload
        if not isinstance(payload, dict) or payload.get("unusable"):
            continue
        cwd = payload.get("cwd") if isinstance(payload.get("cwd"), str) else None
        if cwd not in cache:
            cache[cwd] = hook_config_state(cwd, home)
        payload[HOOKS_KEY] = cache[cwd]


# ----------------------------------------------------------------------- reconcile


EVASION = "attack.T1562.001"  # Impair Defenses: Disable or Modify Tools


def _finding(kind: str, rule: str, severity: str, title: str, time_ns: int, key: Sequence[str],
             *, session_id: str | None = None, trace_id: str | None = None,
             observation_id: str | None = None, detail: dict[str, Any] | None = None,
             scores: dict[str, float] | None = None, tags: list[str] | None = None) -> Finding:
    if kind == "tamper":
        scores = {**(scores or {}), "cctrace.tamper": 1.0}
    return Finding(id=finding_id(PRODUCER, rule, *key), kind=kind, rule_id=rule,
                   severity=severity, title=title, time_ns=time_ns, session_id=session_id,
                   trace_id=trace_id, observation_id=observation_id, tags=tags or [],
                   detail=detail or {}, scores=scores or {})


def _observations(trace: Any) -> list[Any]:
    obs = getattr(trace, "observations", None)
    return list(obs or [])


def _trace_of(item: Any) -> tuple[Any, bool]:
    """(Trace, complete) from a Trace or a store `TraceView`."""
    inner = getattr(item, "trace", None)
    if inner is not None and not hasattr(item, "session_id"):
        return _TraceLike(inner, item.observations), bool(item.complete)
    return item, bool(getattr(item, "complete", True))


class _TraceLike:
    def __init__(self, trace: Any, observations: list[Any]) -> None:
        self.__dict__.update(trace.__dict__)
        self.observations = observations


def _paths_in(value: Any) -> list[str]:
    if isinstance(value, dict):
        out = []
        for k in ("file_path", "notebook_path", "path"):
            if isinstance(value.get(k), str):
                out.append(value[k])
        return out
    return []


def _touches_settings(tool: str, tool_input: Any, state_dir: str | None) -> str | None:
    """Why a tool call changes Claude Code's hook settings or cctrace's config, or None."""
    config = os.path.join(state_dir, "config.toml") if state_dir else None
    if tool in WRITE_TOOLS:
        for path in _paths_in(tool_input):
            norm = os.path.normpath(os.path.expanduser(path))
            if SETTINGS_RE.search(norm):
                return f"{tool} on {path}"
            if config and norm == os.path.normpath(config):
                return f"{tool} on cctrace's config"
        return None
    if tool in SHELL_TOOLS:
        command = tool_input.get("command") if isinstance(tool_input, dict) else tool_input
        if not isinstance(command, str):
            return None
        if UNINSTALL_RE.search(command):
            return "shell command disables hooks or changes cctrace"
        try:
            words = shlex.split(command, posix=True)
        except ValueError:
            words = command.split()
        names = [w for w in words if SETTINGS_RE.search(w.rstrip(";&|")) or
                 (config and w.rstrip(";&|").endswith(("cctrace/config.toml", config)))]
        if names and SHELL_WRITE_RE.search(command):
            return f"shell command writes {names[0]}"
    return None


def _release(trace: Any) -> tuple[int, ...]:
    """The Claude Code release that wrote a turn, (major, minor); (99,) when unknown."""
    version = str((getattr(trace, "metadata", None) or {}).get("version") or "")
    parts = tuple(int(p) for p in version.split(".")[:2] if p.isdigit())
    return parts if len(parts) == 2 else (99,)


TOOL_EVENTS = ("PreToolUse", "PostToolUse", "PostToolUseFailure")
# How long before a turn's first transcript record one of its tool hooks may arrive.
LEGACY_MARGIN_NS = 5 * 10**9


def legacy_tool_events(hook_events: Sequence[Any], traces: Sequence[tuple[Any, bool]]
                       ) -> dict[str, set[str]]:
    """Tool hook events without a `tool_use_id`, matched to the tool calls they were for.

    Claude Code 1.0.x sends no `tool_use_id` with PreToolUse/PostToolUse, and the stored
    event keeps only the tool's name (its input is dropped as bulk). Turn by turn, each
    call takes the earliest unused id-less event of its tool name (per phase) that was not
    received before its turn began; each event is used once. Without this every 1.0.x tool
    call would count as "ran without any tool hook". A missing hook is still found, but may
    be reported on a later call of the same tool than the one that lacked it.
    """
    legacy = sorted((ev for ev in hook_events if not ev.tool_use_id and ev.event in
                     TOOL_EVENTS), key=lambda ev: (ev.received_ns, ev.seq))
    if not legacy:
        return {}
    used: set[int] = set()
    out: dict[str, set[str]] = {}
    for trace, _ in sorted(traces, key=lambda tc: tc[0].start_ns):
        calls: dict[str, list[str]] = {}
        for obs in sorted(_observations(trace), key=lambda o: o.start_ns):
            tool_id = (obs.metadata or {}).get("tool_use_id")
            if obs.type == "tool" and tool_id:
                calls.setdefault(str(obs.name), []).append(tool_id)
        lo = trace.start_ns - LEGACY_MARGIN_NS
        for phase in (("PreToolUse",), ("PostToolUse", "PostToolUseFailure")):
            queues = {name: list(ids) for name, ids in calls.items()}
            for ev in legacy:
                if ev.seq in used or ev.event not in phase or ev.received_ns < lo:
                    continue
                queue = queues.get(str((ev.payload or {}).get("tool_name")))
                if queue:
                    used.add(ev.seq)
                    out.setdefault(queue.pop(0), set()).add(ev.event)
    return out


def reconcile(
    hook_events: Sequence[Any],
    traces: Iterable[Any],
    *,
    now_ns: int,
    session_id: str | None = None,
    state_dir: str | None = None,
    installed_since_ns: int | None = None,
    known_seqs: Sequence[int] | None = None,
    settle_ns: int = SETTLE_NS,
) -> list[Finding]:
    """Coverage and bypass findings for one session (hook events = its stored events).

    `known_seqs`: every spool seq stored so far (all sessions), for gap detection; pass
    None to skip it. `installed_since_ns`: when cctrace's hooks were installed; a session
    with transcript activity after it and no hook events is flagged (backfilled history
    from before the install is not).
    """
    findings: list[Finding] = []
    traces = [_trace_of(t) for t in traces]
    sid = session_id or next((t.session_id for t, _ in traces), None)
    by_tool: dict[str, set[str]] = {}
    for ev in hook_events:
        if ev.tool_use_id:
            by_tool.setdefault(ev.tool_use_id, set()).add(ev.event)
    for tool_id, events in legacy_tool_events(hook_events, traces).items():
        by_tool.setdefault(tool_id, set()).update(events)

    if not hook_events and traces:
        last = max(t.end_ns for t, _ in traces)
        if installed_since_ns is not None and last >= installed_since_ns:
            findings.append(_finding(
                "coverage", "coverage.no_hook_events", "high",
                "session has transcript activity but no hook event reached cctrace",
                last, (sid or "",), session_id=sid,
                detail={"traces": len(traces)}, scores={"cctrace.coverage": 0.0}))

    for trace, complete in traces:
        if not complete or now_ns - trace.end_ns < settle_ns:
            continue
        expected = seen = 0
        missing: list[dict[str, Any]] = []
        no_post_on_failure = _release(trace) < (2, 0)
        for obs in _observations(trace):
            if obs.type != "tool":
                continue
            meta = obs.metadata or {}
            tool_id = meta.get("tool_use_id")
            if not tool_id or meta.get("rejected"):
                continue  # refused before it ran: no release runs hooks for it
            events = by_tool.get(tool_id, set())
            pre = "PreToolUse" in events
            post = bool(events & {"PostToolUse", "PostToolUseFailure"})
            # 1.0.x runs no hook after a tool that failed (2.0 added PostToolUseFailure);
            # no release runs one after a call guard mode denied in its PreToolUse.
            pre_only = meta.get("is_interrupt") or meta.get("guard_denied") is True or (
                no_post_on_failure and getattr(obs, "level", None) == "ERROR")
            expected += 1 if pre_only else 2
            seen += int(pre) + (int(post) if not pre_only else 0)
            if not pre or (not post and not pre_only):
                missing.append({"tool_use_id": tool_id, "tool": obs.name,
                                "pre": pre, "post": post, "observation_id": obs.id})
        # Prompts are not counted: slash commands and compaction summaries open turns
        # without a UserPromptSubmit, so only tool calls have a reliable hook twin.
        if expected == 0:
            continue
        ratio = round(seen / expected, 4)
        severity = "info" if ratio >= 1 else ("high" if not hook_events or ratio < 0.5
                                              else "medium")
        findings.append(_finding(
            "coverage", "coverage.ratio", severity,
            f"hooks saw {seen} of {expected} events of this turn", trace.end_ns, (trace.id,),
            session_id=trace.session_id, trace_id=trace.id,
            detail={"seen": seen, "expected": expected}, scores={"cctrace.coverage": ratio}))
        for m in missing:
            lacks = ("any tool hook" if not (m["pre"] or m["post"])
                     else "its PreToolUse" if not m["pre"] else "its PostToolUse")
            findings.append(_finding(
                "coverage", "coverage.missing_tool_hooks", "medium",
                f"tool call {m['tool']} ran without {lacks}",
                trace.end_ns, (m["tool_use_id"],), session_id=trace.session_id,
                trace_id=trace.id, observation_id=m["observation_id"], detail=m,
                tags=[EVASION]))
        for obs in _observations(trace):
            if obs.type != "tool":
                continue
            why = _touches_settings(str(obs.name).split(":")[0].strip(), obs.input, state_dir)
            if why:
                findings.append(_finding(
                    "tamper", "tamper.settings_edited", "high",
                    f"a tool call changed hook settings or cctrace's config ({why})",
                    obs.start_ns, (obs.id,), session_id=trace.session_id, trace_id=trace.id,
                    observation_id=obs.id, detail={"tool": obs.name, "why": why},
                    tags=[EVASION]))

    findings += _config_changes(hook_events, sid)
    if known_seqs is not None:
        findings += spool_gaps(known_seqs, now_ns)
    return findings


def _config_changes(hook_events: Sequence[Any], sid: str | None) -> list[Finding]:
    out: list[Finding] = []
    for ev in hook_events:
        if ev.event == MUTE_BEGAN:
            # Whoever muted (the user, or an agent's Bash call writing the same file).
            out.append(_finding(
                "coverage", "coverage.muted", "medium",
                "the session was muted: nothing after this point is recorded",
                ev.received_ns, (sid or "", "muted", str(ev.seq)), session_id=sid,
                detail={"seq": ev.seq}, tags=[EVASION]))
    first: dict[str, Any] | None = None
    for ev in hook_events:
        state = ev.payload.get(HOOKS_KEY) if isinstance(ev.payload, dict) else None
        if not isinstance(state, dict):
            continue
        if first is None:
            first = state
        if state.get("disable_all"):
            out.append(_finding(
                "tamper", "tamper.hooks_disabled", "high", "disableAllHooks is set",
                ev.received_ns, (sid or "", "disable_all"), session_id=sid,
                detail={"seq": ev.seq}, tags=[EVASION]))
            break
    seen_change = seen_uninstall = False
    for ev in hook_events:
        state = ev.payload.get(HOOKS_KEY) if isinstance(ev.payload, dict) else None
        if not isinstance(state, dict) or first is None:
            continue
        if not seen_change and state.get("hash") != first.get("hash"):
            seen_change = True
            out.append(_finding(
                "tamper", "tamper.hook_config_changed", "high",
                "the hook configuration changed during the session", ev.received_ns,
                (sid or "", "changed"), session_id=sid,
                detail={"seq": ev.seq, "event": ev.event, "from": first.get("hash"),
                        "to": state.get("hash")}, tags=[EVASION]))
        if not seen_uninstall and first.get("installed") and not state.get("installed"):
            seen_uninstall = True
            out.append(_finding(
                "tamper", "tamper.cctrace_uninstalled", "high",
                "cctrace's hooks were removed during the session", ev.received_ns,
                (sid or "", "uninstalled"), session_id=sid, detail={"seq": ev.seq},
                tags=[EVASION]))
    return out


def spool_gaps(seqs: Sequence[int], now_ns: int) -> list[Finding]:
    """Missing spool sequence numbers between the lowest and highest stored ones."""
    ordered = sorted(set(seqs))
    out = []
    for a, b in zip(ordered, ordered[1:], strict=False):
        if b - a > 1:
            out.append(_finding(
                "tamper", "tamper.spool_gap", "high",
                f"spool events {a + 1}..{b - 1} never reached the store", now_ns,
                (str(a + 1), str(b - 1)), detail={"from": a + 1, "to": b - 1,
                                                  "missing": b - a - 1}))
    return out


def coverage_of(findings: Iterable[Finding]) -> Mapping[str, float]:
    """trace id -> coverage ratio, from `reconcile`'s findings."""
    return {f.trace_id: f.scores["cctrace.coverage"] for f in findings
            if f.rule_id == "coverage.ratio" and f.trace_id}
