"""A rule's condition with its tool tests answered in advance, for one tool name.

Every event is one tool's call, and most of a rule's tests are `tool:` globs: a rule with
four `any:` branches for Bash, Grep and Read tested the tool name of each branch on every
event, through a closure per level. `for_tool(cond, tool)` walks the combinators the
compiler tagged (`all_of`, `any_of` in `rules/schema.py`) and replaces each `tool:` test
by its answer for `tool`: a conjunction with a failed tool test is False, a disjunction
keeps only the branches that can still match, and what is left is rebuilt from the same
predicates in the same order. Predicates are pure (their caches aside), so the answer is
the same as the whole condition's for every event of that tool; `RuleSet.for_tool` keeps
one plan per tool name. Any other closure is kept as it is.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from cctrace.rules.schema import Cond, Rule, conjunction

# What a rule becomes for one tool: (rule, `when` or True, the `unless` conditions left).
Plan = tuple[Rule, "Cond | bool", tuple[Cond, ...]]


def for_tool(cond: Cond, tool: str) -> Cond | bool:
    """`cond` for events of `tool`: True, False, or a condition without tool tests."""
    test: Callable[[str], bool] | None = getattr(cond, "tool_test", None)
    if test is not None:
        return bool(test(tool))
    parts: list[Cond] | None = getattr(cond, "all_of", None)
    if parts is not None:
        kept: list[Cond] = []
        for part in parts:
            answer = for_tool(part, tool)
            if answer is False:
                return False
            if answer is not True:
                kept.append(answer)  # type: ignore[arg-type]
        return conjunction(kept) if kept else True
    parts = getattr(cond, "any_of", None)
    if parts is not None:
        branches: list[Cond] = []
        for part in parts:
            answer = for_tool(part, tool)
            if answer is True:
                return True
            if answer is not False:
                branches.append(answer)  # type: ignore[arg-type]
        if not branches:
            return False
        if len(branches) == 1:
            return branches[0]
        return _first_of(branches)
    return cond


def _first_of(branches: list[Cond]) -> Cond:
    """True when a branch matches, trying them in order (a loop, not `any()` over a
    generator: this runs for most rules on every event)."""

    def first_of(ev: Any, ctx: Any) -> bool:
        for branch in branches:
            if branch(ev, ctx):
                return True
        return False

    return first_of


def plan(rule: Rule, tool: str) -> Plan | None:
    """The rule for events of `tool`, or None when no such event can match it."""
    when = for_tool(rule.when, tool)
    if when is False:
        return None
    unless: list[Cond] = []
    for exc in rule.unless:
        answer = for_tool(exc, tool)
        if answer is True:
            return None
        if answer is not False:
            unless.append(answer)  # type: ignore[arg-type]
    return rule, when, tuple(unless)


def matches(item: Plan, ev: Any, ctx: Any) -> bool:
    """`Rule.matches` of a planned rule."""
    _, when, unless = item
    if when is not True and not when(ev, ctx):  # type: ignore[operator]
        return False
    for exc in unless:
        if exc(ev, ctx):
            return False
    return True
