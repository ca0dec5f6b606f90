"""The state dir under faults: full filesystem, read-only, deleted while running, corrupt store.

The hook must exit 0 with nothing on stdout whatever happens to its state dir, count what
it could not spool where it can, and nothing may be lost for good: the transcript holds
every turn, so the next event of the session (or `cctrace import`) re-derives the same ids
and delivers what is missing, exactly once.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import time

import pytest

from reliability.harness import obs_ids, tally

FIXTURE = ("multi_turn",)


@contextlib.contextmanager
def tmpfs(path, size: str):
    path.mkdir(parents=True, exist_ok=True)
    res = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size},mode=0700", "tmpfs",
                          str(path)], capture_output=True)
    if res.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here (needs root): {res.stderr.decode()[:200]}")
    try:
        yield path
    finally:
        subprocess.run(["umount", "-l", str(path)], capture_output=True)


def _fill(folder) -> str:
    """Fill the filesystem of `folder`; returns the filler file (delete it to free space)."""
    filler = os.path.join(folder, "filler")
    # Unbuffered: when the free space is not a multiple of the chunk, the last write is
    # partial; a buffered file would keep the rest and raise ENOSPC again on close.
    with open(filler, "wb", buffering=0) as fh:
        try:
            while True:
                fh.write(b"\0" * 65536)
        except OSError:
            pass
    return filler


def _remount(path, mode: str) -> None:
    subprocess.run(["mount", "-o", f"remount,{mode}", str(path)], check=True)


def _settle(rig) -> dict:
    out: dict = {}
    for _ in range(3):
        out = rig.flush(timeout=20)
        if out.get("ok"):
            break
    return out


def _rig_on(tmp_path, receiver, mnt):
    from reliability.harness import Rig

    return Rig(tmp_path, mnt / "state", endpoint=receiver.endpoint)


def test_full_filesystem_hook_exits_0_counts_loss_and_nothing_is_lost(tmp_path, receiver):
    with tmpfs(tmp_path / "mnt", "4m") as mnt:
        rig = _rig_on(tmp_path, receiver, mnt)
        payloads = rig.fixture_payloads("multi_turn")
        half = len(payloads) // 2
        for p in payloads[:half]:
            rig.send(p)
        assert rig.flush(timeout=10)["ok"]  # the worker ran once: the store exists
        filler = _fill(mnt)
        for p in payloads[half:]:
            res = rig.send(p)  # asserts exit 0 and an empty stdout
            assert res is not None and res.returncode == 0
        lost = rig.counters().get("hook.lost", 0)
        os.unlink(filler)
        # The session goes on: its next event makes the worker re-read the transcript.
        rig.send(payloads[-1])
        out = _settle(rig)
        assert out["ok"], out
        t = tally(obs_ids(receiver), rig.expected(FIXTURE))
        assert t.exact, t.summary()
        assert lost == len(payloads) - half, "every event the hook could not spool is counted"


def test_full_filesystem_during_processing_keeps_the_spool(tmp_path, receiver):
    with tmpfs(tmp_path / "mnt", "4m") as mnt:
        rig = _rig_on(tmp_path, receiver, mnt)
        assert rig.flush(timeout=5)["ok"]
        rig.spool(FIXTURE, via_hook=True)
        filler = _fill(mnt)
        out = rig.flush(timeout=3)
        assert not out.get("ok")
        os.unlink(filler)
        out = _settle(rig)
        assert out["ok"], out
        t = tally(obs_ids(receiver), rig.expected(FIXTURE))
        assert t.exact, t.summary()


def test_read_only_state_dir(tmp_path, receiver):
    with tmpfs(tmp_path / "mnt", "8m") as mnt:
        rig = _rig_on(tmp_path, receiver, mnt)
        payloads = rig.fixture_payloads("multi_turn")
        assert rig.flush(timeout=5)["ok"]
        _remount(mnt, "ro")
        try:
            for p in payloads:
                res = rig.send(p)
                assert res is not None and res.returncode == 0
            assert not rig.flush(timeout=2).get("ok")
            from cctrace.cli import doctor

            check = doctor.check_writable(str(rig.state))
            assert check.status == doctor.FAIL and "not writable" in check.detail, check
        finally:
            _remount(mnt, "rw")
        rig.send(payloads[-1])
        out = _settle(rig)
        assert out["ok"], out
        t = tally(obs_ids(receiver), rig.expected(FIXTURE))
        assert t.exact, t.summary()


def test_state_dir_deleted_while_the_worker_runs(tmp_path, receiver, _isolated_state):
    from reliability.harness import Rig

    rig = Rig(tmp_path, _isolated_state, endpoint=receiver.endpoint, background_worker=True)
    rig.worker_idle(3000)
    payloads = rig.fixture_payloads("multi_turn")
    half = len(payloads) // 2
    for p in payloads[:half]:
        rig.send(p)
    rig.send({**payloads[half - 1], "hook_event_name": "Stop"})  # wake a worker
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and not receiver.span_ids():
        time.sleep(0.05)
    before = set(receiver.span_ids())
    assert before
    # The running worker may create files while the tree is being removed ("Directory not
    # empty"): keep deleting until it is gone, as a user's `rm -rf` retried would.
    for _ in range(100):
        try:
            shutil.rmtree(rig.state)
            break
        except OSError:
            time.sleep(0.02)
    assert not rig.state.exists()
    # The worker that was running may deliver batches it already held after the tree is gone
    # (its store is an open file): wait until it has gone quiet for longer than its idle
    # time, then take what was delivered. Only those may come again.
    quiet_since, seen = time.monotonic(), len(receiver.span_ids())
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and time.monotonic() - quiet_since < 5:
        time.sleep(0.1)
        now = len(receiver.span_ids())
        if now != seen:
            quiet_since, seen = time.monotonic(), now
    receiver.wait_idle()
    before = set(receiver.span_ids())
    rig.write_config()
    for p in payloads[half:]:
        rig.send(p)
    out = _settle(rig)
    assert out["ok"], out
    receiver.wait_idle()
    # Deleting the state dir deletes the record of what was delivered: the transcript is
    # read again from its start, so what had been delivered is sent once more, and only that.
    t = tally(obs_ids(receiver), rig.expected(FIXTURE))
    assert not t.lost and not t.unexpected, t.summary()
    assert set(t.duplicated) <= before and all(n == 2 for n in t.duplicated.values())


def _corrupt(db: str, where: str) -> None:
    size = os.path.getsize(db)
    with open(db, "r+b") as fh:
        if where == "header":
            fh.write(b"this is not sqlite" * 10)
        else:  # all but the schema page: every table is damaged
            fh.seek(4096)
            fh.write(bytes([0xA5]) * (size - 4096))



def _wait_worker_done(rig, timeout: float = 60) -> None:
    from cctrace import spool
    from cctrace.worker import lifecycle

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not spool.read_pending(str(rig.state)) and not lifecycle.is_worker_running(
                str(rig.state)):
            return
        time.sleep(0.05)
    raise AssertionError("the worker did not finish")


@pytest.mark.parametrize("where", ["header", "pages"])
def test_corrupt_store_is_quarantined_and_rebuilt(tmp_path, receiver, _isolated_state, where):
    from reliability.harness import Rig

    rig = Rig(tmp_path, _isolated_state, endpoint=receiver.endpoint, background_worker=True)
    rig.worker_idle(300)
    payloads = rig.fixture_payloads("multi_turn")
    half = len(payloads) // 2
    for p in payloads[:half]:
        rig.send(p)
    rig.send({**payloads[half - 1], "hook_event_name": "Stop"})
    _wait_worker_done(rig)
    receiver.wait_idle()
    before = set(receiver.span_ids())
    assert before
    db = str(rig.state / "cctrace.db")
    subprocess.run([rig.env.get("PYTHON", "python3"), "-c",
                    f"import sqlite3; sqlite3.connect({db!r}).execute("
                    "'PRAGMA wal_checkpoint(TRUNCATE)')"], check=True)
    _corrupt(db, where)
    for p in payloads[half:]:
        rig.send(p)  # exit 0, empty stdout: the hook never opens the store
    _wait_worker_done(rig)
    out = _settle(rig)
    assert out["ok"], out
    receiver.wait_idle()
    assert rig.counters().get("store.rebuilt") == 1
    assert [n for n in os.listdir(rig.state) if n.startswith("cctrace.db.corrupt-")]
    t = tally(obs_ids(receiver), rig.expected(FIXTURE))
    assert not t.lost and not t.unexpected, t.summary()
    # Only spans whose delivery the damaged store could no longer prove are sent again.
    assert set(t.duplicated) <= before and all(n == 2 for n in t.duplicated.values())
    print(f"\n{where}: {t.summary()}")
