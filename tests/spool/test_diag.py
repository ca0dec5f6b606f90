"""Bounded logs and flock'd counters in the state dir."""

from __future__ import annotations

import os
import re

import pytest

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


def test_where_logs_and_counters_live(tmp_path):
    # `cctrace status`, doctor and the docs name these paths; the hook of another version
    # writes them.
    root = str(tmp_path)
    diag.append_log(root, "hook", "x")
    diag.bump_counter(root, "hook.lost")
    assert sorted(os.listdir(tmp_path)) == ["counters", "logs"]
    assert os.listdir(tmp_path / "logs") == ["hook.log"]
    assert os.listdir(tmp_path / "counters") == ["hook.lost"]
    for folder in ("logs", "counters"):
        assert oct(os.stat(tmp_path / folder).st_mode & 0o777) == "0o700"
    for path in (tmp_path / "logs" / "hook.log", tmp_path / "counters" / "hook.lost"):
        assert oct(os.stat(path).st_mode & 0o777) == "0o600"


def test_a_log_line_is_stamped_flattened_and_capped(tmp_path):
    root = str(tmp_path)
    diag.append_log(root, "t", "a\nb\n\nc")
    diag.append_log(root, "t", "y" * 5000)
    diag.append_log(root, "t", "lone \ud800 surrogate")
    lines = open(diag.log_path(root, "t"), encoding="utf-8").read().split("\n")
    assert lines[-1] == "" and len(lines) == 4
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ pid=\d+ a b  c", lines[0])
    assert len(lines[1]) == 2000 and lines[1].endswith("y")
    assert lines[2].endswith(" lone ? surrogate")


def test_rotation_starts_at_the_cap_and_zero_means_none(tmp_path):
    root = str(tmp_path)
    diag.append_log(root, "t", "first", max_bytes=0)
    size = os.path.getsize(diag.log_path(root, "t"))
    for _ in range(3):
        diag.append_log(root, "t", "more", max_bytes=0)
    assert not os.path.exists(diag.log_path(root, "t") + ".1")  # 0: no cap
    diag.append_log(root, "u", "first")
    diag.append_log(root, "u", "second", max_bytes=size)  # at the cap exactly: rotated
    assert "first" in open(diag.log_path(root, "u") + ".1").read()
    assert "first" not in open(diag.log_path(root, "u")).read()
    assert oct(os.stat(diag.log_path(root, "u")).st_mode & 0o777) == "0o600"


def test_a_failed_rotation_raises_and_closes_only_its_own_file(tmp_path, monkeypatch):
    root = str(tmp_path)
    diag.append_log(root, "t", "first")
    closed = []
    real_close = os.close
    monkeypatch.setattr(diag.os, "close", lambda fd: (closed.append(fd), real_close(fd)))

    def refuse(src, dst):
        raise PermissionError(13, "read-only")

    monkeypatch.setattr(diag.os, "replace", refuse)
    with pytest.raises(PermissionError):
        diag.append_log(root, "t", "second", max_bytes=1)
    assert len(closed) == 1 and closed[0] > 2  # never stdin, stdout or stderr


def test_counters_read_a_bounded_prefix_and_skip_what_they_cannot_read(tmp_path):
    root = str(tmp_path)
    diag.bump_counter(root, "a")
    (tmp_path / "counters" / "b").write_text("1" * 64 + "5\n")
    (tmp_path / "counters" / "c").mkdir()  # unreadable as a file
    (tmp_path / "counters" / "d").write_text("junk\n")
    diag.bump_counter(root, "e", by=4)
    got = diag.read_counters(root)
    assert got == {"a": 1, "b": int("1" * 64), "e": 4}
    assert diag.bump_counter(root, "b") == int("1" * 64) + 1
    assert diag.bump_counter(root, "d") == 1  # a corrupt counter starts again


def test_the_reserved_counters_are_the_hooks_loss_counters(tmp_path):
    # Reserved ahead so that a bump on a full disk rewrites bytes already allocated.
    assert diag.RESERVED_COUNTERS == ("hook.lost", "hook.oversize", "hook.unparsed",
                                      "hook.dropped_cap")
    root = str(tmp_path / "s")
    os.makedirs(os.path.join(root, "counters"))
    with open(diag.counter_path(root, "hook.lost"), "w") as fh:
        fh.write("7\n")
    assert diag.reserve_counters(root) == 3  # the existing one kept, the rest created
    assert diag.read_counters(root) == {"hook.lost": 7, "hook.oversize": 0,
                                        "hook.unparsed": 0, "hook.dropped_cap": 0}
    assert open(diag.counter_path(root, "hook.oversize"), "rb").read() == b"0\n"
    assert oct(os.stat(diag.counter_path(root, "hook.oversize")).st_mode & 0o777) == "0o600"
    assert diag.reserve_counters(root) == 0
    os.unlink(diag.counter_path(root, "hook.lost"))
    assert diag.reserve_counters(root) == 1  # the first one gone: checked again
