"""`audit.store_check` value by value: the replay of the log (each entry kind, the entries
it skips, `void` and `unerase`, baselines), the deletions it agrees to, the text of each
problem, legacy rows and checkpoint findings, against a store that answers from memory.

`tests/audit/test_store_verify.py` does the same through the real worker and `cctrace
verify`; here each rule is tried alone, at its bounds."""

from __future__ import annotations

import json
import re
from types import SimpleNamespace
from typing import Any

from cctrace.audit import store_check as sc
from cctrace.audit.store_check import ADDED, CHANGED, DELETED, Expected
from cctrace.security.crypto import DecryptError
from cctrace.store import digest as row_digest
from cctrace.store.tombstones import Tombstone
from cctrace.store.tombstones import row_digest as stone_digest


def _e(k: Any, subject: Any, h: Any = None, **kw: Any) -> bytes:
    """One leaf of the log, as `audit.log.encode_entry` writes it."""
    body = {"i": 0, "t": kw.pop("t", 0), "k": k, "id": subject, "h": h, **kw}
    return json.dumps(body).encode()


# -- the replay

def test_lines_that_are_not_entries_are_skipped_but_keep_their_position():
    log = sc.replay([b"not json", b"[1, 2]", _e(1, "o1"), _e("observation", 7), b"{",
                     _e("observation", "o1", "h1", x={"d": 1, "type": "tool", "name": "Bash"},
                        s="s1", tr="t1", t=42)])
    assert log.rows == {("observations", "o1"): Expected("h1", 5, "s1", "t1", 42, "tool Bash")}


def test_each_kind_and_subject_names_its_table_and_key():
    assert sc._target("observation", "o1", {}) == ("observations", "o1")
    assert sc._target("trace", "trace-row:t1", {}) == ("traces", "t1")
    assert sc._target("hook", "hook:12", {}) == ("hook_events", "12")
    assert sc._target("finding", "finding:f1", {}) == ("findings", "f1")
    assert sc._target("tombstone", "session:s1", {}) == ("tombstones", "session:s1")
    assert sc._target("cost_state", "cost-state:s1@5", {}) == ("cost_states", "s1@5")
    assert sc._target("fork", "fork:s2", {}) == ("session_forks", "s2")
    for kind, subject in (("trace", "t1"), ("hook", "12"), ("finding", "f1"),
                          ("cost_state", "s1@5"), ("fork", "s2"), ("erase", "trace:t1"),
                          ("checkpoint", "x"), ("trace", "xtrace-row:t1")):
        assert sc._target(kind, subject, {}) is None, (kind, subject)


def test_an_entry_is_a_row_digest_only_when_it_says_so():
    log = sc.replay([
        _e("observation", "o1", "h1", x={"type": "tool", "name": "Bash"}),     # legacy
        _e("observation", "o2", "h2", x={"d": 1, "type": "gen", "name": "m"}),
        _e("tombstone", "session:s1", "h3", x={"reason": "purge"}),            # always
        _e("hook", "hook:4", "h4", x={"d": 0, "event": "Stop"}),
        _e("finding", "finding:f1", "h5", x={"d": 1, "rule": "exfil.curl"}),
        _e("trace", "trace-row:t1", "h6", x=[1, 2]),                          # x not a dict
        _e("cost_state", "cost-state:s1@9", "h7", s=5, tr=["t"], t="9", x={"d": 1}),
    ])
    assert log.rows == {
        ("observations", "o1"): Expected(None, 0, None, None, 0, "tool Bash"),
        ("observations", "o2"): Expected("h2", 1, None, None, 0, "gen m"),
        ("tombstones", "session:s1"): Expected("h3", 2, None, None, 0, ""),
        ("hook_events", "4"): Expected(None, 3, None, None, 0, "Stop"),
        ("findings", "f1"): Expected("h5", 4, None, None, 0, "exfil.curl"),
        ("traces", "t1"): Expected(None, 5, None, None, 0, ""),
        ("cost_states", "s1@9"): Expected("h7", 6, None, None, 0, ""),
    }


def test_a_label_prefers_the_event_and_is_cut_at_80():
    log = sc.replay([_e("hook", "hook:1", "h", x={"d": 1, "event": "E", "rule": "R"}),
                     _e("finding", "finding:f", "h", x={"d": 1, "rule": "r" * 90}),
                     _e("observation", "o", "h", x={"d": 1, "name": "n" * 90})])
    rows = log.rows
    assert rows[("hook_events", "1")].label == "E"
    assert rows[("findings", "f")].label == "r" * 80
    assert rows[("observations", "o")].label == ("None " + "n" * 90)[:80]


def test_erase_entries_record_traces_sessions_and_cutoffs():
    log = sc.replay([
        _e("observation", "o1", "h", x={"d": 1}),
        _e("erase", "trace:t1", "e", s="s1"),
        _e("erase", "before:100", "e", x={"before": 100}),
        _e("erase", "before:7", "e", x={"before": "7"}),          # not an int: no cutoff
        _e("erase", "session:s2", "e", s=["s2"]),                 # not a str: no session
        _e("erase", "trace:t2", "e"),
    ])
    assert (log.erased_traces, log.erased_sessions, log.cutoffs) == (
        {"t1": 1, "t2": 5}, {"s1": 1}, [(2, 100)])
    assert list(log.rows) == [("observations", "o1")]  # an erase is no row


def test_the_first_baseline_names_tables_and_a_later_one_only_adds():
    assert sc.replay([_e("observation", "o", "h")]).baseline is None
    assert sc.replay([_e("baseline", "store", "b", x={"legacy": [1]})]).baseline is None
    log = sc.replay([
        _e("baseline", "store", "b", x={"legacy": {"observations": 5, "traces": 0,
                                                   "findings": "3"}}),
        _e("baseline", "store", "b", x={"legacy": {"observations": 9, "cost_states": 2}}),
    ])
    assert log.baseline == {"observations": 5, "traces": 0, "cost_states": 2}
    assert log.rows == {}


def test_a_void_drops_the_write_it_names_only():
    entry = _e("observation", "o1", "h1", x={"d": 1})
    assert sc.replay([entry, _e("void", "o1", "h1", x={"of": "observation"})]).rows == {}
    # another digest: that void is of a write that is not the last one
    kept = sc.replay([entry, _e("void", "o1", "h9", x={"of": "observation"})]).rows
    assert kept == {("observations", "o1"): Expected("h1", 0, None, None, 0, "None None")}
    # a legacy entry (no row digest) is voided by any digest
    legacy = _e("hook", "hook:3", "h1", x={"event": "Stop"})
    assert sc.replay([legacy, _e("void", "hook:3", "h9", x={"of": "hook"})]).rows == {}
    # two writes, the second voided: the first is what the row must be
    two = sc.replay([entry, _e("observation", "o1", "h2", x={"d": 1}),
                     _e("void", "o1", "h2", x={"of": "observation"})]).rows
    assert two[("observations", "o1")].digest == "h1"
    # a void of nothing, or of an unknown kind, changes nothing
    assert sc.replay([_e("void", "o1", "h1", x={"of": "observation"})]).rows == {}
    assert sc.replay([entry, _e("void", "o1", "h1", x={"of": "other"})]).rows == kept
    assert sc.replay([entry, _e("void", "o1", "h1")]).rows == kept


def test_entries_after_a_void_or_an_entry_of_no_table_still_count():
    log = sc.replay([_e("observation", "o1", "h1", x={"d": 1}),
                     _e("void", "o1", "h1", x={"of": "observation"}),
                     _e("checkpoint", "cp:1", "c"), _e("hook", "7", "h"),
                     _e("void", "session:s1", "u", x={"of": "unerase"}),
                     _e("finding", "finding:f1", "h2", x={"d": 1, "rule": "r"})])
    assert log.rows == {("findings", "f1"): Expected("h2", 5, None, None, 0, "r")}


def test_unerase_lifts_a_tombstone_and_its_void_puts_it_back():
    stone = _e("tombstone", "session:s1", "h1")
    lifted = sc.replay([stone, _e("unerase", "session:s1", "u")])
    assert lifted.rows == {}
    assert lifted.stacks[("tombstones", "session:s1")][-1] == Expected(
        None, 1, None, None, 0, "", lifted=True)
    back = sc.replay([stone, _e("unerase", "session:s1", "u"),
                      _e("void", "session:s1", "u", x={"of": "unerase"})])
    assert back.rows == {("tombstones", "session:s1"): Expected("h1", 0, None, None, 0, "")}
    # a void of an unerase that lifted nothing pops nothing
    assert sc.replay([stone, _e("void", "session:s1", "u", x={"of": "unerase"})]).rows == {
        ("tombstones", "session:s1"): Expected("h1", 0, None, None, 0, "")}


# -- agreed deletions and descriptions

def test_row_keys():
    assert sc._row_key("cost_states", {"session_id": "s1", "time_ns": 5}) == "s1@5"
    assert sc._row_key("hook_events", {"seq": 12}) == "12"
    assert sc._row_key("tombstones", {"subject": "session:s"}) == "session:s"
    assert sc._row_key("session_forks", {"session_id": "s2"}) == "s2"
    assert sc._row_key("findings", {"id": "f"}) == "f"


def _exp(pos: int = 5, session: str | None = "s1", trace: str | None = "t1",
         time_ns: int = 50) -> Expected:
    return Expected("h", pos, session, trace, time_ns, "")


def test_a_trace_erased_after_the_entry_agrees_to_the_deletion():
    log = sc.replay([])
    log.erased_traces = {"t1": 6}
    assert sc._gone_by_agreement("observations", _exp(), log, set()) is True
    log.erased_traces = {"t1": 5}
    assert sc._gone_by_agreement("observations", _exp(), log, set()) is False
    log.erased_traces = {"t1": 6}
    assert sc._gone_by_agreement("observations", _exp(trace=None), log, set()) is False


def test_a_session_erased_after_the_entry_takes_its_session_rows_unless_it_lives():
    log = sc.replay([])
    log.erased_sessions = {"s1": 6}
    for table in ("hook_events", "findings", "cost_states", "session_forks"):
        assert sc._gone_by_agreement(table, _exp(trace=None), log, set()) is True, table
        assert sc._gone_by_agreement(table, _exp(trace=None), log, {"s1"}) is False, table
    assert sc._gone_by_agreement("observations", _exp(trace=None), log, set()) is False
    assert sc._gone_by_agreement("findings", _exp(trace=None, session=None), log,
                                 set()) is False
    log.erased_sessions = {"s1": 5}
    assert sc._gone_by_agreement("findings", _exp(trace=None), log, set()) is False


def test_a_cutoff_after_the_entry_takes_hook_events_received_before_it():
    log = sc.replay([])
    log.cutoffs = [(6, 51)]
    assert sc._gone_by_agreement("hook_events", _exp(trace=None), log, set()) is True
    assert sc._gone_by_agreement("findings", _exp(trace=None), log, set()) is False
    log.cutoffs = [(6, 50)]   # received at the cutoff: kept
    assert sc._gone_by_agreement("hook_events", _exp(trace=None), log, set()) is False
    log.cutoffs = [(5, 51)]   # the cutoff came before the entry
    assert sc._gone_by_agreement("hook_events", _exp(trace=None), log, set()) is False
    log.cutoffs = [(5, 51), (7, 60)]
    assert sc._gone_by_agreement("hook_events", _exp(trace=None), log, set()) is True


def test_describe():
    assert sc._describe("findings", "f1", None) == "findings row f1"
    assert sc._describe("observations", "o1", Expected("h", 0, "s1", "t1", 0, " tool Bash ")
                        ) == "observations row o1 (tool Bash, trace t1, session s1)"
    assert sc._describe("hook_events", "3", Expected("h", 0, "s1", None, 0, "Stop")) == (
        "hook_events row 3 (Stop, session s1)")
    assert sc._describe("traces", "t", Expected("h", 0, None, None, 0, "  ")) == (
        "traces row t")


# -- check() against a store in memory

_COLUMNS = {**row_digest.COLUMNS, "tombstones": ("subject", "mac", "created_ns", "reason")}


class MemStore:
    """What `check` reads of a store: `_read` of the tables and `store_meta`, and `_dec`."""

    def __init__(self, rows: dict[str, list[dict[str, Any]]] | None = None,
                 legacy: dict[str, int] | None = None, sessions: tuple[str, ...] = ()) -> None:
        self.rows = rows or {}
        self.legacy = legacy or {}
        self.sessions = sessions

    def _read(self, sql: str, params: tuple[Any, ...] = ()) -> list[Any]:
        if sql == "SELECT key, value FROM store_meta WHERE key LIKE 'legacy_rowid.%'":
            return [{"key": f"legacy_rowid.{t}", "value": v} for t, v in self.legacy.items()]
        if sql == "SELECT id FROM sessions":
            return [(s,) for s in self.sessions]
        m = re.fullmatch(r"SELECT rowid AS _rowid, \* FROM (\w+)", sql)
        assert m, sql
        return [{"_rowid": n, **r} for n, r in enumerate(self.rows.get(m.group(1), []), 1)]

    @staticmethod
    def _dec(value: Any, column: str) -> Any:
        if value == "sealed-under-another-key":
            raise DecryptError(column)
        return value


def _row(table: str, **values: Any) -> dict[str, Any]:
    return {c: values.get(c) for c in _COLUMNS[table]}


def _digest(table: str, row: dict[str, Any]) -> str:
    return row_digest.row_digest([row[c] for c in row_digest.COLUMNS[table]])


def test_a_store_that_matches_its_log():
    obs = _row("observations", id="o1", trace_id="t1", type="tool", name="Bash", input="ls")
    cost = _row("cost_states", session_id="s1", time_ns=9, total_usd=0.5)
    stone = Tombstone("session:s0", "mac", 3, "purge")
    stone_row = {"subject": stone.subject, "mac": stone.mac, "created_ns": 3,
                 "reason": "purge"}
    log = [_e("observation", "o1", _digest("observations", obs), x={"d": 1}),
           _e("cost_state", "cost-state:s1@9", _digest("cost_states", cost), x={"d": 1}),
           _e("tombstone", "session:s0", stone_digest(stone))]
    store = MemStore({"observations": [obs], "cost_states": [cost], "tombstones": [stone_row]})
    result = sc.check(store, log)
    assert (result.checked, result.legacy, result.problems) == (3, 0, [])


def test_a_changed_an_undecryptable_and_an_unreadable_row_are_named():
    obs = _row("observations", id="o1", trace_id="t1", type="tool", name="Bash", input="ls")
    gen = _row("observations", id="o2", trace_id="t1", type="generation", name="m")
    trace = _row("traces", id="t1", session_id="s1", name="turn")
    log = [_e("observation", "o1", _digest("observations", obs), s="s1", tr="t1",
              x={"d": 1, "type": "tool", "name": "Bash"}),
           _e("observation", "o2", _digest("observations", gen), x={"d": 1}),
           _e("trace", "trace-row:t1", _digest("traces", trace), x={"d": 1})]
    store = MemStore({"observations": [{**obs, "input": "rm -rf /"},
                                       {**gen, "output": "sealed-under-another-key"}],
                      "traces": [{**trace, "start_ns": [1]}]})  # a value no digest takes
    assert sc.check(store, log).problems == [
        (CHANGED, "observations", "o1", "observations row o1 (tool Bash, trace t1, session "
         "s1): differs from what the audit log committed to"),
        (CHANGED, "observations", "o2", "observations row o2 (None None): cannot be "
         "decrypted"),
        (CHANGED, "traces", "t1", "traces row t1: cannot be decrypted")]


def test_a_legacy_entry_proves_only_that_the_row_exists():
    obs = _row("observations", id="o1", input="anything")
    log = [_e("observation", "o1", "an object digest", x={"type": "tool", "name": "Bash"})]
    assert sc.check(MemStore({"observations": [obs]}), log).problems == []
    assert sc.check(MemStore(), log).problems == [
        (DELETED, "observations", "o1", "observations row o1 (tool Bash): deleted with no "
         "erasure on record (audit entry 1)")]


def test_the_first_entry_of_a_row_not_erased_is_deleted():
    # position 0, of a trace and a session nobody erased
    log = [_e("observation", "o1", "h", s="s1", tr="t1", x={"d": 1, "type": "tool",
                                                          "name": "Bash"}),
           _e("finding", "finding:f1", "h", s="s1", x={"d": 1, "rule": "r"})]
    assert [p[:3] for p in sc.check(MemStore(), log[:1]).problems] == [
        (DELETED, "observations", "o1")]
    assert [p[:3] for p in sc.check(MemStore(), log[1:]).problems] == [
        (DELETED, "findings", "f1")]


def test_rows_no_entry_accounts_for_are_added_above_the_legacy_mark():
    rows = [_row("findings", id=f"f{n}", title="t") for n in range(1, 4)]
    store = MemStore({"findings": rows}, legacy={"findings": 2})
    result = sc.check(store, [])
    assert (result.checked, result.legacy, result.problems) == (3, 2, [
        (ADDED, "findings", "f3", "findings row f3: no audit entry accounts for it")])
    none = sc.check(MemStore({"findings": rows[:1]}), [])
    assert (none.legacy, none.problems) == (0, [
        (ADDED, "findings", "f1", "findings row f1: no audit entry accounts for it")])


def test_the_logs_baseline_overrides_a_raised_legacy_mark_and_is_named():
    rows = [_row("hook_events", seq=n, payload="{}") for n in range(1, 4)]
    log = [_e("baseline", "store", "b", x={"legacy": {"hook_events": 1}})]
    result = sc.check(MemStore({"hook_events": rows}, legacy={"hook_events": 3}), log)
    assert (result.legacy, result.problems) == (1, [
        (CHANGED, "store_meta", "legacy_rowid.hook_events", "store_meta row "
         "legacy_rowid.hook_events is 3; the audit log recorded 1"),
        (ADDED, "hook_events", "2", "hook_events row 2: no audit entry accounts for it"),
        (ADDED, "hook_events", "3", "hook_events row 3: no audit entry accounts for it")])
    # a table the baseline does not name keeps store_meta's figure, unjudged
    kept = sc.check(MemStore({"hook_events": rows, "findings": [_row("findings", id="f")]},
                             legacy={"hook_events": 1, "findings": 1}), log)
    assert (kept.legacy, [p[:3] for p in kept.problems]) == (2, [
        (ADDED, "hook_events", "2"), (ADDED, "hook_events", "3")])
    # a baseline of a table store_meta lost is named too (its figure read as 0)
    lost = sc.check(MemStore(), log)
    assert lost.problems == [(CHANGED, "store_meta", "legacy_rowid.hook_events",
                              "store_meta row legacy_rowid.hook_events is 0; the audit log "
                              "recorded 1")]


def _cp(n: int = 4) -> SimpleNamespace:
    return SimpleNamespace(n=n, log="L", size=10, root="R", sig="S")


def _cp_row(rule: str = "audit.checkpoint", **cp: Any) -> dict[str, Any]:
    detail = {"checkpoint": {"n": 4, "log": "L", "size": 10, "root": "R", "sig": "S", **cp}}
    return _row("findings", id="c1", rule_id=rule, detail=json.dumps(detail))


def test_a_checkpoint_finding_is_checked_against_the_signed_checkpoints():
    store = MemStore({"findings": [_cp_row()]})
    assert sc.check(store, [], [_cp()]).problems == []
    assert sc.check(store, [], [_cp()]).checked == 1
    added = [(ADDED, "findings", "c1", "findings row c1: no audit entry accounts for it")]
    assert sc.check(store, [], [_cp(5)]).problems == added
    assert sc.check(store, []).problems == added
    for bad in (_cp_row("audit.other"), _cp_row(log="X"), _cp_row(size=11), _cp_row(root="X"),
                _cp_row(sig="X")):
        assert sc.check(MemStore({"findings": [bad]}), [], [_cp()]).problems == added


def test_checkpoint_ok_refuses_what_is_not_a_checkpoint():
    cps = {4: _cp()}

    def ok(detail: Any) -> bool:
        return sc._checkpoint_ok({"rule_id": "audit.checkpoint", "detail": detail},
                                 MemStore._dec, cps)

    assert ok(json.dumps({"checkpoint": {"n": 4, "log": "L", "size": 10, "root": "R",
                                         "sig": "S"}})) is True
    assert ok(None) is False                       # no detail: read as {}
    assert ok("not json") is False
    assert ok(json.dumps(["a list"])) is False
    assert ok(json.dumps({"checkpoint": "n4"})) is False
    assert ok(json.dumps({"checkpoint": {"log": "L"}})) is False
    assert ok(json.dumps({"checkpoint": {"n": [4]}})) is False


def test_deleted_rows_are_named_in_log_order_unless_agreed():
    rows = {"findings": [], "hook_events": []}
    log = [_e("hook", "hook:2", "h", s="s1", t=10, x={"d": 1, "event": "Stop"}),
           _e("finding", "finding:f1", "h", s="s1", tr="t1", x={"d": 1, "rule": "r"}),
           _e("observation", "o1", "h", tr="t2", x={"d": 1, "type": "tool", "name": "Bash"}),
           _e("hook", "hook:1", "h", s="s2", t=10, x={"d": 1, "event": "Start"}),
           _e("erase", "trace:t2", "e", s="s9")]
    assert sc.check(MemStore(rows), log).problems == [
        (DELETED, "hook_events", "2", "hook_events row 2 (Stop, session s1): deleted with no "
         "erasure on record (audit entry 1)"),
        (DELETED, "findings", "f1", "findings row f1 (r, trace t1, session s1): deleted with "
         "no erasure on record (audit entry 2)"),
        (DELETED, "hook_events", "1", "hook_events row 1 (Start, session s2): deleted with "
         "no erasure on record (audit entry 4)")]
    # the session's erasure, with the session gone: its rows go by agreement
    erased = log + [_e("erase", "session:s1", "e", s="s1")]
    assert [p[:3] for p in sc.check(MemStore(rows), erased).problems] == [
        (DELETED, "hook_events", "1")]
    still = sc.check(MemStore(rows, sessions=("s1",)), erased).problems
    assert [p[:3] for p in still] == [(DELETED, "hook_events", "2"),
                                      (DELETED, "findings", "f1"), (DELETED, "hook_events", "1")]


def test_a_lifted_tombstone_must_be_gone():
    stone_row = {"subject": "session:s0", "mac": "m", "created_ns": 3, "reason": "purge"}
    digest = stone_digest(Tombstone("session:s0", "m", 3, "purge"))
    lifted = [_e("tombstone", "session:s0", digest), _e("unerase", "session:s0", "u")]
    assert sc.check(MemStore(), lifted).problems == []
    assert sc.check(MemStore({"tombstones": [stone_row]}), lifted).problems == [
        (ADDED, "tombstones", "session:s0", "tombstones row session:s0: no audit entry "
         "accounts for it")]
    changed = [_e("tombstone", "session:s0", "another digest")]
    assert sc.check(MemStore({"tombstones": [stone_row]}), changed).problems == [
        (CHANGED, "tombstones", "session:s0", "tombstones row session:s0: differs from what "
         "the audit log committed to")]
