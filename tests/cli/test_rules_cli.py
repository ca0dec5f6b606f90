"""`cctrace rules list|check|test` through the real argument parser (module registered the
way cli/main.py registers every command)."""

from __future__ import annotations

import argparse
import json

import pytest

from cctrace.cli import rules as rules_cli
from cctrace.cli.main import CliError


def run(argv, capsys):
    parser = argparse.ArgumentParser(prog="cctrace")
    rules_cli.register(parser.add_subparsers(dest="command"))
    args = parser.parse_args(argv)
    code = args.func(args)
    out = capsys.readouterr()
    return code, out.out, out.err


@pytest.fixture(autouse=True)
def home(tmp_path, monkeypatch):
    monkeypatch.setenv("CCTRACE_HOME", str(tmp_path / "state"))
    monkeypatch.delenv("CCTRACE_CONFIG", raising=False)
    return tmp_path


def test_list_shows_builtin_rules(capsys):
    code, out, _ = run(["rules", "list", "--json"], capsys)
    rows = [json.loads(line) for line in out.splitlines()]
    assert code == 0 and len(rows) >= 40
    assert {"secrets.dotenv_read", "sequence.secret_read_then_egress"} <= {r["id"] for r in rows}
    assert all(r["emit"] for r in rows)


def test_check_reports_a_bad_user_file_with_its_line(home, capsys):
    state = home / "state"
    state.mkdir()
    (home / "bad.yaml").write_text("rules:\n  - id: x\n    severity: nope\n    when: {}\n")
    (state / "config.toml").write_text(f'[rules]\npaths = ["{home / "bad.yaml"}"]\n')
    with pytest.raises(CliError) as err:
        run(["rules", "check"], capsys)
    assert err.value.code == 2 and f"{home / 'bad.yaml'}:2:" in str(err.value)


def test_test_runs_a_rule_file_over_tool_calls(home, capsys):
    rule = home / "r.yaml"
    rule.write_text("rules:\n  - id: team.no_make_deploy\n    severity: medium\n"
                    "    when: {tool: Bash, cmd: {name: make, args: [deploy]}}\n")
    events = home / "calls.jsonl"
    events.write_text(json.dumps({"tool": "Bash", "input": {"command": "make deploy"}}) + "\n"
                      + json.dumps({"tool": "Bash", "input": {"command": "make test"}}) + "\n"
                      + json.dumps({"tool": "Read", "input": {"file_path": ".env"}}) + "\n")
    code, out, err = run(["rules", "test", str(rule), str(events), "--json"], capsys)
    found = [json.loads(line) for line in out.splitlines()]
    assert code == 1
    # Only the file's own rules are reported, not the built-in pack's.
    assert [f["rule_id"] for f in found] == ["team.no_make_deploy"]
    assert found[0]["detail"]["evidence"] == "make deploy"
    code, out, _ = run(["rules", "test", str(rule)], capsys)
    assert code == 0 and "team.no_make_deploy" in out


def test_test_over_a_recorded_transcript(home, capsys):
    import glob
    import os

    transcript = sorted(glob.glob(os.path.join(os.path.dirname(__file__), "..", "fixtures",
                                               "transcripts", "multi_turn", "*-*.jsonl")))[0]
    rule = home / "r.yaml"
    rule.write_text("rules:\n  - id: team.wc\n    severity: low\n"
                    "    when: {tool: Bash, cmd: {name: wc}}\n")
    code, out, _ = run(["rules", "test", str(rule), transcript], capsys)
    assert code == 1 and "team.wc" in out and "wc -l notes.md" in out


def test_check_file_compiles_that_file_on_the_builtin_pack(home, capsys):
    good = home / "team.yaml"
    good.write_text("rules:\n  - id: team.no_make_deploy\n    severity: medium\n"
                    "    when: {tool: Bash, cmd: {name: make, args: [deploy]}}\n"
                    "  - id: team.env_read\n    severity: low\n"
                    "    when: {tool: Read, path: $dotenv_files}\n")
    code, out, _ = run(["rules", "check", str(good)], capsys)
    assert (code, out) == (0, f"ok: {good}: 2 rule(s)\n")
    bad = home / "bad.yaml"
    bad.write_text("rules:\n  - id: x\n    severity: nope\n    when: {}\n")
    with pytest.raises(CliError) as err:
        run(["rules", "check", str(good), str(bad)], capsys)
    assert err.value.code == 2 and str(err.value).startswith(f"{bad}:2:")
    with pytest.raises(CliError) as err:
        run(["rules", "check", str(home / "missing.yaml")], capsys)
    assert err.value.code == 2 and str(err.value) == (
        f"{home / 'missing.yaml'}:0: cannot read: No such file or directory")
