"""Exact rows of erasure (`cctrace.store.erasure`): which traces a purge selects, and what
`purge_traces`, `purge_sessions`, `purge_older_than` delete (counts per table, the rows
left), the unsent batches of erased spans and findings, and what a size cap may evict.

Run first by `bench/mutation.py -m store.erasure`: a store in a temp folder, no cipher, no
worker; the statement-size chunks are made small so every loop runs more than once.
"""

from __future__ import annotations

import pytest

from cctrace.findings import Finding
from cctrace.model.ids import span_id
from cctrace.store import connection
from cctrace.store.db import HookEvent, Store
from cctrace.store.outbox import DELIVERED
from store.helpers import SEC, T0, turn

ZERO = {"traces": 0, "observations": 0, "outbox": 0, "findings": 0, "sessions": 0,
        "hook_events": 0}
ZERO_SESSIONS = {"hook_events": 0, "findings": 0, "sessions": 0, "cost_states": 0,
                 "session_forks": 0, "cursors": 0}


@pytest.fixture
def store(tmp_path, monkeypatch):
    # Two ids a statement: every chunked loop of the module runs more than once.
    monkeypatch.setattr(connection, "_CHUNK", 2)
    with Store(str(tmp_path / "cctrace.db")) as s:
        yield s


def _ids(store: Store, sql: str) -> list:
    return [r[0] for r in store._read(sql, ())]


def _finding(fid: str, session: str | None = None, trace: str | None = None) -> Finding:
    return Finding(id=fid, kind="rule", rule_id="r", severity="high", title="t", time_ns=1,
                   session_id=session, trace_id=trace)


def _hook(seq: int, session: str | None, path: str | None = None,
          received_ns: int = T0) -> HookEvent:
    return HookEvent(seq, received_ns, session, "Stop", transcript_path=path,
                     payload={"session_id": session})


def _batch(store: Store, spans: list[str], *, state: str = "pending",
           dead: bool = False, created_ns: int | None = None) -> int:
    bid = store.enqueue_batch("otlp", b"payload", spans)
    if dead:
        store.dead_letter(bid, 400, "refused")
    if state == DELIVERED:
        store.mark_delivered(bid, 200)
    if created_ns is not None:
        with store.transaction() as conn:
            conn.execute("UPDATE outbox SET created_ns = ? WHERE id = ?", (created_ns, bid))
    return bid


def _turns(store: Store) -> dict[str, str]:
    """Five traces in three sessions, three projects; key -> trace id."""
    made = {
        "a1": turn("sess-a", "a1", T0, cwd="/home/u/src/my_proj"),
        "a2": turn("sess-a", "a2", T0 + 20 * SEC, cwd="/home/u/src/my_proj"),
        "b1": turn("sess-b", "b1", T0 + 40 * SEC, cwd="/home/u/src/my_proj/sub"),
        "c1": turn("sess-c", "c1", T0 + 60 * SEC, cwd="/home/u/src/myXproj"),
        "d1": turn("sess-d", "d1", T0 + 80 * SEC, cwd="/srv/100%/work"),
    }
    store.insert_traces(list(made.values()))
    return {k: t.id for k, t in made.items()}


# -- select_traces


def test_select_traces_by_session_time_and_project(store):
    t = _turns(store)
    every = [t["a1"], t["a2"], t["b1"], t["c1"], t["d1"]]
    assert [tid for tid, _ in store.select_traces()] == every
    assert store.select_traces() == [(t["a1"], "sess-a"), (t["a2"], "sess-a"),
                                     (t["b1"], "sess-b"), (t["c1"], "sess-c"),
                                     (t["d1"], "sess-d")]
    assert store.select_traces(session_ids=[]) == []
    assert [x for x, _ in store.select_traces(session_ids=["sess-b", "sess-a"])] == [
        t["a1"], t["a2"], t["b1"]]
    # Ended strictly before: a1 ends at T0 + 10 s, a2 at T0 + 30 s.
    assert [x for x, _ in store.select_traces(before_ns=T0 + 10 * SEC)] == []
    assert [x for x, _ in store.select_traces(before_ns=T0 + 10 * SEC + 1)] == [t["a1"]]
    assert [x for x, _ in store.select_traces(before_ns=T0 + 30 * SEC + 1)] == [
        t["a1"], t["a2"]]
    # The project's folder and below; `_` and `%` are literal; a trailing slash is dropped.
    for project in ("/home/u/src/my_proj", "/home/u/src/my_proj/", "/home/u/src/my_proj\\"):
        assert [x for x, _ in store.select_traces(project=project)] == [
            t["a1"], t["a2"], t["b1"]], project
    assert [x for x, _ in store.select_traces(project="/home/u/src/myXproj")] == [t["c1"]]
    assert [x for x, _ in store.select_traces(project="/srv/100%")] == [t["d1"]]
    assert store.select_traces(project="/srv/1000") == []
    assert store.select_traces(project="/home/u/src/my") == []  # a name's prefix is not it
    # ... or the project's name (the cwd's last folder).
    assert [x for x, _ in store.select_traces(project="sub")] == [t["b1"]]
    assert [x for x, _ in store.select_traces(project="my_proj")] == [t["a1"], t["a2"]]
    assert store.select_traces(project="") == store.select_traces()
    # Every filter given must hold.
    assert [x for x, _ in store.select_traces(
        session_ids=["sess-a", "sess-b"], before_ns=T0 + 30 * SEC + 1,
        project="/home/u/src/my_proj")] == [t["a1"], t["a2"]]
    assert store.select_traces(session_ids=["sess-c"], project="my_proj") == []


def test_the_root_folder_as_project_is_every_cwd_below_it(store):
    # `cctrace purge --project /` erased only sessions run in `/` itself: the pattern for
    # "below" was `//%`.
    t = _turns(store)
    every = [t["a1"], t["a2"], t["b1"], t["c1"], t["d1"]]
    assert [x for x, _ in store.select_traces(project="/")] == every
    assert [x for x, _ in store.select_traces(project="//")] == every
    assert [x for x, _ in store.select_traces(project="/srv")] == [t["d1"]]


def test_select_traces_orders_by_start_then_id(store):
    same = [turn("s", k, T0) for k in ("k1", "k2", "k3")]
    store.insert_traces(same)
    assert [x for x, _ in store.select_traces()] == sorted(t.id for t in same)


# -- purge_traces


def test_purge_traces_takes_the_traces_their_rows_and_sessions_left_empty(store):
    t = _turns(store)
    a1_tool = span_id("tool", "a1")
    store.add_hook_events([_hook(1, "sess-a", "/p/sess-a.jsonl"),
                           _hook(2, "sess-b", "/p/sess-b.jsonl"),
                           _hook(3, "sess-b"), _hook(4, "sess-c")])
    store.save_fork("sess-b", "sess-a", 5)
    store.save_fork("sess-c", "sess-a", 5)
    with store.transaction() as conn:
        conn.execute("INSERT INTO cost_states (session_id, time_ns, total_usd, model_usage,"
                     " unknown_model_cost) VALUES ('sess-b', 1, 0.5, '{}', 0),"
                     " ('sess-c', 1, 0.5, '{}', 0)")
    store.add_findings([_finding("f-a1", "sess-a", t["a1"]), _finding("f-a2", "sess-a", t["a2"]),
                        _finding("f-b", "sess-b"), _finding("f-c", "sess-c")])
    gone = [_batch(store, [a1_tool]), _batch(store, ["x", span_id("gen", "b1")], dead=True),
            _batch(store, [span_id("gen", "a1")], state="dead", dead=True)]
    kept = [_batch(store, [span_id("tool", "a2")]),
            _batch(store, [a1_tool], state=DELIVERED),
            _batch(store, ["f" * 16])]
    counts = store.purge_traces([t["b1"], t["a1"], t["a1"]])
    assert counts == {"traces": 2, "observations": 6, "outbox": 3, "findings": 2,
                      "sessions": 1, "hook_events": 2}
    assert _ids(store, "SELECT id FROM traces ORDER BY start_ns") == [t["a2"], t["c1"], t["d1"]]
    assert _ids(store, "SELECT DISTINCT trace_id FROM observations ORDER BY trace_id") == sorted(
        [t["a2"], t["c1"], t["d1"]])
    assert _ids(store, "SELECT id FROM sessions ORDER BY id") == ["sess-a", "sess-c", "sess-d"]
    assert _ids(store, "SELECT seq FROM hook_events ORDER BY seq") == [1, 4]
    assert _ids(store, "SELECT id FROM findings ORDER BY id") == ["f-a2", "f-c"]
    assert _ids(store, "SELECT id FROM outbox ORDER BY id") == kept
    assert _ids(store, "SELECT batch_id FROM dead_letters") == []
    assert _ids(store, "SELECT session_id FROM cost_states") == ["sess-c"]
    assert _ids(store, "SELECT session_id FROM session_forks") == ["sess-c"]
    assert store._read("PRAGMA secure_delete", ())[0][0] == 1
    assert set(gone).isdisjoint(_ids(store, "SELECT id FROM outbox"))


def test_purge_traces_of_nothing_deletes_nothing(store):
    t = _turns(store)
    assert store.purge_traces([]) == ZERO
    assert store.purge_traces(["no-such-trace"]) == ZERO
    assert len(_ids(store, "SELECT id FROM traces")) == len(t)


def test_a_session_with_a_trace_left_keeps_its_rows(store):
    t = _turns(store)
    store.add_hook_events([_hook(1, "sess-a")])
    store.save_fork("sess-a", "sess-0", 5)
    store.add_findings([_finding("f-s", "sess-a")])
    assert store.purge_traces([t["a2"]]) == {**ZERO, "traces": 1, "observations": 3}
    assert _ids(store, "SELECT seq FROM hook_events") == [1]
    assert _ids(store, "SELECT id FROM findings") == ["f-s"]
    assert _ids(store, "SELECT session_id FROM session_forks") == ["sess-a"]
    assert "sess-a" in _ids(store, "SELECT id FROM sessions")


def test_a_findings_unsent_batches_go_with_it_by_span_or_score_id(store):
    t = _turns(store)
    f1, f2, f3 = "1" * 16, "2" * 16, "3" * 16
    store.add_findings([_finding(f1, "sess-a", t["a1"]), _finding(f2, "sess-a", t["a1"]),
                        _finding(f3, "sess-a", t["a1"])])
    gone = [_batch(store, [span_id("finding", f1)]),
            _batch(store, [f"{f2}-cctrace.severity"], dead=True),
            _batch(store, ["other", f"{f3}-cctrace.risk"])]
    kept = [_batch(store, [f"{f1}-cctrace.severity"], state=DELIVERED),
            _batch(store, [f"{f1}x-cctrace.severity"]),
            _batch(store, [f1 + "0"]),
            _batch(store, ["9" * 16 + "-cctrace.severity"])]
    counts = store.purge_traces([t["a1"]])
    assert counts == {**ZERO, "traces": 1, "observations": 3, "findings": 3}
    assert _ids(store, "SELECT id FROM outbox ORDER BY id") == kept
    assert _ids(store, "SELECT batch_id FROM dead_letters") == []
    assert set(gone).isdisjoint(_ids(store, "SELECT id FROM outbox"))


def test_a_store_without_a_findings_table_is_still_purged(store):
    t = _turns(store)
    with store.transaction() as conn:
        conn.execute("DROP TABLE findings")
    assert store.purge_traces([t["c1"]]) == {**ZERO, "traces": 1, "observations": 3,
                                             "sessions": 1}
    store.add_hook_events([_hook(1, "sess-x")])
    assert store.purge_sessions(["sess-x"]) == {**ZERO_SESSIONS, "hook_events": 1}


# -- purge_sessions


def test_purge_sessions_takes_every_row_naming_each_session(store):
    store.add_hook_events([
        _hook(1, "s_1", "/p/s_1.jsonl"), _hook(2, "s_1", "/moved/elsewhere.jsonl"),
        _hook(3, "s_1"), _hook(4, "s-2", "/p/s-2.jsonl"), _hook(5, "sX1", "/p/sX1.jsonl"),
        _hook(6, "s-3", "/p/s-3.jsonl")])
    for sid in ("s_1", "s-2", "sX1"):
        store.save_fork(sid, "parent", 5)
    with store.transaction() as conn:
        conn.execute("INSERT INTO cost_states (session_id, time_ns, total_usd, model_usage,"
                     " unknown_model_cost) VALUES ('s_1', 1, 0.5, '{}', 0),"
                     " ('s_1', 2, 0.7, '{}', 0), ('sX1', 1, 0.5, '{}', 0)")
        conn.execute("INSERT INTO sessions (id, first_ns, last_ns) VALUES ('s_1', 1, 2),"
                     " ('sX1', 1, 2)")
    store.add_findings([_finding("f1", "s_1"), _finding("f2", "s-2"), _finding("fx", "sX1")])
    unsent = _batch(store, [span_id("finding", "f1")])
    for path in ("/p/s_1.jsonl", "/moved/elsewhere.jsonl", "/q/s_1/subagents/agent-1.jsonl",
                 "/other/s_1.jsonl", "rules-window:s_1", "/p/s-2.jsonl", "rules-window:s-2",
                 "/p/sX1.jsonl", "/p/sX1/subagents/a.jsonl", "rules-window:sX1",
                 "/p/s-3.jsonl", "/p/xs_1.jsonl", "s_1.jsonl"):
        store.set_cursor(path, {"offset": 1})
    counts = store.purge_sessions(["s-2", "s_1", "s_1"])
    assert counts == {"hook_events": 4, "findings": 2, "sessions": 1, "cost_states": 2,
                      "session_forks": 2, "cursors": 7}
    assert _ids(store, "SELECT path FROM cursors ORDER BY path") == [
        "/p/s-3.jsonl", "/p/sX1.jsonl", "/p/sX1/subagents/a.jsonl", "/p/xs_1.jsonl",
        "rules-window:sX1", "s_1.jsonl"]
    assert _ids(store, "SELECT seq FROM hook_events ORDER BY seq") == [5, 6]
    assert _ids(store, "SELECT id FROM findings") == ["fx"]
    assert _ids(store, "SELECT session_id FROM cost_states") == ["sX1"]
    assert _ids(store, "SELECT session_id FROM session_forks") == ["sX1"]
    assert _ids(store, "SELECT id FROM sessions") == ["sX1"]
    assert unsent not in _ids(store, "SELECT id FROM outbox")
    assert store._read("PRAGMA secure_delete", ())[0][0] == 1
    assert store.purge_sessions([]) == ZERO_SESSIONS


# -- purge_older_than (retention) and oldest_settled_traces (the size cap)


def test_retention_takes_old_traces_hook_events_and_batches_whatever_their_state(store):
    t = _turns(store)
    cutoff = T0 + 30 * SEC + 1  # a1 and a2 ended before it
    store.add_hook_events([_hook(1, "sess-b", received_ns=cutoff - 1),
                           _hook(2, "sess-b", received_ns=cutoff),
                           _hook(3, "sess-a", received_ns=cutoff - 5)])
    old = [_batch(store, ["x"], state=DELIVERED, created_ns=cutoff - 1),
           _batch(store, ["y"], dead=True, created_ns=cutoff - 1),
           _batch(store, [span_id("tool", "a1")], created_ns=cutoff + 5)]
    new = [_batch(store, ["z"], created_ns=cutoff), _batch(store, ["w"], created_ns=cutoff + 1)]
    counts = store.purge_older_than(cutoff)
    # sess-a's hook event goes with its session (2 of them), sess-b's older one by time.
    assert counts == {"traces": 2, "observations": 6, "outbox": 3, "findings": 0,
                      "sessions": 1, "hook_events": 2}
    assert _ids(store, "SELECT id FROM traces ORDER BY start_ns") == [t["b1"], t["c1"], t["d1"]]
    assert _ids(store, "SELECT seq FROM hook_events") == [2]
    assert _ids(store, "SELECT id FROM outbox ORDER BY id") == new
    assert _ids(store, "SELECT batch_id FROM dead_letters") == []
    assert set(old).isdisjoint(_ids(store, "SELECT id FROM outbox"))
    assert store._read("PRAGMA secure_delete", ())[0][0] == 1


def test_a_size_cap_evicts_the_oldest_traces_with_nothing_left_to_send(store):
    t = _turns(store)
    _batch(store, [span_id("gen", "a2")])                      # a2 waits to be sent
    _batch(store, [span_id("tool", "b1")], dead=True, state="dead")  # so does b1 (dead)
    _batch(store, [span_id("tool", "a1")], state=DELIVERED)    # a1's is sent
    _batch(store, [span_id("turn", "zz")])                      # no stored trace's span
    assert store.oldest_settled_traces(10) == [t["a1"], t["c1"], t["d1"]]
    assert store.oldest_settled_traces(2) == [t["a1"], t["c1"]]
    assert store.oldest_settled_traces(0) == []


def test_a_project_path_is_taken_literally_whatever_its_last_letter_or_backslashes(store):
    made = [turn("s-x", "x1", T0, cwd="/w/appX"), turn("s-x", "x2", T0 + SEC, cwd="/w/appX"),
            turn("s-b", "b1", T0 + 2 * SEC, cwd="/w/a\\b/sub"),
            turn("s-c", "c1", T0 + 3 * SEC, cwd="/w/ab/sub")]
    store.insert_traces(made)
    assert [x for x, _ in store.select_traces(project="/w/appX")] == [made[0].id, made[1].id]
    assert [x for x, _ in store.select_traces(project="/w/appX/")] == [made[0].id, made[1].id]
    assert [x for x, _ in store.select_traces(project="/w/a\\b")] == [made[2].id]
    assert [x for x, _ in store.select_traces(project="/w/ab")] == [made[3].id]


def test_like_wildcards_in_a_project_path_match_only_themselves(store):
    made = [turn("s-1", "p1", T0, cwd="/w/100%/sub"), turn("s-2", "p2", T0 + SEC,
                                                          cwd="/w/100X/sub"),
            turn("s-3", "p3", T0 + 2 * SEC, cwd="/w/my_app/sub"),
            turn("s-4", "p4", T0 + 3 * SEC, cwd="/w/myXapp/sub")]
    store.insert_traces(made)
    assert [x for x, _ in store.select_traces(project="/w/100%")] == [made[0].id]
    assert [x for x, _ in store.select_traces(project="/w/my_app")] == [made[2].id]


def test_trace_sessions_of_stored_traces_only(store):
    t = _turns(store)
    ids = [t["d1"], t["a1"], "missing", t["b1"], t["a1"], t["c1"]]
    assert store.trace_sessions(ids) == {t["a1"]: "sess-a", t["b1"]: "sess-b",
                                         t["c1"]: "sess-c", t["d1"]: "sess-d"}
    assert store.trace_sessions([]) == {}


def test_purge_traces_adds_up_over_every_chunk(store):
    # Four traces are two statements of two: counts, sessions and batches of both add up.
    t = _turns(store)
    store.add_hook_events([_hook(1, "sess-a"), _hook(2, "sess-b"), _hook(3, "sess-c"),
                           _hook(4, "sess-d")])
    store.add_findings([_finding(f"f-{k}", trace=t[k]) for k in ("a1", "a2", "b1", "c1", "d1")])
    two = [_batch(store, [span_id("tool", "a1")]), _batch(store, [span_id("tool", "a1")]),
           _batch(store, [span_id("gen", "c1"), span_id("tool", "c1")])]
    kept = _batch(store, [span_id("tool", "d1")])
    counts = store.purge_traces([t["a1"], t["a2"], t["b1"], t["c1"]])
    assert counts == {"traces": 4, "observations": 12, "outbox": 3, "findings": 4,
                      "sessions": 3, "hook_events": 3}
    assert _ids(store, "SELECT id FROM sessions") == ["sess-d"]
    assert _ids(store, "SELECT seq FROM hook_events") == [4]
    assert _ids(store, "SELECT id FROM findings") == ["f-d1"]
    assert _ids(store, "SELECT id FROM outbox") == [kept]
    assert set(two).isdisjoint(_ids(store, "SELECT id FROM outbox"))


def test_known_session_prefixes_with_like_characters_match_literally(store):
    store.add_hook_events([_hook(1, "a\\b-1"), _hook(2, "100%-s"), _hook(3, "x_y-1"),
                           _hook(4, "100X-t"), _hook(5, "xzy-2")])
    assert store.known_session("a\\b") == "a\\b-1"
    assert store.known_session("a\\") == "a\\b-1"
    assert store.known_session("100%") == "100%-s"
    assert store.known_session("x_y") == "x_y-1"
    assert store.known_session("ab") is None


def test_purge_sessions_adds_up_over_every_chunk(store):
    sids = ["s-1", "s-2", "s-3"]  # two statements: ["s-1", "s-2"], ["s-3"]
    store.add_hook_events([_hook(i, sid, f"/p/{sid}.jsonl") for i, sid in enumerate(sids)])
    store.add_findings([_finding(f"f{sid}", sid) for sid in sids])
    with store.transaction() as conn:
        for sid in sids:
            conn.execute("INSERT INTO cost_states (session_id, time_ns, total_usd, model_usage,"
                         " unknown_model_cost) VALUES (?, 1, 0.5, '{}', 0)", (sid,))
            conn.execute("INSERT INTO sessions (id, first_ns, last_ns) VALUES (?, 1, 2)", (sid,))
    for sid in sids:
        store.save_fork(sid, "parent", 5)
        store.set_cursor(f"/p/{sid}.jsonl", {"offset": 1})
        store.set_cursor(f"rules-window:{sid}", {"offset": 1})
    assert store.purge_sessions(sids) == {"hook_events": 3, "findings": 3, "sessions": 3,
                                          "cost_states": 3, "session_forks": 3, "cursors": 6}
    for table in ("hook_events", "findings", "cost_states", "session_forks", "cursors"):
        assert store._read(f"SELECT count(*) FROM {table}", ())[0][0] == 0, table


def test_an_ambiguous_prefix_names_at_most_eleven_sessions(store):
    from cctrace.store.sessions import AmbiguousSession

    # 11 known by hook events, 2 more by fork relations: 13 in all, 11 named.
    store.add_hook_events([_hook(i, f"amb-{i:02d}") for i in range(11)])
    store.save_fork("amb-98", "p", None)
    store.save_fork("amb-99", "p", None)
    with pytest.raises(AmbiguousSession) as err:
        store.known_session("amb-")
    assert err.value.matches == [f"amb-{i:02d}" for i in range(11)]


def test_purge_sessions_matches_transcript_paths_literally(store):
    for path in ("/p/a%b.jsonl", "/p/aZZb.jsonl", "/p/a\\b.jsonl", "/p/a_b.jsonl",
                 "/p/aXb.jsonl", "/p/a%b/sub/x.jsonl", "/p/aZb/sub/x.jsonl"):
        store.set_cursor(path, {"offset": 1})
    counts = store.purge_sessions(["a%b", "a\\b", "a_b"])
    assert counts["cursors"] == 4
    assert _ids(store, "SELECT path FROM cursors ORDER BY path") == [
        "/p/aXb.jsonl", "/p/aZZb.jsonl", "/p/aZb/sub/x.jsonl"]
