"""`cctrace rules`: list the behaviour rules in force, check them, test a rule file.

`cctrace rules list [--json]` shows every rule (built-in pack plus the files of the config's
`[rules]` table, minus `disabled`) with severity, tags and where it is defined.
`cctrace rules check` compiles that set and exits 2 with `file:line: reason` on the first
error. `cctrace rules test FILE [EVENTS]` compiles FILE on top of the built-in pack (its
lists and macros are usable) and, given EVENTS (a Claude Code transcript, or JSONL of
`{"tool", "input", "output"?, "cwd"?}` tool calls), prints the findings FILE's rules raise.
`cctrace rules guard enable [--rule GLOB]... | disable | status [--json]` turns guard mode
on and off: enable compiles the blocking rules into `<state dir>/guard.json`, which the hook
consults on PreToolUse to deny matching calls (see `cctrace.hook.guard`).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from typing import Any

from cctrace import config as config_mod


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "rules", help="list, check and test behaviour rules",
        description="Behaviour rules turn risky agent actions into findings.")
    sub = p.add_subparsers(dest="rules_command", metavar="ACTION")
    ls = sub.add_parser("list", help="the rules in force")
    ls.add_argument("--json", action="store_true", help="JSON lines")
    ls.add_argument("--all", action="store_true", help="include signal-only rules")
    ls.set_defaults(func=run_list)
    ck = sub.add_parser("check", help="compile the configured rules, or rule FILEs on top of "
                        "the built-in pack; exit 2 on an error",
                        description="Without FILE: compile the rules in force (built-in pack "
                        "plus the config's [rules] files). With FILE(s): compile each on top of "
                        "the built-in pack (its lists and macros usable). Exit 2 with "
                        "file:line: reason on the first error.")
    ck.add_argument("files", nargs="*", metavar="FILE", help="YAML rule file(s) to check")
    ck.set_defaults(func=run_check)
    ts = sub.add_parser("test", help="compile a rule file and run it over tool calls")
    ts.add_argument("file", help="YAML rule file")
    ts.add_argument("events", nargs="?", help="transcript .jsonl, or JSONL of tool calls")
    ts.add_argument("--json", action="store_true", help="findings as JSON lines")
    ts.set_defaults(func=run_test)
    gd = sub.add_parser("guard", help="guard mode: deny tool calls matching blocking rules",
                        description="Guard mode (off by default) makes the hook deny a tool "
                        "call before it runs when it matches a rule marked blocking: true.")
    gsub = gd.add_subparsers(dest="guard_command", metavar="ACTION")
    ge = gsub.add_parser("enable", help="compile the blocking rules and turn guard mode on")
    ge.add_argument("--rule", action="append", default=[], metavar="GLOB",
                    help="also block the rules whose id matches GLOB (repeatable)")
    ge.set_defaults(func=run_guard_enable)
    gx = gsub.add_parser("disable", help="turn guard mode off")
    gx.set_defaults(func=run_guard_disable)
    gs = gsub.add_parser("status", help="is guard mode on, with which rules, is it current")
    gs.add_argument("--json", action="store_true", help="one JSON object")
    gs.set_defaults(func=run_guard_status)
    gd.set_defaults(func=lambda args: (gd.print_help(), 2)[1])
    p.set_defaults(func=lambda args: (p.print_help(), 2)[1])


def _error(exc: Exception) -> Any:
    from cctrace.cli.main import CliError

    return CliError(str(exc), code=2)


def _ruleset() -> Any:
    from cctrace.rules import RuleError, load_ruleset

    try:
        return load_ruleset(config_mod.load())
    except (RuleError, config_mod.ConfigError) as exc:
        raise _error(exc) from exc


def run_list(args: argparse.Namespace) -> int:
    ruleset = _ruleset()
    rules = [r for r in ruleset.rules if r.emit or args.all]
    for r in rules:
        if args.json:
            print(json.dumps({"id": r.id, "severity": r.severity, "title": r.title,
                              "tags": r.tags, "source": r.source, "emit": r.emit,
                              "blocking": r.blocking, "window": bool(r.after)}))
        else:
            flags = "".join((" [window]" if r.after else "", " [blocking]" if r.blocking
                             else "", "" if r.emit else " [signal]"))
            print(f"{r.id:<44} {r.severity:<8} {r.title}{flags}")
    if not args.json:
        print(f"{len(rules)} rule(s); allow_hosts: {', '.join(ruleset.allow_hosts)}",
              file=sys.stderr)
    return 0


def run_check(args: argparse.Namespace) -> int:
    if not getattr(args, "files", None):
        ruleset = _ruleset()
        print(f"ok: {len(ruleset.rules)} rule(s) from {len(ruleset.sources)} file(s)")
        return 0
    for path in args.files:
        mine = _compile_file(path)[1]
        print(f"ok: {path}: {len(mine)} rule(s)")
    return 0


def _compile_file(path: str) -> tuple[Any, list[Any]]:
    """(the built-in pack plus `path`, the rules `path` defines); exit 2 on an error."""
    from cctrace.rules import RuleError, build_ruleset

    try:
        with open(path, encoding="utf-8") as fh:
            text = fh.read()
    except (OSError, UnicodeDecodeError) as exc:
        why = exc.strerror if isinstance(exc, OSError) else "not UTF-8 text"
        raise _error(RuleError(f"{path}:0: cannot read: {why}")) from exc
    try:
        full = build_ruleset([(path, text)])
    except RuleError as exc:
        raise _error(exc) from exc
    return full, [r for r in full.rules if r.source.startswith(f"{path}:")]


def _observation(i: int, call: dict[str, Any]) -> Any:
    from cctrace.model.types import Observation, Trace

    start = 1_700_000_000 * 10**9 + i * 10**9
    obs = Observation(id=f"{i + 1:016x}", trace_id=f"{i + 1:032x}", parent_id=None,
                      type="tool", name=str(call.get("tool") or call.get("tool_name") or "?"),
                      start_ns=start, end_ns=start, input=call.get("input",
                                                                  call.get("tool_input")),
                      output=call.get("output", call.get("tool_response")),
                      metadata={"tool_use_id": f"test-{i + 1}"})
    return Trace(id=f"{i + 1:032x}", session_id="rules-test", name="test", start_ns=start,
                 end_ns=start, metadata={"cwd": call.get("cwd") or os.getcwd()},
                 observations=[obs])


def _traces(path: str) -> list[Any]:
    from cctrace.cli.main import CliError

    try:
        with open(path, encoding="utf-8") as fh:
            lines = [json.loads(line) for line in fh if line.strip()]
    except (OSError, ValueError) as exc:
        raise CliError(f"{path}: {exc}", code=2) from exc
    if any(isinstance(x, dict) and x.get("type") in ("user", "assistant") for x in lines):
        from cctrace.model.build import BuildContext, build_traces
        from cctrace.transcript import locate
        from cctrace.transcript.reader import read_new

        result = read_new(path, None)
        ctx = BuildContext(load_sidechain=locate.sidechain_loader(path), final=True)
        return build_traces(result.records, ctx).traces
    return [_observation(i, x) for i, x in enumerate(lines) if isinstance(x, dict)]


def run_test(args: argparse.Namespace) -> int:
    from cctrace.rules import build_ruleset, evaluate

    full, mine = _compile_file(args.file)
    builtin_ids = {r.id for r in build_ruleset([], builtin=True).rules}
    print(f"{args.file}: {len(mine)} rule(s) ok"
          + (f" ({sum(r.id in builtin_ids for r in mine)} replace built-in rules)"
             if any(r.id in builtin_ids for r in mine) else ""), file=sys.stderr)
    if not args.events:
        for r in mine:
            print(f"{r.id:<44} {r.severity:<8} {r.title}")
        return 0
    traces = _traces(args.events)
    ids = {r.id for r in mine}
    findings = [f for f in evaluate(traces, full) if f.rule_id in ids]
    for f in sorted(findings, key=lambda f: f.time_ns):
        if args.json:
            print(json.dumps({"rule_id": f.rule_id, "severity": f.severity, "title": f.title,
                              "observation_id": f.observation_id, "detail": f.detail}))
        else:
            print(f"{f.severity:<8} {f.rule_id:<40} {f.detail.get('evidence', '')}")
    print(f"{len(findings)} finding(s)", file=sys.stderr)
    return 1 if findings else 0


# ----------------------------------------------------------------------- guard mode


def _guard_data(extra: list[str]) -> tuple[dict[str, Any], list[str], Any]:
    """(guard.json data, warnings, config) for the rules in force now."""
    from cctrace.hook.guard import build_guard
    from cctrace.rules import RuleError
    from cctrace.rules.engine import builtin_pack_files

    try:
        cfg = config_mod.load()
    except config_mod.ConfigError as exc:
        raise _error(exc) from exc
    ruleset = _ruleset()
    builtin = dict(builtin_pack_files())
    files: list[tuple[str, str]] = []
    try:
        for name in ruleset.sources:
            if name in builtin:
                files.append((name, builtin[name]))
            else:
                with open(name, encoding="utf-8") as fh:
                    files.append((name, fh.read()))
        data, warnings = build_guard(files, ruleset, extra)
    except OSError as exc:
        raise _error(RuleError(f"{exc.filename}:0: cannot read: {exc.strerror}")) from exc
    except RuleError as exc:
        raise _error(exc) from exc
    return data, warnings, cfg


def run_guard_enable(args: argparse.Namespace) -> int:
    from cctrace.cli.main import CliError
    from cctrace.hook.guard import write_guard

    data, warnings, cfg = _guard_data(args.rule)
    for w in warnings:
        print(f"warning: {w}", file=sys.stderr)
    if not data["rules"]:
        raise CliError("no rule can block: mark rules `blocking: true` in a rule file of the "
                       "[rules] table, or name them with --rule GLOB", code=2)
    path = write_guard(cfg.state_dir, data)
    print(f"guard mode on: {len(data['rules'])} blocking rule(s) in {path}")
    for entry in data["rules"]:
        rule = entry["rule"]
        print(f"  {rule['id']:<44} {rule.get('severity', ''):<8} {rule.get('title', '')}")
    print("Run `cctrace rules guard enable` again after changing rule files.", file=sys.stderr)
    return 0


def run_guard_disable(args: argparse.Namespace) -> int:
    from cctrace.hook.guard import remove_guard

    cfg = config_mod.load()
    print("guard mode off" if remove_guard(cfg.state_dir) else "guard mode was already off")
    return 0


def run_guard_status(args: argparse.Namespace) -> int:
    from cctrace.cli.main import CliError
    from cctrace.hook.guard import DENIED_COUNTER, guard_path, read_guard
    from cctrace.spool import diag

    cfg = config_mod.load()
    try:
        current = read_guard(cfg.state_dir)
    except (OSError, ValueError) as exc:
        raise CliError(f"guard mode: unreadable {guard_path(cfg.state_dir)}: {exc}",
                       code=2) from exc
    denied = diag.read_counters(cfg.state_dir, DENIED_COUNTER).get(DENIED_COUNTER, 0)
    errors = diag.read_counters(cfg.state_dir, "hook.guard_error").get("hook.guard_error", 0)
    out: dict[str, Any] = {"enabled": current is not None, "path": guard_path(cfg.state_dir),
                           "denied": denied, "errors": errors}
    if current is not None:
        out["rules"] = [e["rule"]["id"] for e in current.get("rules", [])]
        out["extra"] = current.get("extra", [])
        try:
            fresh, _, _ = _guard_data(list(current.get("extra") or []))
            out["current"] = fresh["digest"] == current.get("digest")
        except CliError as exc:
            out["current"] = False
            out["problem"] = str(exc)
    if args.json:
        print(json.dumps(out))
        return 0
    if current is None:
        print(f"guard mode off ({denied} call(s) denied so far)")
        return 0
    print(f"guard mode on: {len(out['rules'])} blocking rule(s); {denied} call(s) denied, "
          f"{errors} evaluation error(s) (allowed)")
    for rid in out["rules"]:
        print(f"  {rid}")
    if not out["current"]:
        print("stale: the rules in force changed; run `cctrace rules guard enable` again"
              + (f" ({out['problem']})" if "problem" in out else ""), file=sys.stderr)
        return 1
    return 0
