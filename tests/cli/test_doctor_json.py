"""The `--json` shape of `cctrace doctor` and `cctrace status`: keys and check names, in order.

Scripts read these documents; a check that is renamed, moved or dropped changes this list
and fails here first (issue 16 split doctor into `cctrace.checks` without changing it).
"""

from __future__ import annotations

import json

import pytest

from cctrace.cli import main as cli_main
from support.configure import langfuse_toml, write_config

TOP = ["ok", "state_dir", "checks"]
CHECK_KEYS = ["name", "status", "detail", "fix", "data"]
# A state dir that exists, a Langfuse destination configured, no hook, no claude on PATH.
OFFLINE = ["claude", "hooks", "state dir pin", "config", "environment", "permissions",
           "keychain", "runtime", "worker", "spool", "state dir", "hook", "outbox", "export",
           "limits", "transcripts", "quarantine", "destination", "agent"]
STATUS = OFFLINE  # status runs the same checks, offline


@pytest.fixture(autouse=True)
def _env(tmp_path, monkeypatch):
    monkeypatch.setattr(cli_main, "COMMANDS", ["doctor"])
    (tmp_path / "home").mkdir()
    (tmp_path / "proj").mkdir()
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))  # no claude: a fixed verdict
    monkeypatch.delenv("CLAUDE_CONFIG_DIR", raising=False)
    monkeypatch.delenv("CCTRACE_CLAUDE_BIN", raising=False)
    monkeypatch.chdir(tmp_path / "proj")
    write_config(langfuse_toml("http://127.0.0.1:9", "pk-lf-test", "sk-lf-test"))


def _doc(capsys, *argv: str) -> dict:
    cli_main.main(list(argv))
    return json.loads(capsys.readouterr().out)


@pytest.mark.parametrize("argv, names", [(("doctor", "--offline", "--json"), OFFLINE),
                                         (("status", "--json"), STATUS)])
def test_json_keys_and_check_names(capsys, argv, names):
    doc = _doc(capsys, *argv)
    assert list(doc) == TOP
    assert [list(c) for c in doc["checks"]] == [CHECK_KEYS] * len(names)
    assert [c["name"] for c in doc["checks"]] == names
    assert {c["status"] for c in doc["checks"]} <= {"ok", "warn", "fail", "skip"}


def test_fix_adds_one_key(capsys):
    doc = _doc(capsys, "doctor", "--offline", "--fix", "--json")
    assert list(doc) == TOP + ["fixed"]
