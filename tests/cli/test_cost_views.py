"""What users see of cost: `sessions`, `show`, `report` (text, HTML) never show a total that
silently leaves tokens out; `sessions --json` names each cost's source; `[prices]` is set
and checked through `cctrace config` and a bad one stops the views with the reason."""

from __future__ import annotations

import json

import pytest

from cctrace.cli import main as cli_main
from cctrace.store.cost import ClaudeCodeCost
from cctrace.store.db import Store
from store.helpers import SEC, T0, turn

PRICED = "11111111-1111-4c3b-9a7e-000000000001"
NEW_MODEL = "22222222-2222-4c3b-9a7e-000000000002"
COUNTED = "33333333-3333-4c3b-9a7e-000000000003"


@pytest.fixture(autouse=True)
def _registered(monkeypatch):
    monkeypatch.setattr(cli_main, "COMMANDS", ["sessions", "report", "config"])


@pytest.fixture
def recorded(_isolated_state):
    with Store.open() as store:
        store.insert_traces([turn(PRICED, "a", T0)])  # sonnet-4-5: the table prices it
        store.insert_traces([turn(NEW_MODEL, "b", T0 + 60 * SEC, model="claude-opus-5-5")])
        store.insert_traces([turn(COUNTED, "c", T0 + 120 * SEC, model="claude-opus-5-5")])
        store.save_cost_state(COUNTED, ClaudeCodeCost(
            0.25, {"claude-opus-5-5": {"inputTokens": 1000, "outputTokens": 500,
                                       "cacheReadInputTokens": 20000, "costUSD": 0.25}},
            True, T0 + 125 * SEC))


def run(capsys, *argv):
    code = cli_main.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_sessions_json_names_cost_source_and_unpriced_tokens(capsys, recorded):
    code, out, _ = run(capsys, "sessions", "--json")
    assert code == 0
    by_id = {s["id"]: s for s in json.loads(out)["sessions"]}
    assert by_id[PRICED]["cost"] == pytest.approx(0.0165, abs=1e-12)
    assert (by_id[PRICED]["cost_source"], by_id[PRICED]["unpriced_tokens"]) == ("table", 0)
    assert by_id[PRICED]["claude_code"] is None
    assert (by_id[NEW_MODEL]["cost"], by_id[NEW_MODEL]["cost_source"]) == (None, None)
    assert by_id[NEW_MODEL]["unpriced_tokens"] == 21500
    assert by_id[NEW_MODEL]["unpriced_models"] == ["claude-opus-5-5"]
    # Claude Code's own count, flagged by it as a guess (hasUnknownModelCost): "estimate".
    assert (by_id[COUNTED]["cost"], by_id[COUNTED]["cost_source"]) == (0.25, "estimate")
    assert by_id[COUNTED]["claude_code"] == {"cost_usd": 0.25, "tokens": {"claude-opus-5-5": {
        "input": 1000, "output": 500, "input_cache_read": 20000}}}


def test_sessions_table_marks_and_totals_unpriced_tokens(capsys, recorded):
    code, out, _ = run(capsys, "sessions")
    lines = out.splitlines()
    row = {line.split()[0]: line for line in lines[1:4]}
    assert row[NEW_MODEL[:8]].split()[-2:] == ["-*", "0"]
    assert row[PRICED[:8]].split()[-2:] == ["$0.0165", "0"]
    assert lines[-1] == ("21500 tokens of 64500 unpriced (claude-opus-5-5): price them under "
                         "[prices] in config.toml")


def test_show_says_whose_cost_and_what_it_leaves_out(capsys, recorded):
    _, out, _ = run(capsys, "show", NEW_MODEL[:8])
    assert "21.5k tokens · - , 21500 tokens of 21500 unpriced" not in out
    assert out.splitlines()[3].endswith("21.5k tokens · -, 21500 tokens of 21500 unpriced")
    _, out, _ = run(capsys, "show", PRICED[:8])
    assert out.splitlines()[3].endswith("21.5k tokens · $0.0165 (table)")


def test_report_text_and_html_say_n_tokens_of_m_unpriced(capsys, recorded, tmp_path):
    code, out, _ = run(capsys, "report")
    assert code == 0
    assert ("Unpriced: 21.5k tokens of 64.5k have no price (model claude-opus-5-5): costs "
            "above leave them out") in out.splitlines()
    target = tmp_path / "r.html"
    assert run(capsys, "report", "--html", str(target))[0] == 0
    assert ('<div class="notice" id="unpriced" data-tokens="21500" data-total="64500">'
            ) in target.read_text()
    code, out, _ = run(capsys, "report", "--json")
    doc = json.loads(out)
    assert doc["totals"]["unpriced_tokens"] == 21500
    # The session Claude Code counted itself adds its count, as `sessions` shows it.
    assert doc["totals"]["cost"] == pytest.approx(0.0165 + 0.25, abs=1e-12)


def test_a_price_override_prices_history_and_clears_the_notice(capsys, recorded):
    code, _, err = run(capsys, "config", "set", "prices",
                       '{"claude-opus-5-*": {"input": 4, "output": 20, "cache_read": 0.2}}')
    assert code == 0, err
    code, out, _ = run(capsys, "sessions", "--json")
    by_id = {s["id"]: s for s in json.loads(out)["sessions"]}
    # 1000 * $4 + 500 * $20 + 20000 * $0.20 per million
    assert by_id[NEW_MODEL]["cost"] == pytest.approx(0.004 + 0.01 + 0.004, abs=1e-12)
    assert (by_id[NEW_MODEL]["cost_source"], by_id[NEW_MODEL]["unpriced_tokens"]) == (
        "override", 0)
    _, out, _ = run(capsys, "report")
    assert "unpriced" not in out


def test_bad_prices_are_refused_by_config_and_stop_the_views(capsys, recorded,
                                                            _isolated_state):
    code, _, err = run(capsys, "config", "set", "prices", '{"claude-opus-5-5": {"input": 4}}')
    assert code == 2
    assert "prices.claude-opus-5-5: output is required (USD per million tokens)" in err
    (_isolated_state / "config.toml").write_text('[prices.m]\ninput = "four"\noutput = 1\n')
    for argv in (["sessions"], ["show", PRICED[:8]], ["report"]):
        code, out, err = run(capsys, *argv)
        assert (code, out) == (1, "")
        assert err == (f"cctrace: error: {_isolated_state / 'config.toml'}: prices.m.input "
                       "must be a number of USD per million tokens (0 or more), not 'four' "
                       "(costs are priced with it; fix it or remove it)\n")
