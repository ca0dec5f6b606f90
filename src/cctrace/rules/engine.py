"""Rule evaluation: tool observations in, `Finding`s out (pure), with session windows.

`evaluate(traces, ruleset, history)` turns every tool observation (and one `turn`
pseudo-event per trace, for trace-level facts such as the permission mode) into an
`Event`, runs every rule over it, and returns a finding per (rule, tool call). Every match,
emitted or not, is also recorded as a *signal* in the session's `SessionWindow`, which
windowed rules (`after:` steps `within:` N events / T minutes) consult; the window is a
JSON-able dict per session the caller persists between batches (`load_window` /
`save_window`). Observations already evaluated are remembered in the window, so a turn
rebuilt by a later batch never counts twice. Finding ids are deterministic
(`finding_id("rule", rule_id, tool_use_id)`), so re-evaluation never duplicates one.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

from cctrace.findings import RISK, SEVERITIES, Finding, finding_id
from cctrace.model.types import Observation, Trace
from cctrace.rules import specialize
from cctrace.rules.event import Event, is_local_host, tool_event
from cctrace.rules.prefilter import Scanner
from cctrace.rules.schema import (
    Context,
    Rule,
    RuleError,
    compile_file,
    host_matcher,
    name_matcher,
)

# What a session window keeps (bounded so the persisted state stays small).
MAX_SIGNALS = 256
MAX_SEEN = 2000
WINDOW_KEY = "rules-window:"
# Allowed without configuration: loopback/private addresses always are (see event.py).
DEFAULT_ALLOW_HOSTS = ("anthropic.com", "claude.ai", "github.com", "githubusercontent.com")


@dataclass
class RuleSet:
    """The compiled rules in force and the host allowlist.

    `prefilter` (default on) scans each large text once for the literals the rules' regexes
    require and skips the regexes that cannot match (rules/prefilter.py); findings are the
    same with it off, only slower.
    """

    rules: list[Rule]
    allow_hosts: tuple[str, ...] = DEFAULT_ALLOW_HOSTS
    sources: list[str] = field(default_factory=list)
    disabled: list[str] = field(default_factory=list)
    prefilter: bool = True

    def __post_init__(self) -> None:
        vocab = frozenset().union(*(r.anchors for r in self.rules))
        scanner = Scanner(vocab) if self.prefilter and vocab else None
        self.context = Context(host_matcher(self.allow_hosts), scanner)
        self.by_id = {r.id: r for r in self.rules}
        self._tool_filters = {
            r.id: (name_matcher(r.tools) if r.tools is not None else None) for r in self.rules}
        self._for_tool: dict[str, list[Rule]] = {}
        self._plans: dict[str, list[specialize.Plan]] = {}

    def for_tool(self, tool: str) -> list[Rule]:
        """The rules that can match a call of this tool (memoised per tool name)."""
        rules = self._for_tool.get(tool)
        if rules is None:
            rules = [r for r in self.rules
                     if (f := self._tool_filters[r.id]) is None or f(tool)]
            if len(self._for_tool) < 1024:
                self._for_tool[tool] = rules
        return rules

    def plans(self, tool: str) -> list[specialize.Plan]:
        """`for_tool`'s rules with their tool tests answered for this tool (memoised):
        what `evaluate_event` runs (rules/specialize.py)."""
        plans = self._plans.get(tool)
        if plans is None:
            plans = [p for r in self.for_tool(tool) if (p := specialize.plan(r, tool))]
            if len(self._plans) < 1024:
                self._plans[tool] = plans
        return plans

    def get(self, rule_id: str) -> Rule | None:
        return self.by_id.get(rule_id)


def builtin_pack_files() -> list[tuple[str, str]]:
    """(name, text) of the shipped rule pack files, in name order."""
    root = resources.files("cctrace.rules") / "packs"
    out = []
    for item in sorted(root.iterdir(), key=lambda p: p.name):
        if item.name.endswith((".yaml", ".yml")):
            out.append((f"builtin:{item.name}", item.read_text(encoding="utf-8")))
    return out


def _expand(path: str, base: str | None) -> str:
    path = os.path.expanduser(path)
    if not os.path.isabs(path) and base:
        path = os.path.join(base, path)
    return path


def _user_files(paths: Iterable[str], base: str | None) -> list[tuple[str, str]]:
    out = []
    for entry in paths:
        path = _expand(entry, base)
        names = sorted(os.path.join(path, n) for n in os.listdir(path)
                       if n.endswith((".yaml", ".yml"))) if os.path.isdir(path) else [path]
        for name in names:
            try:
                with open(name, encoding="utf-8") as fh:
                    out.append((name, fh.read()))
            except OSError as exc:
                raise RuleError(f"{name}:0: cannot read rule file: {exc.strerror}") from exc
    return out


def build_ruleset(files: list[tuple[str, str]], *, disabled: Iterable[str] = (),
                  allow_hosts: Iterable[str] = (), builtin: bool = True,
                  prefilter: bool = True) -> RuleSet:
    """Compile rule files (built-in pack first); a later rule with the same id replaces."""
    lists: dict[str, list[str]] = {}
    macros: dict[str, Any] = {}
    rules: dict[str, Rule] = {}
    off: list[str] = list(disabled)
    sources: list[str] = []
    shipped = builtin_pack_files() if builtin else []
    for i, (name, text) in enumerate(shipped + files):
        compiled, file_disabled = compile_file(text, name, lists, macros,
                                               shipped=i < len(shipped))
        for rule in compiled:
            rules[rule.id] = rule
        off.extend(file_disabled)
        sources.append(name)
    is_off = name_matcher(off)
    kept = [r for r in rules.values() if not is_off(r.id)]
    return RuleSet(kept, DEFAULT_ALLOW_HOSTS + tuple(allow_hosts), sources, off, prefilter)


def _str_list(value: Any, where: str) -> list[str]:
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise RuleError(f"config: {where} must be a list of strings")
    return value


def load_ruleset(config: Any = None) -> RuleSet:
    """The built-in pack plus the config's `[rules]` table: `paths` (files or folders of
    YAML, relative to the state dir), `disabled` (rule-id globs), `allow_hosts`."""
    section: Mapping[str, Any] = {}
    base = None
    if config is not None:
        section = config.section("rules") if hasattr(config, "section") else dict(config)
        base = getattr(config, "state_dir", None)
    files = _user_files(_str_list(section.get("paths"), "rules.paths"), base)
    return build_ruleset(
        files,
        disabled=_str_list(section.get("disabled"), "rules.disabled"),
        allow_hosts=_str_list(section.get("allow_hosts"), "rules.allow_hosts"),
        builtin=section.get("builtin", True) is not False,
    )


# ----------------------------------------------------------------------- windows


class SessionWindow:
    """Per-session memory for windowed rules: recent signals and evaluated observations.

    State per session is a plain dict (`n`: events seen, `signals`: [rule_id, event index,
    time_ns, observation_id], `seen`: observation ids), so it persists as JSON.
    """

    def __init__(self, states: Mapping[str, Mapping[str, Any]] | None = None) -> None:
        self.states: dict[str, dict[str, Any]] = {}
        self._seen: dict[str, set[str]] = {}
        for sid, state in (states or {}).items():
            self.states[sid] = {"n": int(state.get("n", 0)),
                                "signals": [list(s) for s in state.get("signals", [])],
                                "seen": list(state.get("seen", []))}
        self.dirty: set[str] = set()

    def state(self, session_id: str) -> dict[str, Any]:
        return self.states.setdefault(session_id, {"n": 0, "signals": [], "seen": []})

    def seen(self, session_id: str, obs_id: str) -> bool:
        if session_id not in self._seen:
            self._seen[session_id] = set(self.state(session_id)["seen"])
        return obs_id in self._seen[session_id]

    def mark(self, session_id: str, obs_id: str) -> int:
        """Record an evaluated observation; returns its event index in the session."""
        state = self.state(session_id)
        self.seen(session_id, obs_id)
        self._seen[session_id].add(obs_id)
        state["seen"].append(obs_id)
        if len(state["seen"]) > MAX_SEEN:
            drop = state["seen"][: len(state["seen"]) - MAX_SEEN]
            state["seen"] = state["seen"][-MAX_SEEN:]
            self._seen[session_id].difference_update(drop)
        state["n"] += 1
        self.dirty.add(session_id)
        return state["n"]

    def signal(self, session_id: str, rule_id: str, index: int, time_ns: int,
               obs_id: str) -> None:
        signals = self.state(session_id)["signals"]
        signals.append([rule_id, index, time_ns, obs_id])
        if len(signals) > MAX_SIGNALS:
            del signals[: len(signals) - MAX_SIGNALS]
        self.dirty.add(session_id)

    def to_dict(self) -> dict[str, dict[str, Any]]:
        return {sid: dict(state) for sid, state in self.states.items()}


def load_window(store: Any, session_ids: Iterable[str]) -> SessionWindow:
    """The persisted windows of these sessions (kept in the store's key/JSON table)."""
    states = {}
    for sid in set(session_ids):
        data = store.get_cursor(WINDOW_KEY + sid)
        if data:
            states[sid] = data
    return SessionWindow(states)


def save_window(store: Any, window: SessionWindow) -> None:
    """Persist the sessions the last evaluation changed (call inside the batch's
    transaction so windows advance exactly when the findings are stored)."""
    for sid in sorted(window.dirty):
        store.set_cursor(WINDOW_KEY + sid, window.states[sid])
    window.dirty.clear()


# ----------------------------------------------------------------------- evaluate


def _events(traces: list[Trace]) -> list[tuple[Trace, Observation | None]]:
    items: list[tuple[Trace, Observation | None]] = []
    for trace in traces:
        items.append((trace, None))
        for obs in trace.observations:
            if obs.type == "tool":
                items.append((trace, obs))
    items.sort(key=lambda it: ((it[1].start_ns if it[1] else it[0].start_ns),
                               0 if it[1] is None else 1, it[1].id if it[1] else it[0].id))
    return items


def _turn_event(trace: Trace) -> Event:
    meta = trace.metadata
    return Event(
        tool="turn", tool_input={}, cwd=meta.get("cwd") if isinstance(meta.get("cwd"), str)
        else None,
        permission_mode=meta.get("permission_mode") if isinstance(
            meta.get("permission_mode"), str) else None,
        session_id=trace.session_id, trace_id=trace.id, time_ns=trace.start_ns,
        input_text=trace.input if isinstance(trace.input, str) else "",
    )


def _window_match(rule: Rule, state: dict[str, Any], ruleset: RuleSet, index: int,
                  time_ns: int) -> list[list[Any]] | None:
    """The earlier signals satisfying the rule's steps within its window, or None."""
    signals = [s for s in state["signals"] if s[1] < index
               and (rule.within_events is None or index - s[1] <= rule.within_events)
               and (rule.within_ns is None or time_ns - s[2] <= rule.within_ns)
               and s[0] != rule.id]

    def fits(step: Any, sig: list[Any]) -> bool:
        if step.rules(sig[0]):
            return True
        if step.tags:
            other = ruleset.get(sig[0])
            return bool(other and step.tags.intersection(other.tags))
        return False

    chosen: list[list[Any]] = []
    if rule.ordered:
        pos = 0
        for step in rule.after:
            hit = next((i for i in range(pos, len(signals)) if fits(step, signals[i])), None)
            if hit is None:
                return None
            chosen.append(signals[hit])
            pos = hit + 1
        return chosen
    for step in rule.after:
        sig = next((s for s in signals if fits(step, s)), None)
        if sig is None:
            return None
        chosen.append(sig)
    return chosen


def _detail(ev: Event, rule: Rule, ctx: Context) -> dict[str, Any]:
    detail: dict[str, Any] = {"tool": ev.tool, "evidence": ev.evidence}
    if ev.paths:
        detail["paths"] = list(dict.fromkeys(ev.paths))[:5]
    outside = [h for h in ev.hosts if ctx.outside(h)]
    if outside:
        detail["hosts"] = outside[:5]
    if ev.shell.tricks:
        detail["obfuscation"] = list(ev.shell.tricks)
    vias = sorted({c.via for c in ev.shell.commands if c.via})
    if vias:
        detail["via"] = vias
    if rule.description:
        detail["why"] = rule.description
    return detail


def evaluate_event(ev: Event, ruleset: RuleSet) -> list[Rule]:
    """The rules (windowless and windowed alike) whose condition matches one event."""
    ctx = ruleset.context
    return [p[0] for p in ruleset.plans(ev.tool) if specialize.matches(p, ev, ctx)]


def evaluate(traces: list[Trace], ruleset: RuleSet,
             history: SessionWindow | None = None) -> list[Finding]:
    """Findings for every rule match in `traces` (tool calls in time order).

    Pass the session's persisted `history` for windows that span batches; without it the
    window covers this batch only. `history` is updated in place (see `save_window`).
    """
    window = history if history is not None else SessionWindow()
    ctx = ruleset.context
    findings: dict[str, Finding] = {}
    for trace, obs in _events(traces):
        sid = trace.session_id or ""
        key = obs.id if obs is not None else f"turn:{trace.id}"
        if window.seen(sid, key):
            continue
        if obs is not None:
            ev = tool_event(obs, trace)
        else:
            ev = _turn_event(trace)
        index = window.mark(sid, key)
        for rule in evaluate_event(ev, ruleset):
            chain = None
            if rule.after:
                chain = _window_match(rule, window.state(sid), ruleset, index, ev.time_ns)
                if chain is None:
                    continue
            window.signal(sid, rule.id, index, ev.time_ns, ev.observation_id or trace.id)
            if not rule.emit:
                continue
            stable = ev.tool_use_id or ev.observation_id or f"trace:{trace.id}"
            fid = finding_id("rule", rule.id, stable)
            detail = _detail(ev, rule, ctx)
            if chain:
                detail["after"] = [{"rule": s[0], "observation_id": s[3]} for s in chain]
            findings[fid] = Finding(
                id=fid, kind="rule", rule_id=rule.id, severity=rule.severity,
                title=rule.title, time_ns=ev.time_ns, session_id=trace.session_id,
                trace_id=trace.id, observation_id=ev.observation_id, tags=list(rule.tags),
                detail=detail,
            )
    return list(findings.values())


def trace_risk(findings: Iterable[Finding]) -> dict[str, str]:
    """The highest finding severity per trace id."""
    out: dict[str, str] = {}
    for f in findings:
        if not f.trace_id:
            continue
        current = out.get(f.trace_id)
        if current is None or SEVERITIES.index(f.severity) > SEVERITIES.index(current):
            out[f.trace_id] = f.severity
    return out


def apply_risk_tags(traces: list[Trace], findings: Iterable[Finding]) -> None:
    """Add a `risk:<level>` tag to each trace with findings (highest severity wins)."""
    risk = trace_risk(findings)
    for trace in traces:
        level = risk.get(trace.id)
        if level is None:
            continue
        old = next((t[5:] for t in trace.tags if t.startswith("risk:")), None)
        if old in SEVERITIES and SEVERITIES.index(old) >= SEVERITIES.index(level):
            continue
        trace.tags = [t for t in trace.tags if not t.startswith("risk:")] + [f"risk:{level}"]


__all__ = ["RISK", "RuleSet", "SessionWindow", "apply_risk_tags", "build_ruleset", "evaluate",
           "evaluate_event", "is_local_host", "load_ruleset", "load_window", "save_window",
           "trace_risk"]
