"""Behaviour rules: risky agent actions in tool calls become `Finding`s (see docs/rules.md).

Rules are YAML data (`packs/` holds the built-in pack; users add files through the config's
`[rules]` table). `shell` parses Bash commands through wrappers and obfuscation, `event`
extracts the facts of one tool call, `schema` validates and compiles rule files, `engine`
evaluates them with per-session windows. The worker calls `evaluate` after a batch is
built, policy-applied and redacted; nothing here runs in the hook.
"""

from __future__ import annotations

from typing import Any

# Exports resolve on first use (PEP 562): importing a submodule (schema, event, shell) must
# not pull in the engine, whose `importlib.resources` and friends cost ~30 ms; the hook's
# guard mode imports `cctrace.rules.schema` under `python -S` on PreToolUse.
_EXPORTS = {
    "RuleSet": "engine", "SessionWindow": "engine", "apply_risk_tags": "engine",
    "build_ruleset": "engine", "evaluate": "engine", "evaluate_event": "engine",
    "load_ruleset": "engine", "load_window": "engine", "save_window": "engine",
    "trace_risk": "engine", "Rule": "schema", "RuleError": "schema",
}

__all__ = ["Rule", "RuleError", "RuleSet", "SessionWindow", "apply_risk_tags", "build_ruleset",
           "evaluate", "evaluate_event", "load_ruleset", "load_window", "save_window",
           "trace_risk"]


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from importlib import import_module

    value = getattr(import_module(f"cctrace.rules.{module}"), name)
    globals()[name] = value
    return value
