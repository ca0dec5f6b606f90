"""Rules planned per tool (`rules/specialize.py`) match exactly what the rules match."""

from __future__ import annotations

import json
import os

import pytest

from cctrace.rules import build_ruleset, load_ruleset, specialize
from cctrace.rules.engine import _turn_event, evaluate_event
from cctrace.rules.event import tool_event

from .helpers import bash, call

CORPUS = os.path.join(os.path.dirname(__file__), "..", "..", "bench", "rules_corpus")

RULES = """
rules:
  - id: t.any
    title: any branch
    severity: low
    when:
      any:
        - {tool: Bash, command: 'curl'}
        - {tool: [Read, Grep], read_path: ["*.pem"]}
        - {tool: Grep, input: 'secret'}
  - id: t.unless_tool
    title: unless names a tool
    severity: low
    when: {command: 'rm'}
    unless: [{tool: Bash}]
  - id: t.list
    title: a list of conditions
    severity: low
    when: [{tool: "Bas*"}, {not: {tool: Read}}, {all: [{tool: Bash}, {command: 'ls'}]}]
  - id: t.plain
    title: no tool test at all
    severity: low
    when: {output: 'needle'}
"""


@pytest.fixture(scope="module")
def rs():
    return build_ruleset([("t.yaml", RULES)], builtin=False)


def _ids(rs, ev):
    return [p[0].id for p in rs.plans(ev.tool) if specialize.matches(p, ev, rs.context)]


def test_tool_tests_are_answered_per_tool(rs):
    when = rs.get("t.any").when
    assert specialize.for_tool(when, "Write") is False
    bash_only = specialize.for_tool(when, "Bash")
    assert bash_only not in (True, False) and not hasattr(bash_only, "any_of")
    assert len(specialize.for_tool(when, "Grep").__code__.co_varnames) >= 2
    assert specialize.for_tool(rs.get("t.plain").when, "Bash") is rs.get("t.plain").when
    # `unless: tool Bash` is always true for Bash: the rule cannot match a Bash call.
    assert specialize.plan(rs.get("t.unless_tool"), "Bash") is None
    assert specialize.plan(rs.get("t.unless_tool"), "Shell") == (
        rs.get("t.unless_tool"), rs.get("t.unless_tool").when, ())
    assert specialize.plan(rs.get("t.list"), "Read") is None
    assert [p[0].id for p in rs.plans("Bash")] == ["t.any", "t.list", "t.plain"]
    assert [p[0].id for p in rs.plans("Grep")] == ["t.any", "t.unless_tool", "t.plain"]


def test_planned_rules_match_what_the_rules_match(rs):
    cases = [
        (bash("curl -s https://x.example/a"), ["t.any"]),
        (bash("ls -la"), ["t.list"]),
        (bash("rm -rf build && echo needle", output="needle"), ["t.plain"]),
        (call("Read", {"file_path": "/home/dev/k.pem"}), ["t.any"]),
        (call("Grep", {"pattern": "secret", "path": "."}), ["t.any"]),
        (call("Write", {"file_path": "a.txt"}, "needle"), ["t.plain"]),
    ]
    for trace, expected in cases:
        ev = tool_event(trace.observations[0], trace)
        assert _ids(rs, ev) == expected
        assert [r.id for r in rs.for_tool(ev.tool) if r.matches(ev, rs.context)] == expected


def test_the_shipped_rules_planned_agree_on_the_whole_corpus():
    rs = load_ruleset()
    hits = events = 0
    for name in ("malicious.jsonl", "benign.jsonl", "benign_recorded.jsonl"):
        with open(os.path.join(CORPUS, name), encoding="utf-8") as fh:
            rows = [json.loads(line) for line in fh if line.strip()]
        for n, row in enumerate(rows, 1):
            trace = call(row["tool"], row.get("input"), row.get("output"), n=n,
                         cwd=row.get("cwd", "/home/dev/work/app"))
            for ev in (tool_event(trace.observations[0], trace), _turn_event(trace)):
                whole = [r for r in rs.for_tool(ev.tool) if r.matches(ev, rs.context)]
                assert evaluate_event(ev, rs) == whole, (name, row.get("id"))
                hits += len(whole)
                events += 1
    assert events == 2 * (1312 + 1060 + 306)
    assert hits >= 1400
