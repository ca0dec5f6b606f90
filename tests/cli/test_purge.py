"""`cctrace purge` through `cctrace.cli.main.main`: local and Langfuse erasure, dry run."""

from __future__ import annotations

import json

import pytest

from cctrace.cli import main as cli_main
from cctrace.store.db import Store
from store.helpers import SEC, T0, turn
from support.otlp_receiver import OTLPReceiver


@pytest.fixture(autouse=True)
def _registered(monkeypatch):
    monkeypatch.setattr(cli_main, "COMMANDS", ["purge"])


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
        monkeypatch.setenv("LANGFUSE_BASE_URL", recv.base_url)
        monkeypatch.setenv("LANGFUSE_PUBLIC_KEY", "pk-lf-1")
        monkeypatch.setenv("LANGFUSE_SECRET_KEY", "sk-lf-1")
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
