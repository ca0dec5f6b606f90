"""Mutation suite: 1,000 random single edits, deletions, insertions, reorderings and
truncations of the log and of its checkpoints; each is detected with the right kind."""

from __future__ import annotations

import random

import pytest

from audit.helpers import build_log, paths
from cctrace.audit import keys, verify

KINDS = ("edited", "deleted", "inserted", "reordered", "truncated")


@pytest.fixture(scope="module")
def sealed(tmp_path_factory):
    state = str(tmp_path_factory.mktemp("audit"))
    build_log(state, batches=30, per_batch=4)
    log_path, cp_path = paths(state)
    key = keys.load_public(f"{state}/audit")
    with open(log_path, "rb") as a, open(cp_path, "rb") as b:
        return a.read(), b.read(), key


def mutate(data: bytes, kind: str, rng: random.Random) -> tuple[bytes, str]:
    """One mutation of a line-oriented file; returns (new bytes, the kind it really is)."""
    lines = data.splitlines(keepends=True)
    n = len(lines)
    if kind == "edited":
        p = rng.randrange(n)
        line = lines[p]
        k = rng.randrange(len(line) - 1)  # never the newline
        new = rng.choice([c for c in b"0123456789abcdefxyz{}\":, " if c != line[k]])
        lines[p] = line[:k] + bytes([new]) + line[k + 1:]
        return b"".join(lines), "edited"
    if kind == "deleted":
        p = rng.randrange(n)
        del lines[p]
        # Dropping the last line is the same file as cutting the tail.
        return b"".join(lines), "truncated" if p == n - 1 else "deleted"
    if kind == "inserted":
        p = rng.randrange(n + 1)
        if rng.random() < 0.7:
            extra = lines[rng.randrange(n)]
        else:
            extra = b'{"i":%d,"t":1,"k":"hook","id":"forged","h":"00"}\n' % p
        lines.insert(p, extra)
        return b"".join(lines), "inserted"
    if kind == "reordered":
        p, q = sorted(rng.sample(range(n), 2))
        lines[p], lines[q] = lines[q], lines[p]
        return b"".join(lines), "reordered"
    cut = rng.randrange(len(data) - 1)
    return data[:cut], "truncated"


def test_unmutated_log_verifies(sealed):
    log_data, cp_data, key = sealed
    report = verify.verify_data(log_data, cp_data, current_key=key)
    assert report.ok, report.damage
    assert report.entries == 120 and report.checkpoints == 30 and report.epochs >= 3


def test_thousand_random_mutations_each_detected_with_its_kind(sealed):
    log_data, cp_data, key = sealed
    rng = random.Random(9162)
    wrong = []
    seen = {(t, k): 0 for t in ("log", "checkpoints") for k in KINDS}
    for trial in range(1000):
        target = "log" if trial % 2 == 0 else "checkpoints"
        kind = KINDS[(trial // 2) % len(KINDS)]
        if target == "log":
            mutated, expected = mutate(log_data, kind, rng)
            report = verify.verify_data(mutated, cp_data, current_key=key)
        else:
            mutated, expected = mutate(cp_data, kind, rng)
            report = verify.verify_data(log_data, mutated, current_key=key)
        seen[(target, expected)] += 1
        got = report.damage[0] if report.damage else None
        if got is None or got.kind != expected:
            wrong.append((trial, target, expected, got))
    assert not wrong, wrong[:10]
    assert all(count > 0 for count in seen.values()), seen


def test_damage_target_and_position(sealed):
    log_data, cp_data, key = sealed
    lines = log_data.splitlines(keepends=True)
    report = verify.verify_data(b"".join(lines[:17] + lines[18:]), cp_data, current_key=key)
    d = report.damage[0]
    assert (d.target, d.kind, d.position) == ("log", "deleted", 17)
    report = verify.verify_data(b"".join(lines[:100]), cp_data, current_key=key)
    d = report.damage[0]
    assert (d.target, d.kind, d.position) == ("log", "truncated", 100)
