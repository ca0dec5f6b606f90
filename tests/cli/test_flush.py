"""`cctrace flush` says truthfully what it did: what it delivered now, and when the worker
had already delivered everything, that nothing was pending (not "delivered 0")."""

from __future__ import annotations

import pytest

from cctrace import config as config_mod
from cctrace.cli import main as cli_main
from cctrace.export import outbox
from cctrace.store.db import Store
from store.helpers import T0, turn
from support.configure import otlp_toml, write_config
from support.otlp_receiver import OTLPReceiver


@pytest.fixture(autouse=True)
def _registered(monkeypatch):
    monkeypatch.setattr(cli_main, "COMMANDS", ["flush"])


def _enqueue(key: str) -> int:
    cfg = config_mod.load()
    trace = turn("sess-f", key, T0)
    with Store.open() as store:
        store.insert_traces([trace])
        return outbox.enqueue(store, [(trace, trace.observations)], cfg)


def test_flush_after_the_worker_delivered_says_nothing_was_pending(capsys):
    with OTLPReceiver() as recv:
        write_config(otlp_toml(recv.endpoint))
        assert _enqueue("a") == 1
        # What the background worker does: deliver what is due.
        with Store.open() as store:
            assert outbox.deliver_due(store, config_mod.load()).delivered == 1
        assert cli_main.main(["flush", "--timeout", "10"]) == 0
        out = capsys.readouterr().out
        assert out.splitlines()[-1] == ("nothing was pending: every batch is delivered (1 to "
                                        "otlp in all, by the worker or earlier flushes)")
        assert _enqueue("b") == 1
        assert cli_main.main(["flush", "--timeout", "10"]) == 0
        out = capsys.readouterr().out
        assert out.splitlines()[-1] == ("delivered 1 batch(es) to otlp now; 0 pending, 0 "
                                        "dead-lettered (2 to otlp delivered in all)")
        assert len(recv.requests) == 2
