"""Rule files: YAML parsing with line numbers, schema checks, and compilation to closures.

A rule file holds `lists` (named string lists, used as `$name` inside any list), `macros`
(named conditions, used as `{macro: name}`) and `rules`. Each condition is compiled once
into a Python closure over an `Event`, so evaluation does no parsing. Every error names the
file and line (`RuleError`), because a rule pack that half-loads would silently stop
detecting. The condition language is documented in docs/rules.md. YAML parsing with lines
and `RuleError` live in `rules.yamlfile`, globs and matchers in `rules.patterns` (their
names stay importable from here).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from cctrace.findings import SEVERITIES
from cctrace.rules import patterns
from cctrace.rules.event import Event
from cctrace.rules.patterns import (
    compile_pattern,
    glob_regex,
    host_matcher,
    name_matcher,
    outside_cwd,
    path_matcher,
)
from cctrace.rules.shell import REDIRECT_OUT, SimpleCommand
from cctrace.rules.yamlfile import Node, RuleError, parse_yaml

Cond = Callable[[Event, "Context"], bool]
CmdCond = Callable[[Event, int, SimpleCommand, "Context"], bool]
_ID = re.compile(r"^[a-z0-9][a-z0-9_.-]*$")
RULE_KEYS = frozenset({"id", "title", "description", "severity", "tags", "when", "unless",
                       "after", "ordered", "within", "emit", "blocking", "enabled"})
EVENT_KEYS = frozenset({"tool", "path", "read_path", "write_path", "host", "egress", "url",
                        "command", "content", "input", "output", "permission_mode", "trick",
                        "cmd", "any", "all", "not", "macro", "error", "branch"})
CMD_KEYS = frozenset({"name", "args", "all_args", "no_args", "argv", "pipe_to", "pipe_from",
                      "redirect", "via", "egress", "path", "read_path", "write_path",
                      "outside_cwd", "wrapper", "any", "not"})


@dataclass
class Context:
    """What conditions need besides the event: the host allowlist, and the literal
    prefilter (`rules.prefilter.Scanner`) that lets regexes skip texts they cannot match
    (None: every regex is searched)."""

    allow_hosts: Callable[[str], bool]
    scanner: Any = None

    def outside(self, host: str) -> bool:
        from cctrace.rules.event import is_local_host

        return not is_local_host(host) and not self.allow_hosts(host)


@dataclass
class Step:
    """One earlier signal a windowed rule needs: rule-id globs and/or tags."""

    rules: Callable[[str], bool]
    tags: frozenset[str]
    label: str


@dataclass
class Rule:
    id: str
    title: str
    severity: str
    when: Cond
    description: str = ""
    tags: list[str] = field(default_factory=list)
    unless: list[Cond] = field(default_factory=list)
    after: list[Step] = field(default_factory=list)
    ordered: bool = True
    within_events: int | None = None
    within_ns: int | None = None
    emit: bool = True
    blocking: bool = False
    # Tool-name globs the rule can apply to (None: any); lets the engine skip it cheaply.
    tools: list[str] | None = None
    # The literals its gated regexes test for (the engine's prefilter scans for them).
    anchors: frozenset[str] = frozenset()
    source: str = ""
    raw: dict[str, Any] = field(default_factory=dict)

    def matches(self, ev: Event, ctx: Context) -> bool:
        if not self.when(ev, ctx):
            return False
        return not any(exc(ev, ctx) for exc in self.unless)


def conjunction(preds: list[Cond]) -> Cond:
    """All of `preds`, tried in order (the first that fails ends it)."""
    if len(preds) == 1:
        return preds[0]
    if len(preds) == 2:
        a, b = preds
        return _all_of(preds, lambda ev, ctx: a(ev, ctx) and b(ev, ctx))

    def every(ev: Event, ctx: Context) -> bool:
        for p in preds:
            if not p(ev, ctx):
                return False
        return True

    return _all_of(preds, every)


# Combinators name their parts, so `rules/specialize.py` can answer their tool tests.
def _all_of(parts: list[Cond], cond: Cond) -> Cond:
    cond.all_of = parts  # type: ignore[attr-defined]
    return cond


def _any_of(parts: list[Cond], cond: Cond) -> Cond:
    cond.any_of = parts  # type: ignore[attr-defined]
    return cond


class Compiler:
    """Compiles the conditions of one file (with the lists and macros visible to it)."""

    def __init__(self, source: str, lists: dict[str, list[str]],
                 macros: dict[str, Any]) -> None:
        self.source = source
        self.lists = lists
        self.macros = macros
        self.compiled_macros: dict[str, Cond] = {}
        self.macro_anchors: dict[str, set[str]] = {}
        self.stack: list[str] = []
        # The prefilter literals of the rule (and macros) being compiled, innermost last.
        self.anchors: list[set[str]] = []

    def err(self, node: Any, message: str) -> RuleError:
        line = getattr(node, "line", 0)
        return RuleError(f"{self.source}:{line}: {message}")

    def strings(self, value: Any, node: Any, key: str) -> list[str]:
        items = value if isinstance(value, list) else [value]
        out: list[str] = []
        for item in items:
            if isinstance(item, bool) or not isinstance(item, (str, int, float)):
                raise self.err(node, f"{key}: expected a string or a list of strings")
            item = str(item)
            if item.startswith("$") and len(item) > 1 and item[1:] in self.lists:
                out.extend(self.lists[item[1:]])
            elif re.fullmatch(r"\$[a-z][a-z0-9_]*", item):
                # Lowercase `$name` is a list reference; `$HOME` and the like are literal.
                raise self.err(node, f"{key}: unknown list {item}")
            else:
                out.append(item)
        return out

    def regex(self, value: Any, node: Any, key: str) -> re.Pattern[str]:
        pats = self.strings(value, node, key)

        def scoped(p: str) -> str:
            # Inline flags must lead a pattern; scope them so patterns can be joined.
            m = re.match(r"^\(\?([aiLmsux]+)\)", p)
            return f"(?{m.group(1)}:{p[m.end():]})" if m else f"(?:{p})"

        try:
            return compile_pattern(pats[0] if len(pats) == 1 else "|".join(map(scoped, pats)))
        except re.error as exc:
            raise self.err(node, f"{key}: bad regular expression: {exc}") from exc

    def searcher(self, rx: Any) -> Callable[[str, Event, Context], bool]:
        """`rx.search` over one text, gated by the literal prefilter (see prefilter.py)."""
        if patterns.LAZY_PATTERNS:  # the hook's guard judges one short call: no analysis there
            return lambda text, ev, ctx: bool(rx.search(text))
        from cctrace.rules.prefilter import gate, gated_search

        g = gate(rx.pattern, rx.flags)
        if g is not None and self.anchors:
            self.anchors[-1].update(g.vocab)
        return gated_search(rx, g)

    def condition(self, node: Any) -> Cond:
        if isinstance(node, list):
            parts = [self.condition(n) for n in node]
            return _all_of(parts, lambda ev, ctx: all(p(ev, ctx) for p in parts))
        if not isinstance(node, dict):
            raise self.err(node, "a condition must be a mapping")
        unknown = set(node) - EVENT_KEYS
        if unknown:
            raise self.err(node, f"unknown condition key(s): {', '.join(sorted(unknown))}")
        preds: list[Cond] = [self.predicate(k, v, node) for k, v in node.items()]
        # Cheap predicates first: tool names and paths before regexes over output.
        preds.sort(key=lambda p: getattr(p, "cost", 1))
        return conjunction(preds)

    def predicate(self, key: str, value: Any, node: Any) -> Cond:  # noqa: C901
        if key == "any":
            if not isinstance(value, list) or not value:
                raise self.err(node, "any: expected a non-empty list of conditions")
            parts = [self.condition(v) for v in value]
            return _any_of(parts, lambda ev, ctx: any(p(ev, ctx) for p in parts))
        if key == "all":
            if not isinstance(value, list) or not value:
                raise self.err(node, "all: expected a non-empty list of conditions")
            parts = [self.condition(v) for v in value]
            return _all_of(parts, lambda ev, ctx: all(p(ev, ctx) for p in parts))
        if key == "not":
            inner = self.condition(value)
            return lambda ev, ctx: not inner(ev, ctx)
        if key == "macro":
            name = str(value)
            if name not in self.macros:
                raise self.err(node, f"unknown macro {name!r}")
            if name in self.stack:
                raise self.err(node, f"macro {name!r} refers to itself")
            if name not in self.compiled_macros:
                self.stack.append(name)
                self.anchors.append(set())
                self.compiled_macros[name] = self.condition(self.macros[name])
                self.macro_anchors[name] = self.anchors.pop()
                self.stack.pop()
            if self.anchors:
                self.anchors[-1].update(self.macro_anchors[name])
            return self.compiled_macros[name]
        if key == "tool":
            m = name_matcher(self.strings(value, node, key))

            def tool(ev: Event, ctx: Context) -> bool:
                return m(ev.tool)

            tool.cost = 0  # type: ignore[attr-defined]
            tool.tool_test = m  # type: ignore[attr-defined]  # see rules/specialize.py
            return tool
        if key in ("path", "read_path", "write_path"):
            m = path_matcher(self.strings(value, node, key))
            if key == "path":
                return lambda ev, ctx: any(m(p) for p in ev.reads) or any(m(p) for p in ev.writes)
            attr = "reads" if key == "read_path" else "writes"
            return lambda ev, ctx: any(m(p) for p in getattr(ev, attr))
        if key == "host":
            m = host_matcher(self.strings(value, node, key))
            return lambda ev, ctx: any(m(h) for h in ev.hosts)
        if key == "egress":
            want = self.boolean(value, node, key)
            return lambda ev, ctx: any(ctx.outside(h) for h in ev.hosts) == want
        if key == "error":
            want = self.boolean(value, node, key)
            return lambda ev, ctx: ev.is_error == want
        if key in ("url", "command", "content", "input", "output"):
            rx = self.regex(value, node, key)
            if key == "url":
                return lambda ev, ctx: any(rx.search(u) for u in ev.urls)
            search = self.searcher(rx)
            if key == "command":
                return lambda ev, ctx: bool(ev.command) and any(
                    search(t, ev, ctx) for t in ev.shell.texts)
            attr = {"content": "content", "input": "input_text", "output": "output"}[key]
            return lambda ev, ctx: search(getattr(ev, attr), ev, ctx)
        if key == "branch":
            m = name_matcher(self.strings(value, node, key))
            return lambda ev, ctx: bool(ev.branch) and m(ev.branch or "")
        if key == "permission_mode":
            modes = set(self.strings(value, node, key))
            return lambda ev, ctx: ev.permission_mode in modes
        if key == "trick":
            tricks = set(self.strings(value, node, key))
            return lambda ev, ctx: any(t in tricks for t in ev.shell.tricks)
        if key == "cmd":
            c = self.cmd_condition(value)
            named = getattr(c, "name_test", None)  # `c` needs the name: most fail it first

            def some_command(ev: Event, ctx: Context) -> bool:
                for i, cmd in enumerate(ev.shell.commands):
                    if (named is None or named(cmd.name)) and c(ev, i, cmd, ctx):
                        return True
                return False

            return some_command
        raise self.err(node, f"unknown condition key {key!r}")

    def tools_of(self, node: Any, depth: int = 0) -> list[str] | None:
        """The tool globs a condition can only match (None when it may match any tool)."""
        if depth > 20:
            return None
        if isinstance(node, list):
            found = [self.tools_of(n, depth + 1) for n in node]
            return next((f for f in found if f is not None), None)
        if not isinstance(node, dict):
            return None
        if "tool" in node:
            return self.strings(node["tool"], node, "tool")
        if "macro" in node and str(node["macro"]) in self.macros:
            inner = self.tools_of(self.macros[str(node["macro"])], depth + 1)
            if inner is not None:
                return inner
        if "all" in node and isinstance(node["all"], list):
            inner = self.tools_of(node["all"], depth + 1)
            if inner is not None:
                return inner
        if "any" in node and isinstance(node["any"], list) and node["any"]:
            out: list[str] = []
            for branch in node["any"]:
                tools = self.tools_of(branch, depth + 1)
                if tools is None:
                    return None
                out.extend(tools)
            return out
        return None

    def boolean(self, value: Any, node: Any, key: str) -> bool:
        if not isinstance(value, bool):
            raise self.err(node, f"{key}: expected true or false")
        return value

    def cmd_condition(self, node: Any) -> CmdCond:
        if not isinstance(node, dict):
            raise self.err(node, "cmd: expected a mapping")
        unknown = set(node) - CMD_KEYS
        if unknown:
            raise self.err(node, f"unknown cmd key(s): {', '.join(sorted(unknown))}")
        preds: list[CmdCond] = [self.cmd_predicate(k, v, node) for k, v in node.items()]
        # `name` first: most commands fail it and the rest is never looked at.
        order = {"name": 0, "pipe_from": 1, "pipe_to": 1, "wrapper": 1, "via": 1}
        ranked = sorted(zip(list(node), preds, strict=True), key=lambda kp: order.get(kp[0], 2))
        preds = [p for _, p in ranked]
        if len(preds) == 1:
            return preds[0]

        def every(ev: Event, i: int, cmd: SimpleCommand, ctx: Context) -> bool:
            for p in preds:
                if not p(ev, i, cmd, ctx):
                    return False
            return True

        every.name_test = getattr(preds[0], "name_test", None)  # type: ignore[attr-defined]
        return every

    def cmd_predicate(self, key: str, value: Any, node: Any) -> CmdCond:
        if key == "any":
            if not isinstance(value, list) or not value:
                raise self.err(node, "cmd.any: expected a non-empty list")
            parts = [self.cmd_condition(v) for v in value]
            return lambda ev, i, cmd, ctx: any(p(ev, i, cmd, ctx) for p in parts)
        if key == "not":
            inner = self.cmd_condition(value)
            return lambda ev, i, cmd, ctx: not inner(ev, i, cmd, ctx)
        if key in ("name", "pipe_to", "pipe_from", "wrapper", "via"):
            m = name_matcher(self.strings(value, node, key))
            if key == "name":
                named = lambda ev, i, cmd, ctx: m(cmd.name)  # noqa: E731
                named.name_test = m  # type: ignore[attr-defined]  # see `some_command`
                return named
            if key == "wrapper":
                return lambda ev, i, cmd, ctx: any(m(w) for w in cmd.wrappers)
            attr = key
            return lambda ev, i, cmd, ctx: m(getattr(cmd, attr) or "")
        if key in ("args", "all_args", "no_args"):
            globs = self.strings(value, node, key)
            if key == "args":
                m = name_matcher(globs)
                return lambda ev, i, cmd, ctx: any(m(a) for a in cmd.args)
            if key == "no_args":
                m = name_matcher(globs)
                return lambda ev, i, cmd, ctx: not any(m(a) for a in cmd.args)
            ms = [name_matcher([g]) for g in globs]
            return lambda ev, i, cmd, ctx: all(any(mm(a) for a in cmd.args) for mm in ms)
        if key == "argv":
            rx = self.regex(value, node, key)
            return lambda ev, i, cmd, ctx: bool(rx.search(" ".join(cmd.argv)))
        if key == "redirect":
            m = path_matcher(self.strings(value, node, key))
            return lambda ev, i, cmd, ctx: any(
                op in REDIRECT_OUT and m(t) for op, t in cmd.redirects)
        if key in ("path", "read_path", "write_path"):
            m = path_matcher(self.strings(value, node, key))
            if key == "read_path":
                return lambda ev, i, cmd, ctx: any(m(p) for p in ev.cmd_paths.get(i, ()))
            if key == "write_path":
                return lambda ev, i, cmd, ctx: any(m(p) for p in ev.cmd_writes.get(i, ()))
            return lambda ev, i, cmd, ctx: any(m(p) for p in ev.cmd_paths.get(i, ())) or any(
                m(p) for p in ev.cmd_writes.get(i, ()))
        if key == "outside_cwd":
            want = self.boolean(value, node, key)
            return lambda ev, i, cmd, ctx: any(
                outside_cwd(p, ev.cwd) for p in ev.cmd_writes.get(i, ())) == want
        if key == "egress":
            want = self.boolean(value, node, key)
            return lambda ev, i, cmd, ctx: any(
                ctx.outside(h) for h in ev.cmd_hosts.get(i, ())) == want
        raise self.err(node, f"unknown cmd key {key!r}")

    # -------------------------------------------------------------------- rules

    def rule(self, node: Any) -> Rule:
        if not isinstance(node, dict):
            raise self.err(node, "each rule must be a mapping")
        unknown = set(node) - RULE_KEYS
        if unknown:
            raise self.err(node, f"unknown rule key(s): {', '.join(sorted(unknown))}")
        rid = node.get("id")
        if not isinstance(rid, str) or not _ID.match(rid):
            raise self.err(node, "id: required, lowercase letters, digits, '.', '_', '-'")
        where = f"rule {rid}: "
        severity = node.get("severity")
        if severity not in SEVERITIES:
            raise self.err(node, f"{where}severity must be one of {', '.join(SEVERITIES)}")
        if "when" not in node:
            raise self.err(node, f"{where}'when' is required")
        title = node.get("title") or rid
        tags = node.get("tags") or []
        if not isinstance(tags, list) or not all(isinstance(t, str) for t in tags):
            raise self.err(node, f"{where}tags: expected a list of strings")
        unless_node = node.get("unless") or []
        if not isinstance(unless_node, list):
            unless_node = [unless_node]
        after_node = node.get("after") or []
        if not isinstance(after_node, list):
            raise self.err(node, f"{where}after: expected a list of steps")
        steps = []
        for step in after_node:
            if not isinstance(step, dict) or not (set(step) <= {"rule", "tag"}) or not step:
                raise self.err(step if isinstance(step, dict) else node,
                               f"{where}each 'after' step needs rule: and/or tag:")
            rules = self.strings(step.get("rule", []), step, "rule") if "rule" in step else []
            tags_ = self.strings(step.get("tag", []), step, "tag") if "tag" in step else []
            steps.append(Step(name_matcher(rules) if rules else (lambda s: False),
                              frozenset(tags_), ",".join(rules + tags_)))
        within = node.get("within") or {}
        if not isinstance(within, dict) or not set(within) <= {"events", "minutes"}:
            raise self.err(node, f"{where}within: expected {{events: N, minutes: T}}")
        if steps and not within:
            raise self.err(node, f"{where}'after' needs a 'within' window")
        events = within.get("events")
        minutes = within.get("minutes")
        for name, val in (("events", events), ("minutes", minutes)):
            if val is not None and (isinstance(val, bool) or not isinstance(val, (int, float))
                                    or val <= 0):
                raise self.err(node, f"{where}within.{name} must be a positive number")
        for flag in ("emit", "blocking", "ordered", "enabled"):
            if flag in node and not isinstance(node[flag], bool):
                raise self.err(node, f"{where}{flag}: expected true or false")
        self.anchors.append(set())
        try:
            when = self.condition(node["when"])
            unless = [self.condition(u) for u in unless_node]
        except RuleError as exc:
            raise RuleError(str(exc).replace(": ", f": {where}", 1)) from exc
        finally:
            anchors = frozenset(self.anchors.pop())
        return Rule(
            id=rid, title=str(title), severity=severity, when=when,
            description=str(node.get("description") or ""), tags=list(tags), unless=unless,
            after=steps, ordered=node.get("ordered", True),
            within_events=int(events) if events else None,
            within_ns=int(minutes * 60 * 10**9) if minutes else None,
            emit=node.get("emit", True), blocking=node.get("blocking", False),
            tools=self.tools_of(node["when"]), anchors=anchors,
            source=f"{self.source}:{getattr(node, 'line', 0)}", raw=dict(node),
        )


def compile_file(text: str, source: str, lists: dict[str, list[str]] | None = None,
                 macros: dict[str, Any] | None = None, *, shipped: bool = False
                 ) -> tuple[list[Rule], list[str]]:
    """(rules, disabled rule ids) of one YAML rule file; `lists`/`macros` are shared;
    `shipped` for the built-in pack's files (`parse_yaml`)."""
    lists = lists if lists is not None else {}
    macros = macros if macros is not None else {}
    doc = parse_yaml(text, source, shipped=shipped)
    if doc is None:
        return [], []
    if isinstance(doc, list):
        doc = Node(rules=doc)
    if not isinstance(doc, dict):
        raise RuleError(f"{source}:1: expected a mapping with 'rules' (or a list of rules)")
    unknown = set(doc) - {"lists", "macros", "rules", "disable", "version"}
    if unknown:
        raise RuleError(f"{source}:{getattr(doc, 'line', 1)}: unknown top-level key(s): "
                        f"{', '.join(sorted(unknown))}")
    comp = Compiler(source, lists, macros)
    for name, items in (doc.get("lists") or {}).items():
        lists[str(name)] = comp.strings(items, doc.get("lists"), f"lists.{name}")
    for name, cond in (doc.get("macros") or {}).items():
        macros[str(name)] = cond
    rules_node = doc.get("rules") or []
    if not isinstance(rules_node, list):
        raise RuleError(f"{source}:{getattr(doc, 'line', 1)}: rules: expected a list")
    rules = [comp.rule(r) for r in rules_node if not (isinstance(r, dict)
                                                       and r.get("enabled") is False)]
    disabled = doc.get("disable") or []
    return rules, [str(d) for d in disabled]


__all__ = [
    "Compiler", "Context", "Node", "Rule", "RuleError", "Step", "compile_file", "glob_regex",
    "host_matcher", "name_matcher", "parse_yaml", "path_matcher",
]
