"""The spool and log caps as the hook sees them: the limits file, the `.full` flag, drops."""

from __future__ import annotations

import os
import time

from cctrace.spool import diag, layout, limits, writer


def _fill(state: str, events: int, size: int) -> None:
    for _ in range(events):
        writer.append(state, b"x" * size, received_ns=time.time_ns(), event="Stop",
                      fsync=False)


def test_limits_file_round_trip_and_defaults(tmp_path):
    state = str(tmp_path)
    assert limits.read_limits(state) == {"spool_bytes": limits.DEFAULT_SPOOL_BYTES,
                                         "log_bytes": limits.DEFAULT_LOG_BYTES}
    assert limits.write_limits(state, 1000, 8192)
    assert not limits.write_limits(state, 1000, 8192)  # unchanged: not rewritten
    assert limits.read_limits(state) == {"spool_bytes": 1000, "log_bytes": 8192}
    (tmp_path / limits.LIMITS_NAME).write_text("spool_bytes=banana\nlog_bytes=1\njunk\n")
    got = limits.read_limits(state)
    assert got["spool_bytes"] == limits.DEFAULT_SPOOL_BYTES  # malformed: default stands
    assert got["log_bytes"] == limits.MIN_LOG_BYTES  # a tiny cap is raised to the floor


def test_measure_sets_and_clears_the_flag(tmp_path):
    state = str(tmp_path)
    _fill(state, 4, 1000)
    count, size = limits.spool_usage(state)
    assert count == 4 and size > 4000
    assert limits.measure(state, cap=size) is True
    assert limits.refuses(state) is True
    assert limits.measure(state, cap=size + 1) is False
    assert limits.refuses(state) is False
    assert limits.measure(state, cap=0) is False  # 0: no cap


def test_a_stale_flag_is_measured_again(tmp_path):
    state = str(tmp_path)
    _fill(state, 2, 1000)
    limits.write_limits(state, 1, 0)
    assert limits.measure(state)  # over the 1-byte cap: flagged
    flag = os.path.join(layout.spool_dir(state), limits.FULL_FLAG)
    old = time.time() - 2 * limits.FLAG_FRESH_S
    os.utime(flag, (old, old))
    assert limits.refuses(state) is True  # still full: believed again, and refreshed
    assert os.stat(flag).st_mtime > old
    for seq in layout.list_seqs(state):  # the worker drained the spool, then died
        os.unlink(os.path.join(layout.spool_dir(state), layout.event_name(seq)))
    os.utime(flag, (old, old))
    assert limits.refuses(state) is False  # a dead worker's flag does not block forever
    assert not os.path.exists(flag)


def test_after_append_measures_every_nth_and_large_events(tmp_path):
    state = str(tmp_path)
    _fill(state, 1, 10)
    limits.write_limits(state, 1, 0)
    limits.after_append(state, limits.CHECK_EVERY + 1, 10)
    assert not limits.refuses(state)  # not measured on this one
    limits.after_append(state, limits.CHECK_EVERY * 3, 10)
    assert limits.refuses(state)
    limits.write_limits(state, 10**9, 0)
    limits.after_append(state, 7, limits.LARGE_EVENT_BYTES)
    assert not limits.refuses(state)


def test_logs_follow_the_log_cap(tmp_path):
    state = str(tmp_path)
    limits.write_limits(state, 0, limits.MIN_LOG_BYTES)
    for i in range(400):
        diag.append_log(state, "hook", f"line {i} " + "y" * 100)
    path = diag.log_path(state, "hook")
    assert os.path.getsize(path) <= limits.MIN_LOG_BYTES + 200
    assert os.path.getsize(path + ".1") <= limits.MIN_LOG_BYTES + 200
    assert "line 399" in open(path).read()
