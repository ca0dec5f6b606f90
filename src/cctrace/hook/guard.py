"""Guard mode (off by default): deny a PreToolUse call that matches a blocking rule.

Two halves share the `<state dir>/guard.json` format defined here. `build_guard` runs in the
CLI (`cctrace rules guard enable`, full environment): it takes the rules marked
`blocking: true` (plus any `--rule` globs) and stores each one's YAML node together with the
named lists and macros it refers to, as the rule's file saw them, so the file is
self-contained JSON. `decide` runs in the hook, only when guard.json exists and the event is
PreToolUse: it compiles the stored nodes with `cctrace.rules.schema` (standard library only
once YAML is not needed), builds the call's `Event` exactly as the worker would from the
tool_use, and returns the deny reason of the first matching rule, or None.

Rules the hook cannot judge before the call are left out at build time and named:
windowed rules (`after:`; the hook keeps no session history) and `turn` rules. Conditions on
the output or the error of a call simply never match before it runs. The reason text quotes
the rule's title and id, never the command or any input, because the agent sees it and the
transcript keeps it. Everything here may raise; the hook treats any error as "allow".
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterable
from typing import Any

GUARD_FILE = "guard.json"
FORMAT = 1
DENIED_COUNTER = "guard.denied"
_TITLE_CHARS = 200
_RULE_KEYS = ("id", "title", "description", "severity", "tags", "when", "unless")


def guard_path(state_dir: str) -> str:
    return os.path.join(state_dir, GUARD_FILE)


# ------------------------------------------------------------------ build (CLI side)


def _refs(node: Any, lists: dict[str, list[str]], macros: dict[str, Any],
          found_lists: dict[str, list[str]], found_macros: dict[str, Any],
          depth: int = 0) -> None:
    """Collect the named lists (`$name`) and macros (`macro: name`) a condition uses,
    following macros into their bodies."""
    if depth > 50:
        return
    if isinstance(node, str):
        if node.startswith("$") and node[1:] in lists:
            found_lists[node[1:]] = list(lists[node[1:]])
    elif isinstance(node, list):
        for item in node:
            _refs(item, lists, macros, found_lists, found_macros, depth + 1)
    elif isinstance(node, dict):
        for key, value in node.items():
            if key == "macro" and str(value) in macros and str(value) not in found_macros:
                found_macros[str(value)] = macros[str(value)]
                _refs(macros[str(value)], lists, macros, found_lists, found_macros, depth + 1)
            else:
                _refs(value, lists, macros, found_lists, found_macros, depth + 1)


def _plain(node: Any) -> Any:
    """A YAML node as plain JSON data (line-tracking dict subclasses and dates dropped)."""
    return json.loads(json.dumps(node, default=str))


def build_guard(files: list[tuple[str, str]], ruleset: Any,
                extra: Iterable[str] = ()) -> tuple[dict[str, Any], list[str]]:
    """(guard.json data, warnings) for the rules in force.

    `files` are the (name, text) rule files `ruleset` was compiled from, in order (the
    built-in pack first); they are compiled again here to see each rule's lists and macros
    as its own file saw them. A rule blocks when it says `blocking: true`, or when its id
    matches one of the `extra` globs and it emits findings (signal-only rules are building
    blocks of windows). The most severe rules come first: the first match is the reason.
    """
    from cctrace.findings import SEVERITIES
    from cctrace.rules.schema import compile_file, name_matcher

    extra = list(extra)
    also = name_matcher(extra)
    wanted = {r.id: r for r in ruleset.rules if r.blocking or (r.emit and also(r.id))}
    lists: dict[str, list[str]] = {}
    macros: dict[str, Any] = {}
    snapshots: dict[str, tuple[dict[str, list[str]], dict[str, Any]]] = {}
    for name, text in files:
        compiled, _ = compile_file(text, name, lists, macros)
        for rule in compiled:
            if rule.id in wanted and wanted[rule.id].source == rule.source:
                found_l: dict[str, list[str]] = {}
                found_m: dict[str, Any] = {}
                _refs([rule.raw.get("when"), rule.raw.get("unless")], lists, macros,
                      found_l, found_m)
                snapshots[rule.id] = (found_l, found_m)
    rules: list[dict[str, Any]] = []
    warnings: list[str] = []
    ranked = sorted(ruleset.rules, key=lambda r: -SEVERITIES.index(r.severity))
    for rule in ranked:
        if rule.id not in wanted:
            continue
        if rule.after:
            warnings.append(f"{rule.id}: windowed rules cannot block (the hook keeps no "
                            "session history); it still raises findings")
            continue
        if rule.tools == ["turn"]:
            warnings.append(f"{rule.id}: 'turn' rules cannot block a tool call; "
                            "it still raises findings")
            continue
        if rule.id not in snapshots:
            warnings.append(f"{rule.id}: its definition was not found again; left out")
            continue
        found_l, found_m = snapshots[rule.id]
        node = {k: rule.raw[k] for k in _RULE_KEYS if k in rule.raw}
        rules.append(_plain({"rule": node, "lists": found_l, "macros": found_m,
                             "tools": rule.tools, "source": rule.source}))
    data = {"format": FORMAT, "allow_hosts": list(ruleset.allow_hosts), "extra": extra,
            "rules": rules}
    data["digest"] = digest(data)
    return data, warnings


def digest(data: dict[str, Any]) -> str:
    """A fingerprint of what the guard enforces (to tell a stale guard.json)."""
    body = {k: data.get(k) for k in ("format", "allow_hosts", "rules")}
    return hashlib.sha256(json.dumps(body, sort_keys=True).encode()).hexdigest()[:16]


def write_guard(state_dir: str, data: dict[str, Any]) -> str:
    """Write guard.json atomically (0600); returns its path."""
    from cctrace import statedir

    statedir.ensure_dir(state_dir)
    path = guard_path(state_dir)
    tmp = f"{path}.{os.getpid()}.tmp"
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        json.dump(data, fh, indent=1, sort_keys=True)
        fh.write("\n")
    os.replace(tmp, path)
    return path


def read_guard(state_dir: str) -> dict[str, Any] | None:
    """guard.json's data, or None when guard mode is off."""
    try:
        with open(guard_path(state_dir), encoding="utf-8") as fh:
            data = json.load(fh)
    except FileNotFoundError:
        return None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise ValueError(f"{guard_path(state_dir)}: not a guard file of format {FORMAT}")
    return data


def remove_guard(state_dir: str) -> bool:
    """Turn guard mode off; True if it was on."""
    try:
        os.unlink(guard_path(state_dir))
    except FileNotFoundError:
        return False
    return True


# ------------------------------------------------------------------ decide (hook side)


def _clean(text: str, limit: int = _TITLE_CHARS) -> str:
    text = "".join(ch if ch.isprintable() else " " for ch in str(text)).strip()
    return text if len(text) <= limit else text[: limit - 1] + "…"


def reason_for(rule_id: str, title: str, severity: str) -> str:
    """What the agent is told. Quotes the rule, never the call's input."""
    return (f"Blocked by cctrace guard mode: rule \"{_clean(title)}\" ({_clean(rule_id, 80)}, "
            f"{_clean(severity, 10)}). This action is not allowed here; do not retry it in "
            "another form. Tell the user what you were trying to do.")


def _event(payload: dict[str, Any]) -> Any:
    from cctrace.model.types import Observation, Trace
    from cctrace.rules.event import tool_event

    tool = payload.get("tool_name")
    if not isinstance(tool, str) or not tool:
        return None
    tool_input = payload.get("tool_input")
    meta: dict[str, Any] = {}
    for key in ("cwd", "permission_mode"):
        if isinstance(payload.get(key), str):
            meta[key] = payload[key]
    tool_use_id = payload.get("tool_use_id")
    obs = Observation(id="0" * 16, trace_id="0" * 32, parent_id=None, type="tool", name=tool,
                      start_ns=0, end_ns=0,
                      input=tool_input if isinstance(tool_input, dict) else {},
                      metadata={"tool_use_id": tool_use_id}
                      if isinstance(tool_use_id, str) else {})
    session = payload.get("session_id")
    trace = Trace(id="0" * 32, session_id=session if isinstance(session, str) else "",
                  name="guard", start_ns=0, end_ns=0, metadata=meta)
    return tool_event(obs, trace)


def decide_payload(guard: dict[str, Any], payload: dict[str, Any]) -> tuple[str, str] | None:
    """(rule id, deny reason) for the first blocking rule the PreToolUse call matches."""
    from cctrace.rules import patterns
    from cctrace.rules.schema import Compiler, Context, host_matcher, name_matcher

    if payload.get("hook_event_name") != "PreToolUse":
        return None
    ev = None
    ctx = None
    for entry in guard.get("rules") or ():
        tools = entry.get("tools")
        if ev is None:
            ev = _event(payload)
            if ev is None:
                return None
        if tools is not None and not name_matcher(tools)(ev.tool):
            continue
        if ctx is None:
            ctx = Context(host_matcher(guard.get("allow_hosts") or ()))
        comp = Compiler(f"guard:{entry.get('source', '')}", dict(entry.get("lists") or {}),
                        dict(entry.get("macros") or {}))
        # One event per process: compile only the patterns this event reaches. The nodes
        # were compiled eagerly (every pattern checked) when guard.json was written.
        lazy, patterns.LAZY_PATTERNS = patterns.LAZY_PATTERNS, True
        try:
            rule = comp.rule(entry["rule"])
        finally:
            patterns.LAZY_PATTERNS = lazy
        if rule.matches(ev, ctx):
            return rule.id, reason_for(rule.id, rule.title, rule.severity)
    return None


def deny_output(reason: str) -> bytes:
    """Claude Code's documented PreToolUse deny answer (stdout, exit 0)."""
    return json.dumps({"hookSpecificOutput": {
        "hookEventName": "PreToolUse", "permissionDecision": "deny",
        "permissionDecisionReason": reason}}).encode() + b"\n"


def decide(state_dir: str, data: bytes) -> tuple[str, bytes] | None:
    """(rule id, stdout bytes) to deny the call in `data`, or None to allow it.

    Raises on any problem (unreadable guard.json, payload that is not JSON, a rule node
    that no longer compiles): the caller allows the call and counts the error.
    """
    guard = read_guard(state_dir)
    if guard is None:
        return None
    payload = json.loads(data)
    if not isinstance(payload, dict):
        return None
    hit = decide_payload(guard, payload)
    if hit is None:
        return None
    return hit[0], deny_output(hit[1])
