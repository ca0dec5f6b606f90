"""`cctrace.cli.agentchange`: changes to cctrace from inside Claude Code leave a sealed record."""

from __future__ import annotations

import argparse
import json
import os

import pytest

from cctrace.audit import log as audit_log
from cctrace.cli import agentchange
from cctrace.cli import main as cli_main
from cctrace.store.db import Store


@pytest.fixture(autouse=True)
def _registered(monkeypatch):
    monkeypatch.setattr(cli_main, "COMMANDS", ["config", "verify", "rules", "install"])


def _ns(**kw):
    return argparse.Namespace(**kw)


@pytest.mark.parametrize("args,expected", [
    (_ns(command="config", config_command="set", key="langfuse.secret_key", value="sk-x"),
     "cctrace config set langfuse.secret_key"),
    (_ns(command="config", config_command="unset", key="audit.enabled"),
     "cctrace config unset audit.enabled"),
    (_ns(command="config", config_command="get", key="audit.enabled"), None),
    (_ns(command="rules", rules_command="guard", guard_command="disable"),
     "cctrace rules guard disable"),
    (_ns(command="rules", rules_command="guard", guard_command="status"), None),
    (_ns(command="rules", rules_command="list"), None),
    (_ns(command="uninstall", all=True, scope=None, dry_run=False), "cctrace uninstall --all"),
    (_ns(command="uninstall", all=False, scope=None, dry_run=False),
     "cctrace uninstall --scope user"),
    (_ns(command="uninstall", all=False, scope="local", dry_run=True), None),
    (_ns(command="setup", dry_run=False), "cctrace setup"),
    (_ns(command="sessions"), None),
])
def test_which_commands_are_changes(args, expected):
    assert agentchange.action(args) == expected


def _log():
    path = os.path.join(os.environ["CCTRACE_HOME"], audit_log.AUDIT_DIR, audit_log.LOG_NAME)
    with open(path, "rb") as fh:
        return [json.loads(line) for line in fh]


def test_turning_the_audit_log_off_from_inside_is_recorded_in_it(monkeypatch, capsys):
    monkeypatch.setenv("CLAUDECODE", "1")
    assert cli_main.main(["config", "set", "audit.enabled", "false"]) == 0
    err = capsys.readouterr().err
    assert "`cctrace config set audit.enabled` ran from inside a Claude Code session" in err
    with Store.open() as store:
        found = store.findings()
    assert [(f.rule_id, f.severity, f.detail["action"], f.detail["reasons"]) for f in found] == [
        ("audit.agent_tamper", "high", "cctrace config set audit.enabled",
         ["environment variable CLAUDECODE is set"])]
    assert [(e["k"], e["id"]) for e in _log()] == [("finding", f"finding:{found[0].id}")]
    assert cli_main.main(["verify"]) == 0


def test_a_value_never_reaches_the_record(monkeypatch, capsys):
    monkeypatch.setenv("CLAUDE_CODE_ENTRYPOINT", "cli")
    assert cli_main.main(["config", "set", "trace.user_id", "value-zq81"]) == 0
    with Store.open() as store:
        stored = json.dumps([f.__dict__ for f in store.findings()])
    assert "trace.user_id" in stored and "value-zq81" not in stored


def test_outside_claude_code_or_reading_records_nothing(monkeypatch):
    assert cli_main.main(["config", "set", "retention.days", "3"]) == 0
    monkeypatch.setenv("CLAUDECODE", "1")
    assert cli_main.main(["config", "get", "retention.days"]) == 0
    with Store.open() as store:
        assert store.findings() == []
