"""Loss counters are reserved ahead, so they can still be bumped on a full disk."""

from __future__ import annotations

import shutil

from cctrace.spool import diag


def test_reserve_creates_zero_counters_once_and_keeps_values(tmp_path):
    state = str(tmp_path / "s")
    assert diag.reserve_counters(state) == len(diag.RESERVED_COUNTERS)
    assert diag.read_counters(state) == dict.fromkeys(diag.RESERVED_COUNTERS, 0)
    diag.bump_counter(state, "hook.lost", 3)
    assert diag.reserve_counters(state) == 0
    assert diag.read_counters(state)["hook.lost"] == 3


def test_reserve_notices_a_recreated_state_dir(tmp_path):
    state = str(tmp_path / "s")
    diag.reserve_counters(state)
    shutil.rmtree(state)
    assert diag.reserve_counters(state) == len(diag.RESERVED_COUNTERS)


def test_reserve_never_raises_on_an_unusable_dir(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    assert diag.reserve_counters(str(blocker / "state")) == 0
