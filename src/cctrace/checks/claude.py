"""The `claude` check: the Claude Code binary, its version, and whether it is old enough.

Its version is what the hook check judges the settings files against (`Context.version`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from cctrace.checks.base import FAIL, OK, WARN, Check, Context, Spec


def check_claude(env: Mapping[str, str]) -> tuple[Check, Any]:
    from cctrace.install import events as ev
    from cctrace.install.claude import claude_version, find_claude

    binary = find_claude(None, env)
    if binary is None:
        return Check("claude", WARN, "claude not found on PATH",
                     "install Claude Code, or set CCTRACE_CLAUDE_BIN"), None
    version = claude_version(binary)
    if version is None:
        return Check("claude", WARN, f"{binary} did not report its version",
                     "run `claude --version` to see why"), None
    text = ev.format_version(version)
    if version < ev.OLDEST_VERIFIED:
        return Check("claude", FAIL, f"Claude Code {text} is older than "
                     f"{ev.format_version(ev.OLDEST_VERIFIED)}", "upgrade Claude Code",
                     {"version": text}), version
    return Check("claude", OK, f"Claude Code {text} ({binary})", "",
                 {"version": text, "binary": binary}), version


def _run(ctx: Context) -> list[Check]:
    if not ctx.probe_claude:
        return []
    check, ctx.version = check_claude(ctx.env)
    return [check]


CHECK = Spec(("claude",), _run)
