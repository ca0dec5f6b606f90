"""`Store` is the sum of its concern classes: every concern is in it, and no two concerns
define the same name (with mixins a second definition would silently shadow the first)."""

from __future__ import annotations

import inspect
from itertools import combinations

from cctrace.store import db
from cctrace.store.connection import Connection


def concerns() -> list[type]:
    return [c for c in db.Store.__mro__[1:] if c not in (Connection, object)]


def test_every_concern_module_is_composed() -> None:
    assert sorted(c.__module__.rsplit(".", 1)[1] for c in concerns()) == [
        "costs", "counters", "cursors", "erasure", "facts", "findings", "hooks", "outbox",
        "policycopies", "sessions", "traces"]
    assert all(issubclass(c, Connection) for c in concerns())
    assert db.Store.__dict__.keys() <= {"__module__", "__doc__", "__qualname__",
                                        "__firstlineno__", "__static_attributes__"}


def test_no_two_concerns_define_the_same_name() -> None:
    def own(cls: type) -> set[str]:
        return {n for n in vars(cls) if not (n.startswith("__") and n.endswith("__"))}

    clashes = {(a.__name__, b.__name__): own(a) & own(b)
               for a, b in combinations([*concerns(), Connection], 2) if own(a) & own(b)}
    assert clashes == {}


# The public methods of the single `Store` class before the split (issue 16).
BEFORE_SPLIT = """add_findings add_hook_events batch break_lease bump checkpoint claim close
counters
cursor_paths dead_letter dead_letters drop_pending due_batches enqueue_batch failing
find_session finding_from_row findings get_cursor has_session_events hook_tools
insert_hook_events insert_traces last_delivered_ns latest_observation_rowid lease_owner
live_bytes mark_delivered mark_retry observations_after oldest_settled_traces on_rollback open
outbox_counts pending_count purge_older_than purge_traces report_facts requeue_dead
select_traces session session_events session_tree sessions set_cursor trace_header
trace_sessions transaction""".split()


def test_every_method_of_the_old_store_is_still_there() -> None:
    public = {n for n, _ in inspect.getmembers(db.Store, callable) if not n.startswith("_")}
    assert len(BEFORE_SPLIT) == 49
    assert sorted(set(BEFORE_SPLIT) - public) == []
