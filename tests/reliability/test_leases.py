"""A lease held by a sender that died is taken over at once, never one held by a live one."""

from __future__ import annotations

import os
import subprocess
import sys

from cctrace.export import outbox
from cctrace.store.db import Store


def _dead_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def test_owner_is_dead_only_for_certainly_gone_senders():
    ns = "host:1"
    dead = _dead_pid()
    assert outbox.owner_is_dead(f"{dead}-abcd@{ns}", namespace=ns)
    assert not outbox.owner_is_dead(f"{os.getppid()}-abcd@{ns}", namespace=ns)  # alive
    assert not outbox.owner_is_dead(f"{dead}-abcd@other:1", namespace=ns)  # other namespace
    assert not outbox.owner_is_dead(f"{dead}-abcd", namespace=ns)  # legacy format
    assert not outbox.owner_is_dead("garbage", namespace=ns)
    me = f"{os.getpid()}-1111@{ns}"
    assert not outbox.owner_is_dead(me, namespace=ns, me=me)
    assert outbox.owner_is_dead(f"{os.getpid()}-2222@{ns}", namespace=ns, me=me)


def test_claim_takes_over_a_dead_senders_lease(_isolated_state):
    with Store.open(str(_isolated_state)) as store:
        batch = store.enqueue_batch("otlp", b"x", ["a"])
        far = 2**62
        dead_owner = f"{_dead_pid()}-abcd@{outbox._NAMESPACE}"
        assert store.claim(batch, dead_owner, far)
        assert store.lease_owner(batch) == dead_owner
        assert outbox._claim(store, batch, far)
        assert store.lease_owner(batch) == outbox._OWNER


def test_claim_respects_a_live_senders_lease(_isolated_state):
    with Store.open(str(_isolated_state)) as store:
        batch = store.enqueue_batch("otlp", b"x", ["a"])
        live_owner = f"{os.getppid()}-abcd@{outbox._NAMESPACE}"
        assert store.claim(batch, live_owner, 2**62)
        assert not outbox._claim(store, batch, 2**62)
        assert store.lease_owner(batch) == live_owner
        assert not store.break_lease(batch, "someone-else")
