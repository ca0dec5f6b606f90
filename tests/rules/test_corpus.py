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


# Thresholds at today's performance (a ratchet, not a first target): 1,311 of the 1,312
# malicious calls raise their rule (99.92 %); the one miss, m058 (a `node -e` fetch POST
# of .env) wrapped in `python3 -c 'import os; os.system(...)'` with escaped nested quotes, is
# known. A new miss fails; fixing the known one
# is welcome (then remove it here). No benign call raises anything today.
KNOWN_MISSED = {"m058-python_os.system"}


def test_every_malicious_call_but_the_known_miss_raises_the_expected_rule(rs):
    data = rows("malicious.jsonl")
    missed = [r["id"] for i, r in enumerate(data)
              if not any(fnmatch.fnmatch(x, r["expect"]) for x in findings_for(r, rs, i + 1))]
    assert len(data) >= 1300
    assert set(missed) <= KNOWN_MISSED, sorted(set(missed) - KNOWN_MISSED)
    assert (len(data) - len(missed)) / len(data) >= 0.999


def test_no_benign_call_raises_a_finding(rs):
    data = rows("benign.jsonl")
    fps = [(r["id"], ids) for i, r in enumerate(data)
           if (ids := findings_for(r, rs, 10_000 + i))]
    assert len(data) >= 1000
    assert fps == []


def test_recorded_benign_calls_raise_nothing_one_by_one(rs):
    data = rows("benign_recorded.jsonl")
    fps = [(r["id"], ids) for i, r in enumerate(data)
           if (ids := findings_for(r, rs, 20_000 + i))]
    assert len(data) >= 300
    assert fps == []


def test_recorded_benign_sessions_raise_nothing_when_replayed_whole(rs):
    # Windowed and sequence rules only see a session's history when its calls come in order.
    data = rows("benign_recorded.jsonl")
    by_session: dict[str, list] = {}
    for i, r in enumerate(data):
        by_session.setdefault(r["session"], []).append(
            call(r["tool"], r.get("input"), r.get("output"), n=30_000 + i,
                 session=f"rec-{r['session']}", cwd=r["cwd"], branch=r["branch"] or "main",
                 minutes=i / 60))
    found = {sid: [f.rule_id for f in evaluate(traces, rs)]
             for sid, traces in by_session.items()}
    assert len(found) >= 5
    assert all(ids == [] for ids in found.values()), found


@pytest.mark.parametrize("branch,command,fires", [
    # Claude Code records the branch the session started on: after `git checkout -b x` the
    # metadata still says main, so an explicit non-protected refspec decides.
    ("main", "git push -q --force-with-lease origin feature/ci", False),
    ("main", "git push --force-with-lease -u origin HEAD:feature/ci", False),
    ("main", "git push --force-with-lease", True),
    ("main", "git push --force-with-lease origin HEAD", True),
    ("feature/x", "git push --force-with-lease origin main", True),
    ("feature/x", "git push --force-with-lease origin feature/x:main", True),
    ("feature/x", "git push --force origin feature/x", True),
])
def test_lease_push_judged_by_its_refspec_before_the_session_branch(rs, branch, command, fires):
    trace = call("Bash", {"command": command}, branch=branch)
    ids = [f.rule_id for f in evaluate([trace], rs)]
    assert ("destructive.git_force_push" in ids) is fires, ids
