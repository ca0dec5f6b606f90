"""Bounded logs and flock'd counters in the state dir."""

from __future__ import annotations

import os

from cctrace.spool import diag


def test_counters_count_and_read_back(tmp_path):
    root = str(tmp_path)
    assert diag.read_counters(root) == {}
    assert [diag.bump_counter(root, "hook.lost") for _ in range(3)] == [1, 2, 3]
    diag.bump_counter(root, "other", by=5)
    assert diag.read_counters(root, "hook.") == {"hook.lost": 3}
    assert diag.read_counters(root)["other"] == 5


def test_log_rotates_and_stays_bounded(tmp_path):
    root = str(tmp_path)
    for n in range(500):
        diag.append_log(root, "t", f"line {n} " + "x" * 50, max_bytes=2000)
    path = diag.log_path(root, "t")
    assert os.path.getsize(path) < 2000 + 200
    assert os.path.getsize(path + ".1") < 2000 + 200
    with open(path) as fh:
        assert fh.read().strip().endswith("line 499 " + "x" * 50)
    assert oct(os.stat(path).st_mode & 0o777) == oct(0o600)


def test_log_lines_are_single_lines(tmp_path):
    root = str(tmp_path)
    diag.append_log(root, "t", "a\nb")
    with open(diag.log_path(root, "t")) as fh:
        assert len(fh.read().splitlines()) == 1
