"""A key kept in the OS keychain that the process cannot reach is never replaced.

Third red team: the worker keeps `DBUS_SESSION_BUS_ADDRESS` from the session, which a
repository's `.claude/settings.json` `env` sets. Pointed at nothing (or at a bus whose
Secret Service answers nothing), the keychain read failed quietly and the store key was
created again, in the 0600 file, and the keychain marker removed: every row encrypted so
far became unreadable. Now nothing is created, the error says why, and the worker leaves
the events in the spool for a run that can read the key.
"""

from __future__ import annotations

import os

import pytest

from cctrace.config import Config
from cctrace.security import crypto, keys
from cctrace.spool import reader as spool
from cctrace.worker import pipeline
from security.test_keys import MemoryKeyring
from support import replay
from worker.test_pipeline import env  # noqa: F401 - a fixture: no background worker


@pytest.fixture(autouse=True)
def _fresh_ciphers():
    crypto.forget_cached()
    yield
    crypto.forget_cached()


def test_a_store_key_the_keychain_holds_but_cannot_give_is_not_made_again(tmp_path):
    state = str(tmp_path / "s")
    kr = MemoryKeyring()
    first, where = keys.load_or_create_binary_key(keys.STORE_KEY, state, backend=kr)
    assert where.backend == "keyring"
    gone = MemoryKeyring()  # a bus that answers, holding nothing of ours
    with pytest.raises(keys.KeyUnavailable) as err:
        keys.load_or_create_binary_key(keys.STORE_KEY, state, backend=gone)
    assert str(err.value) == (
        "the store-key is kept in the OS keychain, which this process cannot read: no new "
        "key made (unlock the keychain, or run from your desktop session)")
    assert gone.items == {}
    assert os.path.exists(keys.key_path(keys.STORE_KEY, state) + ".keyring")
    assert not os.path.exists(keys.key_path(keys.STORE_KEY, state))
    assert keys.load_or_create_binary_key(keys.STORE_KEY, state, backend=kr) == (first, None)


def test_the_worker_keeps_the_events_when_the_key_is_out_of_reach(
        tmp_path, env, _isolated_state, monkeypatch):  # noqa: F811
    state = str(_isolated_state)
    kr = MemoryKeyring()
    keys.load_or_create_binary_key(keys.STORE_KEY, state, backend=kr)
    replay.spool_fixture("multi_turn", tmp_path / "t", env)
    pending = [e.seq for e in spool.read_pending(state)]
    assert pending
    monkeypatch.setattr(keys, "keyring_backend", lambda env=None: None)  # unreachable
    with pytest.raises(keys.KeyUnavailable):
        pipeline.drain(state, Config(state_dir=state))
    assert [e.seq for e in spool.read_pending(state)] == pending
    assert not os.path.exists(keys.key_path(keys.STORE_KEY, state))
    # Reachable again: everything lands, under the one key.
    monkeypatch.setattr(keys, "keyring_backend", lambda env=None: kr)
    crypto.forget_cached()
    report = pipeline.drain(state, Config(state_dir=state))
    assert report.events == len(pending) and spool.read_pending(state) == []
