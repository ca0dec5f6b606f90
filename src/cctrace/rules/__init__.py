"""Behaviour rules: risky agent actions in tool calls become `Finding`s (see docs/rules.md).

Rules are YAML data (`packs/` holds the built-in pack; users add files through the config's
`[rules]` table). `shell` parses Bash commands through wrappers and obfuscation, `event`
extracts the facts of one tool call, `schema` validates and compiles rule files, `engine`
evaluates them with per-session windows. The worker calls `evaluate` after a batch is
built, policy-applied and redacted; nothing here runs in the hook.
"""

from cctrace.rules.engine import (
    RuleSet,
    SessionWindow,
    apply_risk_tags,
    build_ruleset,
    evaluate,
    evaluate_event,
    load_ruleset,
    load_window,
    save_window,
    trace_risk,
)
from cctrace.rules.schema import Rule, RuleError

__all__ = ["Rule", "RuleError", "RuleSet", "SessionWindow", "apply_risk_tags", "build_ruleset",
           "evaluate", "evaluate_event", "load_ruleset", "load_window", "save_window",
           "trace_risk"]
