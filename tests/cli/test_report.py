"""`cctrace report`: terminal summary, --json figures equal to the store's, --html file."""

from __future__ import annotations

import json
import os
import stat

import pytest

from cctrace.cli import main as cli_main
from cctrace.store.db import Store
from store.helpers import SEC, T0, turn

SID = "eeee0000-0000-0000-0000-000000000005"


@pytest.fixture(autouse=True)
def _registered(monkeypatch):
    monkeypatch.setattr(cli_main, "COMMANDS", ["report"])


@pytest.fixture
def recorded():
    with Store.open() as store:
        store.insert_traces([turn(SID, "a", T0, tool_error=True)])
        store.insert_traces([turn(SID, "b", T0 + 86400 * SEC, subagent=True)])
        return store.sessions()


def run(capsys, *argv):
    code = cli_main.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_terminal_and_json(capsys, recorded):
    code, out, _ = run(capsys, "report")
    assert code == 0 and out.startswith("cctrace report: all time")
    assert "$0.03 · 43.0k tokens · 1 sessions · 2 turns · 3 model calls" in out
    code, out, _ = run(capsys, "report", "--json")
    doc = json.loads(out)
    (s,) = recorded
    assert doc["totals"]["cost"] == pytest.approx(s.cost)
    assert doc["totals"]["tokens"] == s.tokens
    assert doc["tool_calls"] == s.tool_calls and doc["tool_failures"] == s.errors
    assert [d["key"] for d in doc["by_day"]] == sorted(d["key"] for d in doc["by_day"])


def test_html_file(capsys, recorded, tmp_path):
    target = tmp_path / "r.html"
    code, out, _ = run(capsys, "report", "--html", str(target))
    assert code == 0 and f"HTML report: {target}" in out
    page = target.read_text()
    assert page.startswith("<!DOCTYPE html>") and "<svg" in page
    assert stat.S_IMODE(os.stat(target).st_mode) == 0o600


def test_empty_store_and_bad_arguments(capsys, tmp_path):
    code, out, _ = run(capsys, "report", "--since", "7d")
    assert code == 0 and "nothing recorded in this period" in out
    assert run(capsys, "report", "--since", "1d", "--until", "2d")[0] == 2
    assert run(capsys, "report", "--open")[0] == 2
    assert run(capsys, "report", "--html", str(tmp_path / "missing" / "r.html"))[0] == 1


def test_html_dash_writes_the_page_to_stdout(capsys, recorded, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    code, out, err = run(capsys, "report", "--html", "-")
    assert code == 0 and err == ""
    assert out.startswith("<!DOCTYPE html>") and out.endswith("</html>\n")
    assert out.count("<html") == 1 and "cctrace report:" not in out
    assert not (tmp_path / "-").exists()
    code, _, err = run(capsys, "report", "--html", "-", "--json")
    assert code == 2 and "not with --json or --open" in err


def test_json_v2_figures_agree_with_the_store(capsys, recorded):
    code, out, _ = run(capsys, "report", "--json")
    doc = json.loads(out)
    (s,) = recorded
    (row,) = doc["sessions"]
    assert (row["id"], row["turns"], row["tokens"]) == (s.id, s.turns, s.tokens)
    assert row["cost"] == pytest.approx(s.cost) and len(row["tree"]) == s.turns
    assert sum(doc["cost_by_token"].values()) == pytest.approx(s.cost)
    assert doc["turn_cost"]["turns"] == 2
    assert sum(b["turns"] for b in doc["turn_cost"]["bins"]) == 2
    assert [w["cost"] for w in doc["by_week"]] == pytest.approx([s.cost])
    assert [m["key"] for m in doc["by_month"]] == ["2026-01"]
    assert doc["unpriced"] == {"tokens": 0, "total_tokens": sum(s.tokens.values()),
                               "generations": 0, "models": []}
    assert doc["cache_savings"]["read_saved"] > 0


def test_terminal_report_uses_the_terminal_width(capsys, recorded, monkeypatch):
    monkeypatch.setenv("COLUMNS", "200")
    code, out, _ = run(capsys, "report", "--all")
    (row,) = [line for line in out.splitlines() if "claude-sonnet-4-5-20250929" in line]
    assert code == 0 and "…" not in row and row.rstrip().endswith("cache  95.2%")
    monkeypatch.setenv("COLUMNS", "70")
    code, out, _ = run(capsys, "report")
    assert max(len(line) for line in out.splitlines()) == 70
