"""The worker keeps Claude Code's own counts (2.1.x `cost-state` records): each with the
time of the record before it, and in a fork, the parent and the fork's first own prompt."""

from __future__ import annotations

from cctrace.store.db import Store
from cctrace.transcript.records import Record
from cctrace.worker.coststates import cost_states, fork_of, with_fork

PARENT, FORK = "parent-session", "fork-session"


def rec(kind: str, ts: str | None = None, **extra) -> Record:
    data = {"type": kind, "sessionId": FORK, **extra}
    if ts:
        data["timestamp"] = f"2026-12-06T18:00:{ts}Z"
    return Record(data)


def state(total: float) -> dict:
    return {"totalCostUSD": total, "hasUnknownModelCost": False,
            "modelUsage": {"claude-opus-5-5": {"inputTokens": 1, "costUSD": total}}}


def test_a_count_takes_the_time_of_the_record_before_it():
    records = [rec("user", "01.000", message={"role": "user", "content": "hi"}),
               rec("assistant", "02.000", message={"id": "m1", "content": []}),
               rec("cost-state", **state(0.5)),
               rec("user", "05.000", message={"role": "user", "content": "again"}),
               rec("cost-state", **state(0.7))]
    got = cost_states(records, None)
    assert [(sid, s.total_usd, s.time_ns, s.parent_session_id) for sid, s in got] == [
        (FORK, 0.5, 1796580002000000000, None), (FORK, 0.7, 1796580005000000000, None)]


def test_a_fork_names_its_parent_and_its_first_own_prompt():
    copied = {"requestSessionId": PARENT, "message": {"id": "m1", "content": []}}
    records = [rec("queue-operation", "09.000"),
               rec("user", "01.000", message={"role": "user", "content": "old prompt"}),
               rec("assistant", "02.000", **copied),
               rec("system", "02.500", subtype="stop_hook_summary"),
               rec("user", "08.000", message={"role": "user", "content": "fork prompt"}),
               rec("assistant", "09.500", message={"id": "m2", "content": []}),
               rec("cost-state", **state(0.9))]
    ((sid, got),) = cost_states(records, None)
    assert (sid, got.parent_session_id, got.fork_ns) == (FORK, PARENT, 1796580008000000000)


def test_later_counts_of_a_fork_keep_its_parent(_isolated_state):
    ((_, first),) = cost_states([
        rec("assistant", "02.000", requestSessionId=PARENT, message={"id": "m1"}),
        rec("user", "08.000", message={"role": "user", "content": "fork prompt"}),
        rec("cost-state", **state(0.9))], None)
    ((_, later),) = cost_states([rec("user", "20.000", message={"role": "user",
                                                               "content": "more"}),
                                 rec("cost-state", **state(1.2))], None)
    with Store.open() as store:
        store.save_cost_state(FORK, first)
        assert later.parent_session_id is None
        kept = with_fork(store, FORK, later)
        assert (kept.parent_session_id, kept.fork_ns) == (PARENT, first.fork_ns)
        store.save_cost_state(PARENT, cost_states([rec("user", "00.500"),
                                                   rec("cost-state", **state(0.6))], None)[0][1])
        store.save_cost_state(FORK, kept)
        # Read back: the fork's own count is its latest minus the parent's at the fork.
        assert store.latest_cost_states([FORK])[FORK].own_usd == 1.2 - 0.6


def test_a_fork_seen_in_an_earlier_read_still_takes_its_parents_count_off(_isolated_state):
    """The read holding the copied history may end before the fork's cost-state: the
    relation is kept from that read (`fork_of`), the count of a later read gets it."""
    first_read = [rec("assistant", "02.000", requestSessionId=PARENT, message={"id": "m1"}),
                  rec("user", "08.000", message={"role": "user", "content": "fork prompt"})]
    assert fork_of(first_read) == (FORK, PARENT, 1796580008000000000)
    assert fork_of(first_read[:1]) == (FORK, PARENT, None)
    assert fork_of(first_read[1:]) is None
    ((_, later),) = cost_states([rec("user", "20.000", message={"role": "user",
                                                               "content": "more"}),
                                 rec("cost-state", **state(1.0))], None)
    assert later.parent_session_id is None
    with Store.open() as store:
        store.save_fork(FORK, PARENT, None)
        store.save_fork(*fork_of(first_read))  # a later note adds the time
        store.save_cost_state(PARENT, cost_states([rec("user", "00.500"),
                                                   rec("cost-state", **state(0.6))], None)[0][1])
        store.save_cost_state(PARENT, cost_states([rec("user", "30.000"),
                                                   rec("cost-state", **state(0.8))], None)[0][1])
        store.save_cost_state(FORK, later)
        # the parent's count before the fork's first own prompt (0.6, not the later 0.8)
        assert store.latest_cost_states([FORK])[FORK].own_usd == 1.0 - 0.6
