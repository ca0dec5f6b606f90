"""Which hook events cctrace registers, gated by the Claude Code release that will read them.

An event name a release does not know makes that release ignore every hook in the settings
file (the user's own hooks too), silently. So the table below only grants an event from the
oldest release on which it was *verified* to be accepted; releases in between verified points
get the smaller set. Pure: version strings in, event names out.
"""

from __future__ import annotations

import re

# The events cctrace listens to, in the order they are written to settings.
EVENTS: tuple[str, ...] = (
    "SessionStart",
    "UserPromptSubmit",
    "PreToolUse",
    "PostToolUse",
    "PostToolUseFailure",
    "SubagentStart",
    "SubagentStop",
    "Stop",
    "StopFailure",
    "PreCompact",
    "PostCompact",
    "SessionEnd",
    "Notification",
)

# Tool events take a tool-name matcher; "*" matches every tool.
TOOL_EVENTS: frozenset[str] = frozenset({"PreToolUse", "PostToolUse", "PostToolUseFailure"})

Version = tuple[int, int, int]

# The oldest release cctrace was verified with; everything in CORE_EVENTS works there.
OLDEST_VERIFIED: Version = (1, 0, 128)

# Verified: 1.0.128 lacks PostToolUseFailure, SubagentStart, StopFailure (and PostToolBatch);
# 2.0.77 has those two but lacks StopFailure and PostCompact; 2.1.328 knows them all.
# An event absent here is in the core set.
MIN_VERSION: dict[str, Version] = {
    "PostToolUseFailure": (2, 0, 77),
    "SubagentStart": (2, 0, 77),
    "StopFailure": (2, 1, 328),
    "PostCompact": (2, 1, 328),
}

# Known to every supported release: what to register when the release is unknown, and all a
# static plugin hooks.json may name.
CORE_EVENTS: tuple[str, ...] = tuple(e for e in EVENTS if e not in MIN_VERSION)

_VERSION_RE = re.compile(r"(\d+)\.(\d+)\.(\d+)")


class UnsupportedRelease(ValueError):
    """The release is older than any cctrace was verified with."""


def parse_version(text: str) -> Version | None:
    """The first `X.Y.Z` in `text` (e.g. `claude --version` output), or None."""
    match = _VERSION_RE.search(text or "")
    if not match:
        return None
    major, minor, patch = (int(g) for g in match.groups())
    return (major, minor, patch)


def format_version(version: Version) -> str:
    return ".".join(str(part) for part in version)


def supported_events(version: Version | None) -> tuple[str, ...]:
    """The events to register for `version`; the core set when it is unknown (None).

    Raises UnsupportedRelease below OLDEST_VERIFIED: even the core set was never checked there,
    and guessing wrong would silence the user's other hooks.
    """
    if version is None:
        return CORE_EVENTS
    if version < OLDEST_VERIFIED:
        raise UnsupportedRelease(
            f"Claude Code {format_version(version)} is older than "
            f"{format_version(OLDEST_VERIFIED)}, the oldest release cctrace supports"
        )
    return tuple(e for e in EVENTS if version >= MIN_VERSION.get(e, OLDEST_VERIFIED))
