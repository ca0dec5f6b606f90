"""Release gating of the hook events: only events a release is verified to accept."""

from __future__ import annotations

import pytest

from cctrace.install import events as ev


def test_parse_version_reads_claude_output():
    assert ev.parse_version("2.1.328 (Claude Code)\n") == (2, 1, 328)
    assert ev.parse_version("1.0.128") == (1, 0, 128)
    assert ev.parse_version("claude: command not found") is None
    assert ev.parse_version("") is None


def test_1_0_128_gets_only_the_core_set():
    got = ev.supported_events((1, 0, 128))
    for missing in ("PostToolUseFailure", "PostToolBatch", "StopFailure", "SubagentStart"):
        assert missing not in got
    assert got == ev.CORE_EVENTS
    assert {"SessionStart", "PreToolUse", "PostToolUse", "Stop", "SessionEnd"} <= set(got)


def test_2_0_77_lacks_stopfailure_and_postcompact():
    got = set(ev.supported_events((2, 0, 77)))
    assert {"PostToolUseFailure", "SubagentStart"} <= got
    assert not {"PostToolBatch", "StopFailure", "PostCompact"} & got


def test_2_1_328_gets_every_event():
    assert ev.supported_events((2, 1, 328)) == ev.EVENTS
    assert ev.supported_events((3, 0, 0)) == ev.EVENTS


def test_between_verified_points_the_smaller_set_wins():
    assert "StopFailure" not in ev.supported_events((2, 1, 0))
    assert "SubagentStart" not in ev.supported_events((2, 0, 76))


def test_unknown_release_gets_the_core_set():
    assert ev.supported_events(None) == ev.CORE_EVENTS


def test_older_than_verified_is_refused():
    with pytest.raises(ev.UnsupportedRelease, match="1.0.127"):
        ev.supported_events((1, 0, 127))


def test_core_set_is_in_the_canonical_order_and_never_names_postToolBatch():
    assert list(ev.CORE_EVENTS) == [e for e in ev.EVENTS if e in ev.CORE_EVENTS]
    assert "PostToolBatch" not in ev.EVENTS
