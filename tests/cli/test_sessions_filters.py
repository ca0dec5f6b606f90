"""`cctrace sessions --model / --min-cost`: filters applied before --limit."""

from __future__ import annotations

import json

import pytest

from cctrace.cli import main as cli_main
from cctrace.store.db import Store
from store.helpers import SEC, T0, turn

OPUS = "claude-opus-4-1-20250805"


@pytest.fixture(autouse=True)
def recorded(monkeypatch):
    monkeypatch.setattr(cli_main, "COMMANDS", ["sessions"])
    with Store.open() as store:
        store.insert_traces([turn("s-sonnet-1", "a", T0)])
        store.insert_traces([turn("s-sonnet-2", "b", T0 + SEC), turn("s-sonnet-2", "c",
                                                                      T0 + 2 * SEC)])
        store.insert_traces([turn("s-opus", "d", T0 + 3 * SEC, model=OPUS)])


def ids(capsys, *argv):
    assert cli_main.main(["sessions", "--json", *argv]) == 0
    return [s["id"] for s in json.loads(capsys.readouterr().out)["sessions"]]


def test_model_filter_is_a_case_insensitive_substring(capsys):
    assert ids(capsys, "--model", "OPUS") == ["s-opus"]
    assert ids(capsys, "--model", "sonnet") == ["s-sonnet-2", "s-sonnet-1"]


def test_min_cost_and_limit_after_filtering(capsys):
    # one turn costs 0.0165, two turns 0.033
    # priced from usage by the table: opus's one turn 0.0825, sonnet's two 0.033
    assert ids(capsys, "--min-cost", "0.02") == ["s-opus", "s-sonnet-2"]
    assert ids(capsys, "--min-cost", "0.05") == ["s-opus"]
    assert ids(capsys, "--model", "sonnet", "--limit", "1") == ["s-sonnet-2"]
    assert ids(capsys, "--model", "sonnet", "--min-cost", "1") == []
    assert cli_main.main(["sessions", "--model", "haiku"]) == 0
    assert capsys.readouterr().out == "no sessions match\n"
