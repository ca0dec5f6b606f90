"""`redact/cells.py`: a value wrapped inside its table column, over continuation rows."""

from __future__ import annotations

import re

import pytest

from cctrace.redact import cells, registry
from cctrace.redact.engine import SecretRedactor
from support.absence import assert_absent

TOKEN = "ghp_" + "Qm7xK2pLz9RtW4vN8bYc6HdGsE1aUoI5TqXe"  # 40 chars, cut at 32 below
RULE = "+----------+----------------------------------+"


def _table(name: str, value: str, width: int = 32, bar: str = "|") -> str:
    parts = [value[i:i + width] for i in range(0, len(value), width)]
    rows = [f"{bar} {name:<8} {bar} {parts[0]:<{width}} {bar}"]
    rows += [f"{bar} {'':<8} {bar} {p:<{width}} {bar}" for p in parts[1:]]
    return "\n".join([RULE, f"{bar} {'Name':<8} {bar} {'Value':<{width}} {bar}", RULE, *rows,
                      RULE]) + "\n"


def _find_literal(word: str):
    def find(line: str) -> list[tuple[int, int, int, str, str]]:
        return [(m.start(), m.end(), 50, "t", "d") for m in re.finditer(re.escape(word), line)]
    return find


@pytest.mark.parametrize("bar", ["|", "│"])
def test_a_wrapped_token_is_gone(bar: str) -> None:
    text = _table("GH_TOKEN", TOKEN, bar=bar)
    red = SecretRedactor(registry.detectors(), b"k" * 32)
    out = red.redact_text(text)
    assert_absent(TOKEN, out)
    assert out.startswith(RULE + "\n") and out.endswith(RULE + "\n")


def test_the_find_maps_back_over_both_fragments() -> None:
    text = _table("K", "abcdefghijABCDEFGHIJ", width=10)
    found = cells.cell_candidates(text, _find_literal("hijABC"))
    start = text.index("hij")
    end = text.index("ABC") + 3
    assert found == [(start, end, 50, "t", "d")]


def test_three_fragments_and_the_rest_of_the_row() -> None:
    text = ("| a | 0123456789 | x |\n|   | ABCDEFGHIJ |   |\n|   | KLMN       |   |\n"
            "| b | other      | y |\n")
    found = cells.cell_candidates(text, _find_literal("89ABCDEFGHIJKL"))
    assert found == [(text.index("89"), text.index("KLMN") + 2, 50, "t", "d")]


@pytest.mark.parametrize("text,word", [
    ("| a | 0123456789 |\n| b | ABCDEFGHIJ |\n", "89AB"),  # the next row has a name
    ("| a |            |\n|   | ABCDEFGHIJ |\n", "ABCD"),  # nothing ran on from the head
    ("| a | 0123456789 |\n|   | ABC | D |\n", "89AB"),  # another shape of row
    ("| a | 0123456789 |\n|   |            |\n", "89"),  # a blank row
    ("a | 0123456789 |\n  | ABCDEFGHIJ |\n", "89AB"),  # not table rows
    ("| a | 0123456789 |\n|   | ABCDEFGHIJ |\n", "6789"),  # inside one fragment
    ("| a | 0123456789 |\n|   | ABCDEFGHIJ |\n", "a | 0123456789AB"),  # across columns
])
def test_nothing_is_joined_or_mapped(text: str, word: str) -> None:
    assert cells.cell_candidates(text, _find_literal(word)) == []


def test_a_plain_table_costs_nothing() -> None:
    calls = []
    text = "| a | b |\n| c | d |\n"
    assert cells.cell_candidates(text, lambda line: calls.append(line) or []) == []
    assert calls == []
    assert cells.cell_candidates("no table here", lambda line: 1 / 0) == []


def _find_re(pattern: str):
    def find(line: str) -> list[tuple[int, int, int, str, str]]:
        return [(m.start(), m.end(), 50, "t", "d") for m in re.finditer(pattern, line)]
    return find


@pytest.mark.parametrize("bar", ["|", "│", "┃"])
def test_every_bar_in_a_text_outside_ascii(bar: str) -> None:
    text = (f"é\n{bar} a {bar} 0123456789 {bar}\n{bar}   {bar} ABCDEFGHIJ {bar}\n")
    assert cells.cell_candidates(text, _find_literal("89AB")) == [
        (text.index("89"), text.index("AB") + 2, 50, "t", "d")]


def test_a_table_after_a_leading_newline_and_two_tables() -> None:
    text = ("\n| a | 0123456789 |\n|   | ABCDEFGHIJ |\nthen\n"
            "| b | 0123456789 |\n|   | KLMNOPQRST |\n")
    found = cells.cell_candidates(text, _find_re("89AB|89KL"))
    assert found == [(text.index("89"), text.index("AB") + 2, 50, "t", "d"),
                     (text.rindex("89"), text.index("KL") + 2, 50, "t", "d")]


def test_every_find_of_a_row_and_one_from_the_first_character() -> None:
    text = "| a | 0123456789 |\n|   | ABCDEFGHIJ |\n"
    found = cells.cell_candidates(text, _find_re("a |\\s|0123456789AB"))
    assert found == [(text.index("0123"), text.index("AB") + 2, 50, "t", "d")]


@pytest.mark.parametrize("text,pattern", [
    # a blank cell in the head row stays blank: what the continuation fills must run on
    ("| a | 0123456789 |     |\n|   | ABCDEFGHIJ |     |\n", None),
    # a blank row ends the cell
    ("| a | 0123456789 |\n|   |            |\n|   | ABCDEFGHIJ |\n", "89AB"),
    # a find that starts where a fragment starts is inside that fragment
    ("| a | 0123456789 |\n|   | ABCDEFGHIJ |\n", "ABCD"),
    # across into the third column
    ("| a | 0123456789 | x |\n|   | ABCDEFGHIJ |   |\n", "89ABCDEFGHIJ \\| x"),
])
def test_joined_only_within_a_running_cell(text: str, pattern: str | None) -> None:
    if pattern is None:  # the head's blank third column: the row is still continued
        assert cells.cell_candidates(text, _find_literal("89AB")) == [
            (text.index("89"), text.index("AB") + 2, 50, "t", "d")]
        return
    assert cells.cell_candidates(text, _find_re(pattern)) == []
