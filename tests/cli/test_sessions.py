"""`cctrace sessions` and `cctrace show`, driven through `cctrace.cli.main.main`."""

from __future__ import annotations

import json
from datetime import datetime

import pytest

from cctrace.cli import main as cli_main
from cctrace.cli import sessions as cmd
from cctrace.cli.main import CliError
from cctrace.store.db import Store
from store.helpers import SEC, T0, turn

SID = "5f0c2a9e-1111-4c3b-9a7e-000000000001"
SID2 = "5f0c2a9e-2222-4c3b-9a7e-000000000002"
OTHER = "b7d4e3f1-3333-4c3b-9a7e-000000000003"


@pytest.fixture(autouse=True)
def _registered(monkeypatch):
    monkeypatch.setattr(cli_main, "COMMANDS", ["sessions"])


@pytest.fixture
def recorded():
    with Store.open() as store:
        store.insert_traces([turn(SID, "a", T0, tool_error=True)])
        store.insert_traces([turn(SID, "b", T0 + 60 * SEC, subagent=True)])
        store.insert_traces([turn(SID2, "c", T0 + 3600 * SEC, cwd="/w/other",
                                  complete=False)])
        store.insert_traces([turn(OTHER, "d", T0 - 86400 * SEC, cwd="/w/old")])


def run(capsys, *argv):
    code = cli_main.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_sessions_table(capsys, recorded):
    code, out, _ = run(capsys, "sessions")
    assert code == 0
    lines = out.splitlines()
    assert lines[0].startswith("SESSION")
    # SID and SID2 share 8 characters, so the column shows enough to tell them apart.
    assert [line.split()[0] for line in lines[1:]] == [SID2[:10], SID[:10], OTHER[:10]]
    row = lines[2].split()
    assert row[1] == "myproj"
    # turns, tokens (2*21500 + 15 = 43015), cost, errors
    assert row[-4:] == ["2", "43.0k", "$0.0331", "1"]
    assert all(len(line) <= cmd.WIDTH for line in lines)


def test_sessions_json_and_filters(capsys, recorded):
    code, out, _ = run(capsys, "sessions", "--json", "--project", "myproj")
    assert code == 0
    (s,) = json.loads(out)["sessions"]
    assert s["id"] == SID and s["turns"] == 2 and s["errors"] == 1
    assert s["tokens"] == {"input": 2010, "input_cache_read": 40000, "output": 1005}
    assert s["cost"] == pytest.approx(0.0165 * 2 + 0.000105, abs=1e-12)
    assert (s["cost_source"], s["unpriced_tokens"]) == ("table", 0)
    _, out, _ = run(capsys, "sessions", "--json", "--limit", "1")
    assert [x["id"] for x in json.loads(out)["sessions"]] == [SID2]
    since = datetime.fromtimestamp((T0 - 3600 * SEC) / 1e9).astimezone().isoformat()
    _, out, _ = run(capsys, "sessions", "--json", "--since", since)
    assert {x["id"] for x in json.loads(out)["sessions"]} == {SID, SID2}


def test_sessions_empty_store(capsys):
    code, out, _ = run(capsys, "sessions")
    assert (code, out) == (0, "no sessions recorded yet\n")


@pytest.mark.parametrize("argv", [["--since", "yesterday-ish"], ["--limit", "0"]])
def test_sessions_bad_arguments_exit_2(capsys, argv):
    code, _, err = run(capsys, "sessions", *argv)
    assert code == 2 and "cctrace: error:" in err


def test_parse_since_relative_and_absolute():
    now = T0
    assert cmd.parse_since("90m", now) == now - 90 * 60 * SEC
    assert cmd.parse_since("7d", now) == now - 7 * 86400 * SEC
    assert cmd.parse_since("2W", now) == now - 14 * 86400 * SEC
    assert cmd.parse_since("2026-01-01T00:00:00Z", now) == T0
    assert cmd.parse_since("2026-01-01T01:00:00+01:00", now) == T0
    local = datetime(2026, 1, 31).astimezone()
    assert cmd.parse_since("2026-01-31", now) == int(local.timestamp()) * SEC
    with pytest.raises(CliError):
        cmd.parse_since("soon", now)


def test_show_json_document(capsys, recorded):
    code, out, _ = run(capsys, "show", SID[:12], "--json")
    assert code == 0
    doc = json.loads(out)
    assert doc["session"]["id"] == SID and doc["session"]["project"] == "myproj"
    first, second = doc["traces"]
    assert (first["name"], second["name"]) == ("turn a", "turn b")
    assert first["input"] == "prompt a" and first["output"] == "final answer"
    keys = {"id", "trace_id", "parent_id", "type", "name", "start_ns", "end_ns", "level",
            "status_message", "model", "usage", "cost", "input", "output", "metadata"}
    for obs in first["observations"] + second["observations"]:
        assert keys <= set(obs)
    types = [o["type"] for o in second["observations"]]
    assert types == ["agent", "generation", "tool", "agent", "generation"]
    root = second["observations"][0]
    sub_agent = second["observations"][3]
    assert root["parent_id"] is None and sub_agent["parent_id"] == root["id"]
    assert second["observations"][4]["parent_id"] == sub_agent["id"]
    tool = first["observations"][2]
    assert tool["level"] == "ERROR" and tool["status_message"] == "exit code 1"
    assert tool["input"] == {"command": "ls"}
    starts = [o["start_ns"] for o in second["observations"]]
    assert starts == sorted(starts)


def test_show_tree_text(capsys, recorded):
    code, out, _ = run(capsys, "show", SID)
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == f"Session {SID}  myproj"
    assert all(len(line) <= cmd.WIDTH for line in lines)
    assert "Turn 1" in out and "Turn 2" in out
    tool_line = next(line for line in lines if "tool Bash" in line and "ERROR" in line)
    assert "exit code 1" in tool_line
    sub = [line for line in lines if "Agent: explore" in line]
    (agent_line,) = sub
    indent = len(agent_line) - len(agent_line.lstrip())
    nested = lines[lines.index(agent_line) + 1]
    assert nested.lstrip().startswith("gen claude-sonnet-4-5")
    assert len(nested) - len(nested.lstrip()) == indent + 2
    assert "$0.0165" in out and "in 1.0k out 500 cache_read 20.0k" in out


def test_show_running_turn_is_marked(capsys, recorded):
    _, out, _ = run(capsys, "show", SID2)
    assert "[running]" in out


def test_show_unknown_and_ambiguous_sessions_exit_1(capsys, recorded):
    code, out, err = run(capsys, "show", "nope")
    assert code == 1 and out == "" and "no session matches 'nope'" in err
    code, _, err = run(capsys, "show", "5f0c2a9e")
    assert code == 1 and "several sessions" in err and SID in err


def test_id_width():
    assert cmd.id_width([]) == 8
    assert cmd.id_width(["abcdefgh-1", "abcdefgh-2"]) == 10
    assert cmd.id_width(["abcdefgh1234", "abcdefgh1234"]) == 12


def test_long_strings_are_cut():
    assert cmd.cut("x" * 300, 10) == "x" * 9 + "…"
    assert cmd.cut("a\nb\t c", 10) == "a b c"
    assert cmd.cut({"k": 1}, 20) == '{"k": 1}'
