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


def _documented_default(name: str) -> int:
    docs = os.path.join(os.path.dirname(__file__), "..", "..", "docs", "configuration.md")
    for line in open(docs, encoding="utf-8"):
        if line.startswith(f"| `{name}` |"):
            return int(line.split("|")[3].strip().strip("`"))
    raise AssertionError(f"{name} is not in docs/configuration.md")


def test_the_hooks_defaults_are_the_documented_ones():
    # The hook applies these when the worker has not written the limits file yet; they
    # must be the config's documented defaults, not a second opinion.
    assert limits.DEFAULT_SPOOL_BYTES == _documented_default("limits.spool_mb") * 1024 * 1024
    assert limits.DEFAULT_LOG_BYTES == _documented_default("limits.log_kb") * 1024
    assert limits.MIN_LOG_BYTES == 4096
    reliability = os.path.join(os.path.dirname(__file__), "..", "..", "docs", "reliability.md")
    assert "warns from 80 % of the cap" in open(reliability, encoding="utf-8").read()
    assert limits.WARN_SHARE == 0.8


def test_the_files_are_a_contract_between_worker_and_hook(tmp_path):
    # The worker writes them, the hook (perhaps of another version) reads them.
    state = str(tmp_path)
    assert limits.write_limits(state, 0, -5)
    assert (tmp_path / "limits").read_text() == "spool_bytes=0\nlog_bytes=0\n"
    assert limits.read_limits(state) == {"spool_bytes": 0, "log_bytes": 0}  # 0: no cap
    assert oct(os.stat(tmp_path / "limits").st_mode & 0o777) == "0o600"
    _fill(state, 1, 10)
    assert limits.measure(state, cap=1)
    flag = tmp_path / "spool" / ".full"
    assert flag.exists() and oct(os.stat(flag).st_mode & 0o777) == "0o600"


def test_reading_the_limits_file_is_bounded_and_tolerant(tmp_path):
    state = str(tmp_path)
    # Non-ASCII bytes are skipped, not fatal.
    (tmp_path / "limits").write_bytes(b"\xff\xfe spool_bytes=77\nlog_bytes=\xe2\x80\x8b9000\n")
    assert limits.read_limits(state) == {"spool_bytes": 77, "log_bytes": 9000}
    # Only the first 4096 bytes are read: the hook never reads an unbounded file.
    head = "#" * (4096 - len("\nspool_bytes=1")) + "\nspool_bytes=1"
    (tmp_path / "limits").write_text(head + "2\n")
    assert limits.read_limits(state)["spool_bytes"] == 1


def test_when_the_hook_measures(tmp_path):
    state = str(tmp_path)
    _fill(state, 1, 10)
    limits.write_limits(state, 1, 0)
    limits.after_append(state, 255, 10)
    assert not limits.refuses(state)
    limits.after_append(state, 256, 10)  # every 256th event
    assert limits.refuses(state)
    limits.write_limits(state, 10**9, 0)
    limits.after_append(state, 257, 1024 * 1024 - 1)
    assert limits.refuses(state)  # not measured: the flag stands
    limits.after_append(state, 257, 1024 * 1024)  # an event of 1 MB or more
    assert not limits.refuses(state)


def test_a_flag_is_believed_for_five_seconds_from_its_time(tmp_path):
    state = str(tmp_path)
    _fill(state, 1, 10)
    limits.write_limits(state, 10**9, 0)  # not full at all: measuring clears the flag
    flag = tmp_path / "spool" / ".full"
    flag.touch()
    mtime = os.stat(flag).st_mtime
    assert limits.refuses(state, now=mtime) is True
    assert limits.refuses(state, now=mtime + 4.99) is True
    assert limits.refuses(state, now=mtime + 5.0) is False  # measured: below the cap
    assert not flag.exists()
    flag.touch()
    mtime = os.stat(flag).st_mtime
    assert limits.refuses(state, now=mtime - 1) is False  # from the future: measured
    assert not flag.exists()


def test_usage_counts_links_not_their_targets_and_survives_a_vanishing_file(tmp_path,
                                                                           monkeypatch):
    state = str(tmp_path)
    _fill(state, 2, 100)
    spool = tmp_path / "spool"
    big = tmp_path / "big"
    big.write_bytes(b"x" * 100_000)
    os.symlink(big, spool / (layout.TEMP_PREFIX + "link"))
    count, size = limits.spool_usage(state)
    assert count == 2 and size < 10_000
    real_scandir = os.scandir

    class _Gone:
        def __init__(self, entry):
            self.name = entry.name
            self._entry = entry

        def stat(self, follow_symlinks=True):
            if self.name == layout.event_name(1):
                raise FileNotFoundError(self.name)
            return self._entry.stat(follow_symlinks=follow_symlinks)

    class _Scan:
        def __init__(self, path):
            self._it = real_scandir(path)

        def __enter__(self):
            return (_Gone(e) for e in sorted(self._it, key=lambda e: e.name))

        def __exit__(self, *exc):
            self._it.close()

    monkeypatch.setattr(limits.os, "scandir", _Scan)
    count, size = limits.spool_usage(state)
    assert count == 1 and size > 100  # the acked one (listed first) skipped, not the rest
