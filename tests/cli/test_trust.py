"""`cctrace trust HOST | --list | --remove HOST` through `cctrace.cli.main.main`."""

from __future__ import annotations

import json

import pytest

from cctrace.cli import main as cli_main
from cctrace.security import trust


@pytest.fixture(autouse=True)
def _registered(monkeypatch):
    monkeypatch.setattr(cli_main, "COMMANDS", ["trust"])


def test_trust_list_remove(capsys, _isolated_state):
    assert cli_main.main(["trust", "https://Langfuse.Example.com/"]) == 0
    assert "langfuse.example.com: trusted" in capsys.readouterr().out
    assert cli_main.main(["trust", "--list", "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == {"hosts": ["langfuse.example.com"]}
    assert trust.load_trusted(str(_isolated_state)) == ["langfuse.example.com"]
    assert cli_main.main(["trust", "--remove", "langfuse.example.com"]) == 0
    assert "no longer trusted" in capsys.readouterr().out
    assert cli_main.main(["trust", "--list"]) == 0
    assert "no trusted hosts" in capsys.readouterr().out


def test_trust_needs_exactly_one_action(capsys):
    assert cli_main.main(["trust"]) == 2
    assert cli_main.main(["trust", "a.example", "--list"]) == 2
    assert cli_main.main(["trust", "::::"]) == 2
