"""Applying the capture policy to built traces (pure, deterministic, in place).

`apply_policy(traces, policy)` runs after the builder and the cost stage, before redaction.
In order, per trace: drop it when its project is opted out (or not opted in); decide for
every tool call (by `tool_use_id`, from the tool observation and from the `tool_use` blocks
of generation outputs) whether its content is withheld by a path rule (which strings of its
input name files is `policy.inputs`'s, which rule such a path reaches on this machine
`policy.reach`'s) and which level it is captured at; withhold that content everywhere it
occurs (the tool observation's input fields, output, status and result fields, the
`tool_use` block in the generation that asked for it, and the `tool_result` block in the
next generation's input); and reduce everything at level `metadata` to size-and-hash
summaries. Names, ids, types, times, usage, cost, levels and models always stay. Nothing is
cut here: `max_field_kb` and the other size limits apply after redaction
(`cctrace.redact.cut`), so a cut never splits a secret the redactor would have recognised
whole.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from cctrace.model.types import Observation, Trace
from cctrace.policy import usershell
from cctrace.policy.bash import bash_files, bash_shape
from cctrace.policy.computed import computed_rule
from cctrace.policy.copies import Copies
from cctrace.policy.inputs import _BUILTIN, PATH_FIELDS, _commands, _input_paths
from cctrace.policy.reach import _LINKS, _REAL, _denied, _glob_rule, link_rule, scope_rule
from cctrace.policy.settings import Policy, path_denied
from cctrace.policy.shapes import OutputFilter
from cctrace.policy.withheld import Withheld

METADATA_ONLY = "metadata-only"
# Tool input fields that carry file content (written or replaced), per tool.
CONTENT_FIELDS: dict[str, tuple[str, ...]] = {
    "Write": ("content",),
    "Edit": ("old_string", "new_string"),
    "MultiEdit": ("edits",),
    "NotebookEdit": ("new_source",),
}
# Tools whose output is file names, never contents: a path rule does not apply to them.
NAME_ONLY_TOOLS = frozenset({"Glob", "LS"})
# Tools whose output is attributed by their input (the file read, written, fetched...):
# the structural output filter leaves them alone; every other tool's output (Grep, Bash,
# BashOutput, MCP tools) goes through it (`policy.shapes`).
_ATTRIBUTED_TOOLS = frozenset({"Read", "Write", "Edit", "MultiEdit", "NotebookEdit",
                               "NotebookRead", "WebFetch", "WebSearch", "TodoWrite", "Task",
                               "Agent", "ExitPlanMode", "Skill", "ToolSearch",
                               "AskUserQuestion", "Glob", "LS"})
# Strings that are identifiers or enums, never content, wherever they occur in metadata.
SAFE_META_KEYS = frozenset({
    "cwd", "git_branch", "version", "entrypoint", "prompt_uuid", "prompt_id", "user_type",
    "permission_mode", "message_id", "request_id", "stop_reason", "service_tier",
    "record_uuid", "tool_use_id", "agent_id", "agent_type", "launched_by_tool_use_id",
    "models", "subtype", "level", "logicalParentUuid", "type", "status", "mode",
    "agentId", "agentType", "resolvedModel", "trigger", "capture",
})
# Result fields that stay when a path rule withholds the rest.
SAFE_RESULT_KEYS = frozenset({"type", "filePath", "status", "mode"})
# Keys of content blocks that are structure (ids, names, types), not content.
SAFE_BLOCK_KEYS = frozenset({"type", "id", "tool_use_id", "name", "is_error", "role",
                             "cache_control"})


@dataclass
class PolicyResult:
    """The traces to keep, counters the caller adds to its stats (`store.bump`), the
    copies of denied files the run saw made, for the store to keep for later runs
    (`Copies.made`), and the raw texts it withheld, for the redactor to learn from."""

    traces: list[Trace]
    stats: dict[str, int] = field(default_factory=dict)
    copies: dict[str, str] = field(default_factory=dict)
    withheld: list[str] = field(default_factory=list)  # for the redactor (`Withheld`)


@dataclass
class ToolDecision:
    """What the policy does with one tool call's content."""

    name: str
    level: str
    rule: str | None = None  # the deny pattern, when a path rule withholds the content
    input_too: bool = False  # withhold the whole command (it writes to a denied path)
    shape: dict[str, bool] | None = None  # how the output filter reads its output
    background: bool = False  # a Bash command started with run_in_background
    cwd: str | None = None  # where the call ran (relative paths and output lines resolve here)

    @property
    def marker(self) -> str:
        return f"[WITHHELD:path-policy {self.rule}]"


# ------------------------------------------------------------------------ summaries


def _text_of(value: Any) -> str:
    if isinstance(value, str):
        return value
    return json.dumps(value, sort_keys=True, ensure_ascii=False, default=str)


def summary(value: Any) -> dict[str, Any]:
    """What level `metadata` keeps of a content value: its size and SHA-256."""
    text = _text_of(value)
    return {"withheld": METADATA_ONLY, "chars": len(text),
            "sha256": hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()}


def summary_text(value: str) -> str:
    """The summary as a string, for fields that must stay strings (status messages)."""
    s = summary(value)
    return f"[WITHHELD:{METADATA_ONLY} chars={s['chars']} sha256={s['sha256']}]"


_META_DEPTH = 32


def _summarize_meta(value: Any, key: str | None = None, depth: int = 0) -> Any:
    """Metadata with every string that is not an identifier or enum summarized (below
    `_META_DEPTH`, a whole subtree is one summary)."""
    if isinstance(value, (dict, list)) and depth >= _META_DEPTH:
        return summary(value)
    if isinstance(value, dict):
        return {k: _summarize_meta(v, k, depth + 1) for k, v in value.items()}
    if isinstance(value, list):
        if key in SAFE_META_KEYS and all(isinstance(v, str) for v in value):
            return list(value)
        return [_summarize_meta(v, None, depth + 1) for v in value]
    if isinstance(value, str):
        return value if key in SAFE_META_KEYS else summary(value)
    if value is None or isinstance(value, (bool, int, float)):
        return value
    return summary(value)


def _summarize_block(block: Any) -> Any:
    if not isinstance(block, dict):
        return summary(block) if block is not None else None
    return {k: (v if k in SAFE_BLOCK_KEYS and not isinstance(v, (dict, list)) or v is None
                else summary(v)) for k, v in block.items()}


# ------------------------------------------------------------------------ decisions


# Tools that read what a background Bash command printed.
_BACKGROUND_READERS = frozenset({"BashOutput", "TaskOutput"})
# The rules of what a bounded look could not clear (fail closed: withheld).
UNJUDGED_INPUT = "(tool input past the policy's bounds)"
UNJUDGED_SCRIPT = "(script past the policy's bounds)"


def decide(name: str, tool_input: Any, cwd: str | None, policy: Policy) -> ToolDecision:
    """The policy for one tool call, from its name and input."""
    decision = ToolDecision(name=name, level=policy.tool_level(name))
    if not isinstance(tool_input, Mapping) or name in NAME_ONLY_TOOLS:
        return decision
    if name == "Bash":
        command = tool_input.get("command")
        if isinstance(command, str):
            decision.rule, decision.input_too = _command_rule(command, cwd, policy)
        return decision
    if name == "Grep":
        rule = _glob_rule(tool_input.get("glob"), cwd, policy)
        if rule:
            decision.rule = rule
            return decision
    paths = _input_paths(tool_input, every_string=name not in _BUILTIN)
    if paths is None:
        decision.rule = UNJUDGED_INPUT
        return decision
    for path in paths:
        rule = _denied(path, cwd, policy)
        if rule:
            decision.rule = rule
            return decision
    if name not in _BUILTIN:
        # An MCP shell server's command line is judged as Bash's (`cat ~/.aws/config`).
        for command in _commands(tool_input):
            decision.rule, decision.input_too = _command_rule(command, cwd, policy)
            if decision.rule:
                return decision
    return decision


def _command_rule(command: str, cwd: str | None, policy: Policy) -> tuple[str | None, bool]:
    """(the rule that withholds a command line's output, whether its input goes too)."""
    files = bash_files(command, cwd)
    for path, at in files.writes:
        rule = path_denied(path, at, policy) or link_rule(path, at, policy)
        if rule:
            return rule, True
    for path, at in files.reads + files.inside:
        rule = _denied(path, at, policy)
        if rule:
            return rule, False
    for folder, at in files.opaque:
        rule = scope_rule(folder, at, policy)
        if rule:
            return rule, False
    if files.prints and policy.deny_patterns():
        # Its output is the secret itself, with no name beside it to redact it by.
        return f"(prints a secret: {files.prints})", False
    return (UNJUDGED_SCRIPT if files.unjudged
            else computed_rule(command, policy, files.computed)), False


def _withhold_input(tool_input: Any, decision: ToolDecision) -> Any:
    """The tool input with its content fields replaced by the marker (paths stay)."""
    if not isinstance(tool_input, dict):
        return decision.marker
    if decision.name == "Bash":
        if not decision.input_too:
            return tool_input
        return {k: (decision.marker if k == "command" else v) for k, v in tool_input.items()}
    fields = CONTENT_FIELDS.get(decision.name)
    out = {}
    for key, value in tool_input.items():
        if fields is not None:
            withhold = key in fields
        else:
            # Unknown tools (MCP): everything but the paths and small scalars may be content.
            withhold = key not in PATH_FIELDS and isinstance(value, (str, list, dict))
        out[key] = decision.marker if withhold and value not in (None, "", [], {}) else value
    return out


def _output_shape(d: ToolDecision, tool_input: Any) -> dict[str, bool] | None:
    """How a tool's output is read by the structural filter (`policy.shapes`), or None
    when its output is attributed by its input alone (Read of a file, Write, Edit...)."""
    if d.name in _ATTRIBUTED_TOOLS:
        return None
    args = tool_input if isinstance(tool_input, Mapping) else {}
    if d.name == "Grep":
        # Names and counts in these modes; the output is still read, in case it is not.
        listing = args.get("output_mode", "files_with_matches") in ("files_with_matches",
                                                                    "count")
        context = any(args.get(k) for k in ("-A", "-B", "-C", "context", "multiline"))
        return {"context": context, "listing": listing, "grep": True}
    if d.name == "Bash":
        command = args.get("command")
        if isinstance(command, str):
            return bash_shape(command)
    return {"context": True, "listing": False, "grep": False}


# ------------------------------------------------------------------------ the stage


class _TraceRun:
    def __init__(self, trace: Trace, policy: Policy, stats: Counter[str],
                 copies: Copies | None = None, withheld: Withheld | None = None) -> None:
        self.trace = trace
        self.policy = policy
        self.stats = stats
        self.copies = copies if copies is not None else Copies(policy.home)
        self.withheld = withheld if withheld is not None else Withheld()
        cwd = trace.metadata.get("cwd")
        self.cwd = cwd if isinstance(cwd, str) else None
        self.decisions: dict[str, ToolDecision] = {}
        self.filters: dict[str | None, OutputFilter] = {}

    def lines(self, d: ToolDecision) -> OutputFilter:
        """The output filter of the folder the call ran in."""
        cwd = d.cwd or self.cwd
        if cwd not in self.filters:
            self.filters[cwd] = OutputFilter(cwd, self.policy)
        return self.filters[cwd]

    def decision(self, tool_id: Any, name: Any, tool_input: Any,
                 cwd: Any = None, output: Any = None, result: Any = None
                 ) -> ToolDecision | None:
        if not isinstance(tool_id, str):
            return None
        if tool_id not in self.decisions:
            # A call's own folder (model.tools keeps it when a `cd` of an earlier call
            # moved the Bash tool away from where the turn began), else the turn's.
            at = cwd if isinstance(cwd, str) and cwd else self.cwd
            d = decide(str(name or "tool"), tool_input, at, self.policy)
            d.background = isinstance(tool_input, Mapping) and bool(
                tool_input.get("run_in_background"))
            if not d.rule and self.policy.deny_patterns():
                d.rule = self.copies.rule(d.name, tool_input, at)  # it reads a copy
            if d.rule:  # what it wrote holds what it read (`cp .env x`, then `cp x y`)
                self.copies.note(d.name, tool_input, at, d.rule)
                # and so do the files Claude Code put its output in
                self.copies.note_output(output, result, d.rule, d.background)
            d.cwd = at
            d.shape = _output_shape(d, tool_input)
            self.decisions[tool_id] = d
        return self.decisions[tool_id]

    def collect(self) -> None:
        # Tool observations first: their input is the one that ran; the generation's
        # tool_use block holds the same input and covers calls with no observation yet.
        for obs in self.trace.observations:
            if obs.type == "tool":
                self.decision(obs.metadata.get("tool_use_id"), obs.name, obs.input,
                              obs.metadata.get("cwd"), obs.output, obs.metadata.get("result"))
        for obs in self.trace.observations:
            if obs.type == "generation":
                for block in _blocks(obs.output):
                    if block.get("type") in ("tool_use", "server_tool_use"):
                        self.decision(block.get("id"), block.get("name"), block.get("input"))
        # A background command's output is read later by another tool (BashOutput,
        # TaskOutput): when a background command of this turn touched a denied file, what
        # those tools show of it is withheld too.
        rule = next((d.rule for d in self.decisions.values() if d.rule and d.name == "Bash"
                     and d.background), None)
        if rule:
            for d in self.decisions.values():
                if d.name in _BACKGROUND_READERS and not d.rule:
                    d.rule = rule

    # -------------------------------------------------------------- per observation

    def tool(self, obs: Observation) -> None:
        d = self.decisions.get(obs.metadata.get("tool_use_id"))  # type: ignore[arg-type]
        if d is None:
            d = ToolDecision(name=obs.name, level=self.policy.tool_level(obs.name))
            d.shape = _output_shape(d, obs.input)
        if d.rule:
            self.stats["withheld_tool_calls"] += 1
            self.withheld.keep(obs.output)
            obs.input = _withhold_input(obs.input, d)
            if obs.output is not None:
                obs.output = d.marker
            if obs.status_message:
                obs.status_message = d.marker
            result = obs.metadata.get("result")
            if isinstance(result, dict):
                obs.metadata["result"] = {
                    k: (d.marker if isinstance(v, str) and k not in SAFE_RESULT_KEYS else v)
                    for k, v in result.items()}
            obs.metadata["capture"] = "withheld:path-policy"
        elif d.shape is not None:
            lines = self.lines(d)
            obs.output = lines.value(obs.output, **d.shape)
            if isinstance(obs.status_message, str) and obs.status_message:
                obs.status_message = lines.text(obs.status_message, **d.shape)
            if isinstance(obs.metadata.get("result"), dict):
                obs.metadata["result"] = lines.value(obs.metadata["result"], **d.shape)
        if d.level == "metadata":
            self.metadata_only(obs)

    def metadata_only(self, obs: Observation) -> None:
        if obs.input is not None:
            obs.input = summary(obs.input)
        if obs.output is not None:
            obs.output = summary(obs.output)
        if obs.status_message:
            obs.status_message = summary_text(obs.status_message)
        obs.metadata = _summarize_meta(obs.metadata)

    def generation(self, obs: Observation) -> None:
        level = self.policy.level
        if isinstance(obs.input, list):
            obs.input = [self.message(m, level) for m in obs.input]
        elif obs.input is not None and level == "metadata":
            obs.input = summary(obs.input)
        if isinstance(obs.output, dict):
            obs.output = self.message(obs.output, level)
        elif obs.output is not None and level == "metadata":
            obs.output = summary(obs.output)
        if obs.status_message and level == "metadata":
            obs.status_message = summary_text(obs.status_message)
        if level == "metadata":
            obs.metadata = _summarize_meta(obs.metadata)

    def message(self, message: Any, level: str) -> Any:
        if not isinstance(message, dict):
            return summary(message) if level == "metadata" else message
        content = message.get("content")
        out = dict(message)
        if isinstance(content, list):
            out["content"] = [self.block(b, level) for b in content]
        elif content is not None and level == "metadata":
            out["content"] = summary(content)
        return out

    def block(self, block: Any, level: str) -> Any:
        if not isinstance(block, dict):
            return summary(block) if level == "metadata" and block is not None else block
        kind = block.get("type")
        d: ToolDecision | None = None
        if kind in ("tool_use", "server_tool_use"):
            d = self.decisions.get(block.get("id"))  # type: ignore[arg-type]
        elif kind == "tool_result":
            d = self.decisions.get(block.get("tool_use_id"))  # type: ignore[arg-type]
        if d is not None:
            if d.rule:
                block = dict(block)
                if kind == "tool_result":
                    block["content"] = d.marker
                else:
                    block["input"] = _withhold_input(block.get("input"), d)
            elif kind == "tool_result" and d.shape is not None:
                block = {**block, "content": self.lines(d).value(block.get("content"),
                                                                 **d.shape)}
            level = d.level
        return _summarize_block(block) if level == "metadata" else block

    def other(self, obs: Observation) -> None:
        # A subagent's prompt and answer repeat its Agent tool call's input and output.
        parent = self.tool_levels.get(obs.parent_id or "")
        if self.policy.level == "metadata" or (obs.type == "agent" and parent == "metadata"):
            self.metadata_only(obs)

    def user_shell(self) -> None:
        """A shell-mode prompt (`! cat .env`): its command judged as a Bash call, what it
        printed withheld, line-filtered or summarized as that call's output would be."""
        found = usershell.split(self.trace.input)
        if found is None:
            return
        command, parts = found
        d = self.decision(f"shell:{self.trace.id}", "Bash", {"command": command}, self.cwd)
        if d is None:  # (never: the id is a string)
            return
        if d.rule:
            self.stats["withheld_user_commands"] += 1
            self.withheld.keep("\n".join(body for _, body, _ in parts))
            command = _withhold_input({"command": command}, d)["command"]
            parts = [(o, d.marker if body else body, c) for o, body, c in parts]
        elif d.level == "metadata":
            parts = [(o, summary_text(body) if body else body, c) for o, body, c in parts]
        elif d.shape is not None:
            parts = [(o, self.lines(d).text(body, **d.shape), c) for o, body, c in parts]
        before, self.trace.input = self.trace.input, usershell.join(command, parts)
        for obs in self.trace.observations:
            if obs.type == "agent" and obs.parent_id is None and obs.input == before:
                obs.input = self.trace.input

    def run(self) -> None:
        self.user_shell()
        self.collect()
        self.tool_levels = {
            o.id: d.level for o in self.trace.observations if o.type == "tool"
            and (d := self.decisions.get(o.metadata.get("tool_use_id"))) is not None}  # type: ignore[arg-type]
        for obs in self.trace.observations:
            if obs.type == "tool":
                self.tool(obs)
            elif obs.type == "generation":
                self.generation(obs)
            else:
                self.other(obs)
        if self.policy.level == "metadata":
            self.stats["metadata_only_traces"] += 1
            if self.trace.input is not None:
                self.trace.input = summary(self.trace.input)
            if self.trace.output is not None:
                self.trace.output = summary(self.trace.output)
            self.trace.metadata = _summarize_meta(self.trace.metadata)
        withheld = sum(f.count for f in self.filters.values())
        if withheld:
            self.stats["withheld_lines"] += withheld


def _blocks(value: Any) -> list[dict[str, Any]]:
    content = value.get("content") if isinstance(value, dict) else value
    if isinstance(content, list):
        return [b for b in content if isinstance(b, dict)]
    return []


def apply_policy(traces: list[Trace], policy: Policy,
                 earlier: Mapping[str, str] | None = None) -> PolicyResult:
    """The traces `policy` lets through, rewritten in place; dropped ones are counted.
    `earlier`: the copies of denied files earlier runs saw made (`Copies.made`)."""
    stats: Counter[str] = Counter()
    kept: list[Trace] = []
    _REAL.clear()
    _LINKS.clear()
    copies = Copies(policy.home, earlier)  # shared by the turns of this run, in order
    withheld = Withheld()
    for trace in traces:
        cwd = trace.metadata.get("cwd")
        rule = policy.project_rule(cwd if isinstance(cwd, str) else None)
        if rule is not None:
            stats["dropped_opt_out" if rule.startswith("opt_out") else "dropped_not_opted_in"] += 1
            continue
        _TraceRun(trace, policy, stats, copies, withheld).run()
        kept.append(trace)
    return PolicyResult(kept, dict(sorted(stats.items())), copies.made, withheld.texts)
