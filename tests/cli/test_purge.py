"""`cctrace purge` through `cctrace.cli.main.main`: local and Langfuse erasure, dry run."""

from __future__ import annotations

import json
import os

import pytest

from cctrace import audit
from cctrace import config as config_mod
from cctrace.audit import log as audit_log
from cctrace.cli import main as cli_main
from cctrace.store.db import Store
from store.helpers import SEC, T0, turn
from support.configure import langfuse_toml, write_config
from support.otlp_receiver import OTLPReceiver


@pytest.fixture(autouse=True)
def _registered(monkeypatch):
    monkeypatch.setattr(cli_main, "COMMANDS", ["purge", "verify"])


@pytest.fixture
def recorded():
    with Store.open() as store:
        store.insert_traces([turn("sess-1", "a", T0), turn("sess-1", "b", T0 + 60 * SEC),
                             turn("sess-2", "c", T0 + 86_400 * 40 * SEC)])
        return [t for t, _ in store.select_traces(["sess-1"])]


def test_dry_run_deletes_nothing(recorded, capsys):
    assert cli_main.main(["purge", "--session", "sess-1", "--dry-run", "--local-only"]) == 0
    assert "would delete 2 trace(s) of 1 session(s)" in capsys.readouterr().out
    with Store.open() as store:
        assert store.session("sess-1") is not None


def test_purge_before_date_local_and_langfuse(recorded, capsys, monkeypatch):
    with OTLPReceiver() as recv:
        write_config(langfuse_toml(recv.base_url, "pk-lf-1", "sk-lf-1"))
        assert cli_main.main(["purge", "--before", "2026-01-15", "--json"]) == 0
        report = json.loads(capsys.readouterr().out)
        assert sorted(recv.deleted_trace_ids()) == sorted(recorded)
    assert report["traces"] == 2 and report["local"]["traces"] == 2
    assert report["remote"][0]["deleted"] == 2
    with Store.open() as store:
        assert [s.id for s in store.sessions()] == ["sess-2"]


def test_purge_needs_a_filter_and_a_valid_date(capsys):
    assert cli_main.main(["purge"]) == 2
    assert cli_main.main(["purge", "--before", "yesterday-ish"]) == 2


def _audited():
    """A store whose observations the audit log already holds, as the worker leaves it."""
    home = os.environ["CCTRACE_HOME"]
    with Store.open() as store:
        pairs = store.insert_traces([turn("sess-1", "a", T0), turn("sess-1", "b", T0 + 60 * SEC),
                                     turn("sess-2", "c", T0 + 86_400 * 40 * SEC)])
        sess1 = [t for t, _ in store.select_traces(["sess-1"])]
        digests = store.row_digests
    assert audit.record(home, audit.entries_from_traces(pairs, digests), config_mod.load(home))
    return home, sess1


def _log_entries(home):
    with open(os.path.join(home, audit_log.AUDIT_DIR, audit_log.LOG_NAME), "rb") as fh:
        return [json.loads(line) for line in fh]


def test_purge_records_a_signed_erasure_that_verify_proves(capsys):
    home, sess1 = _audited()
    before = len(_log_entries(home))
    assert cli_main.main(["purge", "--session", "sess-1", "--local-only", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    # Two erasures, and three tombstones (both traces and the session).
    assert report["audit"]["entries"] == 5 and report["audit"]["checkpoint"] is not None
    assert report["audit"]["tombstones"] == 3
    assert sorted(report["audit"]["subjects"]) == sorted(f"trace:{t}" for t in sess1)

    added = _log_entries(home)[before:]
    assert sorted(e["id"] for e in added if e["k"] == "tombstone") == sorted(
        [f"trace:{t}" for t in sess1] + ["session:sess-1"])
    erased = [e for e in added if e["k"] == "erase"]
    assert sorted(e["id"] for e in erased) == sorted(f"trace:{t}" for t in sess1)
    for e in erased:
        assert e["k"] == "erase" and e["s"] == "sess-1"
        assert e["x"]["reason"] == "cctrace purge --session sess-1; deleted: local"
        assert e["x"]["by"]

    assert cli_main.main(["verify", "--json"]) == 0
    verified = json.loads(capsys.readouterr().out)
    assert verified["damage"] == [] and verified["entries"] == before + 5
    assert verified["latest"]["size"] == before + 5  # the erasure is sealed already

    subject = f"trace:{sess1[0]}"
    assert cli_main.main(["verify", "--event", subject]) == 0
    out = capsys.readouterr().out
    assert "OK: the audit trail is intact" in out
    assert f"(erase {subject})" in out and "inclusion proof: VALID" in out
    assert cli_main.main(["verify", "--event", subject, "--json"]) == 0
    inclusion = json.loads(capsys.readouterr().out)["inclusion"]
    assert inclusion["verified"] and inclusion["entry"]["k"] == "erase"
    assert inclusion["entry"]["id"] == subject


def test_erasure_is_sealed_even_when_checkpoints_are_batched(capsys):
    home, sess1 = _audited()
    with open(os.path.join(home, "config.toml"), "a") as fh:
        fh.write("[audit]\ncheckpoint_every_s = 3600\n")
    assert cli_main.main(["purge", "--before", "2026-01-15", "--local-only"]) == 0
    out = capsys.readouterr().out
    assert ("audit log: 2 erasure entries and 2 tombstone(s) recorded (sealed by checkpoint"
            in out)
    assert f"cctrace verify --event trace:{sorted(sess1)[0]}" in out
    assert cli_main.main(["verify", "--event", f"trace:{sess1[1]}"]) == 0
    assert "inclusion proof: VALID" in capsys.readouterr().out


def test_refused_remote_delete_records_no_erasure(capsys, monkeypatch):
    home, sess1 = _audited()
    before = len(_log_entries(home))
    with OTLPReceiver() as recv:
        recv.push_faults([403])
        write_config(langfuse_toml(recv.base_url, "pk-lf-1", "sk-lf-1"))
        assert cli_main.main(["purge", "--session", "sess-1", "--json"]) == 1
    report = json.loads(capsys.readouterr().out)
    assert "audit" not in report and report["local"] == {}
    assert len(_log_entries(home)) == before  # nothing was deleted, nothing recorded


def test_purge_with_langfuse_names_both_places(capsys, monkeypatch):
    home, sess1 = _audited()
    with OTLPReceiver() as recv:
        write_config(langfuse_toml(recv.base_url, "pk-lf-1", "sk-lf-1"))
        assert cli_main.main(["purge", "--session", "sess-1"]) == 0
    capsys.readouterr()
    erased = [e for e in _log_entries(home) if e["k"] == "erase"]
    assert {e["x"]["reason"] for e in erased} == {
        "cctrace purge --session sess-1; deleted: local, langfuse"}
    assert cli_main.main(["verify"]) == 0


def test_purge_of_an_unknown_session_is_an_error(recorded, capsys):
    for extra in ([], ["--dry-run"], ["--local-only"]):
        assert cli_main.main(["purge", "--session", "nosuch", *extra]) == 1
        out, err = capsys.readouterr()
        assert out == "" and err == ("cctrace: error: no session matches 'nosuch': nothing "
                                     "deleted (`cctrace sessions` lists them)\n")
    with Store.open() as store:
        assert sorted(s.id for s in store.sessions()) == ["sess-1", "sess-2"]
    # A known session with nothing before the date is not "unknown": exit 0.
    assert cli_main.main(["purge", "--session", "sess-2", "--before", "2026-01-01",
                          "--local-only"]) == 0
    assert "nothing matched: nothing deleted" in capsys.readouterr().out
