"""Export under network faults: every case ends with each expected span accepted exactly once.

Real recorded sessions are spooled, `cctrace flush` (a real subprocess: spool -> store ->
outbox -> HTTP) runs against a receiver that is down, slow, throttling, failing, answering
garbage or dropping connections, and then against a healthy one. The export timeout is set
to 1 s through `[export] timeout` so slow-server cases take seconds, not minutes.
"""

from __future__ import annotations

import pytest

from cctrace.config import Config
from cctrace.export.destinations import DEFAULT_TIMEOUT, destinations, export_timeout
from reliability.harness import obs_ids, tally
from support.otlp_receiver import Fault


def _settle(rig, receiver, rounds: int = 4) -> dict:
    """Flush until ok (each flush is bounded); returns the last summary."""
    out: dict = {}
    for _ in range(rounds):
        out = rig.flush(timeout=20)
        if out.get("ok"):
            break
    receiver.wait_idle()
    return out


def test_clean_run_delivers_every_expected_span_once(rig, receiver):
    rig.spool(via_hook=True)
    out = _settle(rig, receiver)
    assert out["ok"] and out["returncode"] == 0, out
    t = tally(obs_ids(receiver), rig.expected())
    assert t.exact, t.summary()
    # The hook path and a clean import derive exactly the same ids.
    assert rig.stored_ids() == rig.expected()


def test_receiver_down_for_the_whole_run_then_up(rig, receiver):
    receiver.down()
    rig.spool()
    out = rig.flush(timeout=1)
    assert out["returncode"] == 1 and out["pending"] > 0 and out["delivered"] == 0
    # A second failing run (the worker's retries) changes nothing.
    assert rig.flush(timeout=0.5)["delivered"] == 0
    receiver.up()
    out = _settle(rig, receiver)
    assert out["ok"], out
    t = tally(obs_ids(receiver), rig.expected())
    assert t.exact, t.summary()


@pytest.mark.parametrize("status", [429, 500, 502, 503, 504, 408])
def test_retryable_statuses_then_success(rig, receiver, status):
    headers = {"Retry-After": "1"} if status in (429, 503) else {}
    receiver.push_faults([Fault(status=status, headers=headers, body=b"busy")] * 3)
    rig.spool()
    out = _settle(rig, receiver)
    assert out["ok"], out
    failed = [r for r in receiver.requests if r.status == status]
    assert len(failed) == 3
    t = tally(obs_ids(receiver), rig.expected())
    assert t.exact, t.summary()


GARBAGE = [
    Fault(status=503, body=b"\x00\xff" * 5000),
    Fault(status=500, body=b"<html><body>Bad gateway</body></html>",
          headers={"Content-Type": "text/html"}),
    Fault(status=503, headers={"Retry-After": "not a date"}, body=b"{"),
    Fault(status=429, headers={"Retry-After": "-5"}, body=b"\xc3\x28"),
    Fault(status=599, body=b"x" * 200_000),
]


def test_garbage_error_bodies_and_headers(rig, receiver):
    receiver.push_faults(GARBAGE)
    rig.spool()
    out = _settle(rig, receiver, rounds=8)
    assert out["ok"], out
    t = tally(obs_ids(receiver), rig.expected())
    assert t.exact, t.summary()


def test_garbage_body_on_success_still_counts_as_delivered(rig, receiver):
    # A 2xx whose body is not an ExportTraceServiceResponse: the server accepted the spans,
    # so resending would duplicate them.
    receiver.push_faults([Fault(status=200, body=b"\xde\xad\xbe\xef not protobuf")] * 10)
    rig.spool()
    out = _settle(rig, receiver)
    assert out["ok"], out
    t = tally(obs_ids(receiver), rig.expected())
    assert t.exact, t.summary()


def test_connections_closed_mid_request(rig, receiver):
    receiver.push_faults([Fault(close=True)] * 4)
    rig.spool()
    out = _settle(rig, receiver, rounds=6)
    assert out["ok"], out
    assert sum(1 for r in receiver.requests if r.status == 0) == 4
    t = tally(obs_ids(receiver), rig.expected())
    assert t.exact, t.summary()


def test_slow_server_failing_after_the_timeout(rig, receiver):
    # Slower than the 1 s export timeout: the client gives up; the server then fails the
    # request anyway, so nothing was accepted and nothing may be duplicated.
    receiver.push_faults([Fault(status=503, delay=1.5)] * 2)
    rig.spool()
    out = _settle(rig, receiver, rounds=6)
    assert out["ok"], out
    receiver.wait_idle()
    t = tally(obs_ids(receiver), rig.expected())
    assert t.exact, t.summary()


def test_slow_server_accepting_after_the_timeout_duplicates_only_what_it_accepted_late(
        rig, receiver):
    # The request the client abandoned is accepted by the server a moment later: the
    # client cannot know, so it resends. That is the one duplicate source a non-idempotent
    # backend allows; it must be exactly the late-accepted spans, nothing else.
    receiver.push_faults([Fault(status=200, delay=1.5)])
    rig.spool()
    out = _settle(rig, receiver, rounds=6)
    assert out["ok"], out
    receiver.wait_idle()
    t = tally(obs_ids(receiver), rig.expected())
    assert not t.lost and not t.unexpected, t.summary()
    # Requests are recorded when answered, so the late one is not first: it is the one
    # request whose spans are exactly the duplicated ones.
    batches = [{x["span_id"] for x in r.spans} for r in receiver.requests if r.status == 200]
    assert set(t.duplicated) in batches and all(n == 2 for n in t.duplicated.values())


def test_export_timeout_comes_from_config():
    cfg = Config(state_dir="/x", otlp_endpoint="http://127.0.0.1:1/v1/traces")
    assert export_timeout(cfg) == DEFAULT_TIMEOUT
    cfg.raw = {"export": {"timeout": 0.25}}
    assert [d.timeout for d in destinations(cfg)] == [0.25]
    assert destinations(cfg, timeout=3)[0].timeout == 3
    for bad in (0, -1, "5", True, 10_000):
        cfg.raw = {"export": {"timeout": bad}}
        assert export_timeout(cfg) == DEFAULT_TIMEOUT
