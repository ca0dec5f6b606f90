"""Sessions the store knows without a trace, and erasing everything that names one
(`Erasure.known_session`, `Erasure.purge_sessions`)."""

from __future__ import annotations

import pytest

from cctrace.store.db import Store
from cctrace.store.hooks import HookEvent
from cctrace.store.sessions import AmbiguousSession


def _hook(seq: int, sid: str, path: str) -> HookEvent:
    return HookEvent(seq, 1_000 + seq, sid, "SessionStart", transcript_path=path,
                     payload={"session_id": sid})


def test_a_session_known_only_by_hook_events_or_a_fork_is_found(_isolated_state):
    with Store.open() as store:
        store.add_hook_events([_hook(1, "abc-only-hooks", "/p/abc-only-hooks.jsonl")])
        store.save_fork("fork-xyz", "parent-1", None)
        assert store.known_session("abc-only-hooks") == "abc-only-hooks"
        assert store.known_session("abc") == "abc-only-hooks"
        assert store.known_session("fork-x") == "fork-xyz"
        assert store.known_session("nothing") is None
        assert store.known_session("  ") is None
        # `_` and `%` are literal in a prefix, not LIKE wildcards.
        assert store.known_session("abc_only") is None
        assert store.known_session("fork%") is None
        store.save_fork("fork-xyw", "parent-1", None)
        with pytest.raises(AmbiguousSession):
            store.known_session("fork-xy")
        assert store.known_session("fork-xyz") == "fork-xyz"


def test_purge_sessions_takes_every_row_naming_the_session_and_no_other(_isolated_state):
    with Store.open() as store:
        store.add_hook_events([_hook(1, "sess-1", "/p/sess-1.jsonl"),
                               _hook(2, "sess-10", "/p/sess-10.jsonl")])
        store.save_fork("sess-1", "sess-0", 5)
        store.save_fork("sess-10", "sess-0", 5)
        for path in ("/p/sess-1.jsonl", "/p/sess-1/subagents/agent-a1.jsonl",
                     "/elsewhere/sess-1.jsonl", "rules-window:sess-1",
                     "/p/sess-10.jsonl", "rules-window:sess-10"):
            store.set_cursor(path, {"offset": 1})
        counts = store.purge_sessions(["sess-1"])
        assert counts == {"hook_events": 1, "findings": 0, "sessions": 0, "cost_states": 0,
                          "session_forks": 1, "cursors": 4}
        left = [r[0] for r in store._read("SELECT path FROM cursors ORDER BY path")]
        assert left == ["/p/sess-10.jsonl", "rules-window:sess-10"]
        assert store.known_session("sess-10") == "sess-10"
        assert store.known_session("sess-1") == "sess-10"  # now the only one it prefixes
        assert store.purge_sessions([]) == {k: 0 for k in counts}


def test_the_rule_windows_key_is_the_rule_engines():
    from cctrace.rules.engine import WINDOW_KEY
    from cctrace.store.cursors import RULES_WINDOW

    assert RULES_WINDOW == WINDOW_KEY == "rules-window:"
