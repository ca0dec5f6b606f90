"""`cctrace.cli.agentchange`, exactly: which real command lines (parsed by `cctrace`'s own
parser) are changes of cctrace, and the note and record one made from inside Claude Code
gets when the config is broken or the store cannot be written (first in
`bench/mutation.py`'s selection for the module)."""

from __future__ import annotations

import os

import pytest

from audit.helpers import log_entries
from cctrace.audit import log as audit_log
from cctrace.cli import agentchange
from cctrace.cli import main as cli_main
from cctrace.store.db import DB_NAME, Store


@pytest.mark.parametrize("argv,expected", [
    (["config", "set", "retention.days", "3"], "cctrace config set retention.days"),
    (["config", "unset", "audit.enabled"], "cctrace config unset audit.enabled"),
    (["config", "get", "audit.enabled"], None),
    (["rules", "guard", "enable"], "cctrace rules guard enable"),
    (["rules", "guard", "disable"], "cctrace rules guard disable"),
    (["rules", "guard", "status"], None),
    (["rules", "list"], None),
    (["uninstall"], "cctrace uninstall --scope user"),
    (["uninstall", "--all"], "cctrace uninstall --all"),
    (["uninstall", "--scope", "project"], "cctrace uninstall --scope project"),
    (["uninstall", "--dry-run"], None),
    (["setup"], "cctrace setup"),
    (["install"], None),
    (["purge", "--session", "s1"], None),  # an erasure: `cli.purge`'s own alarm
])
def test_which_parsed_command_lines_are_changes(argv, expected):
    assert agentchange.action(cli_main.build_parser().parse_args(argv)) == expected


def test_nothing_to_record_returns_none_without_touching_the_state_dir():
    home = os.environ["CCTRACE_HOME"]
    parser = cli_main.build_parser()
    assert agentchange.note(parser.parse_args(["config", "get", "x"]), {"CLAUDECODE": "1"}) \
        is None
    assert agentchange.note(parser.parse_args(["setup"]), {}) is None
    assert not os.path.exists(home)


def test_a_broken_config_file_still_gets_the_change_recorded_and_sealed(capsys):
    home = os.environ["CCTRACE_HOME"]
    os.makedirs(home)
    with open(os.path.join(home, "config.toml"), "w", encoding="utf-8") as f:
        f.write("[audit\nenabled = false\n")  # not TOML: the audit log's default (on) holds
    args = cli_main.build_parser().parse_args(["config", "unset", "audit.enabled"])
    report = agentchange.note(args, {"CLAUDE_CODE_ENTRYPOINT": "cli"})
    with Store.open() as store:
        found = store.findings()
    assert [(f.detail["action"], f.detail["reasons"]) for f in found] == [
        ("cctrace config unset audit.enabled",
         ["environment variable CLAUDE_CODE_ENTRYPOINT is set"])]
    assert report == {"finding": found[0].id, "queued": 0, "checkpoint": 0}
    assert [(e["k"], e["id"]) for e in log_entries(home)] == [("finding", f"finding:{found[0].id}")]
    assert capsys.readouterr().err == (
        "cctrace: note: `cctrace config unset audit.enabled` ran from inside a Claude Code "
        f"session: recorded as high finding {found[0].id} in the audit log\n")


def test_a_record_that_could_not_be_written_is_said_on_stderr(capsys):
    home = os.environ["CCTRACE_HOME"]
    os.makedirs(home)
    with open(os.path.join(home, DB_NAME), "wb") as f:  # a damaged store file
        f.write(b"this is not an SQLite database, not even its header" * 100)
    args = cli_main.build_parser().parse_args(["rules", "guard", "disable"])
    report = agentchange.note(args, {"CLAUDECODE": "1"})
    assert report == {"finding": report["finding"],
                      "error": "finding not stored: DatabaseError"}
    assert capsys.readouterr().err == (
        "cctrace: note: `cctrace rules guard disable` ran from inside a Claude Code session: "
        f"recorded as high finding {report['finding']} in the audit log (NOT fully "
        "recorded: finding not stored: DatabaseError)\n")


def test_the_config_in_force_decides_where_the_record_goes(capsys):
    # The audit log already off: the finding is stored, no log is started by the note.
    home = os.environ["CCTRACE_HOME"]
    os.makedirs(home)
    with open(os.path.join(home, "config.toml"), "w", encoding="utf-8") as f:
        f.write("[audit]\nenabled = false\n")
    args = cli_main.build_parser().parse_args(["config", "set", "retention.days", "1"])
    report = agentchange.note(args, {"CLAUDECODE": "1"})
    with Store.open() as store:
        assert [f.id for f in store.findings()] == [report["finding"]]
    assert report == {"finding": report["finding"], "queued": 0,
                      "audit": "audit log disabled"}
    assert not os.path.exists(os.path.join(home, audit_log.AUDIT_DIR, audit_log.LOG_NAME))
