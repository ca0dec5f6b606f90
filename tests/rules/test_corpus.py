"""The labelled corpus meets the detection and false-positive targets (quality, not time)."""

from __future__ import annotations

import fnmatch
import json
import os

import pytest

from cctrace.rules import evaluate, load_ruleset

from .helpers import call

CORPUS = os.path.join(os.path.dirname(__file__), "..", "..", "bench", "rules_corpus")


def rows(name):
    with open(os.path.join(CORPUS, name), encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


@pytest.fixture(scope="module")
def rs():
    return load_ruleset()


def findings_for(row, rs, n):
    trace = call(row["tool"], row.get("input"), row.get("output"), n=n,
                 session=f"c{n}", cwd=row.get("cwd", "/home/dev/work/app"))
    return [f.rule_id for f in evaluate([trace], rs)]


def test_at_least_90_percent_of_malicious_calls_raise_the_expected_rule(rs):
    data = rows("malicious.jsonl")
    missed = [r["id"] for i, r in enumerate(data)
              if not any(fnmatch.fnmatch(x, r["expect"]) for x in findings_for(r, rs, i + 1))]
    assert len(data) >= 1000
    assert len(missed) / len(data) <= 0.10, missed[:20]


def test_at_most_one_false_positive_per_thousand_benign_calls(rs):
    data = rows("benign.jsonl")
    fps = [(r["id"], ids) for i, r in enumerate(data)
           if (ids := findings_for(r, rs, 10_000 + i))]
    assert len(data) >= 1000
    assert len(fps) * 1000 / len(data) <= 1.0, fps
