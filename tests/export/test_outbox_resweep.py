"""Re-redaction of queued batches: every string of an OTLP or JSON payload goes through the
sweep; unreadable payloads and batches in flight are left as they are."""

from __future__ import annotations

import json

from cctrace.export import outbox
from cctrace.export.encode import batches
from cctrace.export.spans import make_resource
from cctrace.model.types import Observation, Trace
from cctrace.store.db import Store

SECRET = "Wq7vKe2Lm9Rt4Xz"


def _sweep(text: str) -> str:
    return text.replace(SECRET, "[REDACTED:known_secret:0123abcd]")


def _payload() -> bytes:
    obs = Observation(id="1" * 16, trace_id="2" * 32, parent_id=None, type="agent",
                      name=f"turn {SECRET}", start_ns=1, end_ns=2,
                      input={"prompt": f"keep {SECRET}", "list": [SECRET]})
    trace = Trace(id="2" * 32, session_id="s", name="t", start_ns=1, end_ns=2,
                  observations=[obs])
    ((payload, _ids),) = list(batches([(trace, [obs])], make_resource(None, None), 100,
                                      10**7))
    return payload


def test_protobuf_payload_strings_are_swept() -> None:
    payload = _payload()
    assert SECRET.encode() in payload
    new = outbox.sweep_payload(payload, outbox.PROTOBUF, _sweep)
    assert new is not None and SECRET.encode() not in new
    assert new.count(b"[REDACTED:known_secret:0123abcd]") >= 3
    assert outbox.sweep_payload(new, outbox.PROTOBUF, _sweep) is None  # nothing left


def test_json_payload_and_unreadable_payloads() -> None:
    doc = {"id": "x", "comment": f"saw {SECRET}", "n": 3, "tags": [SECRET]}
    new = outbox.sweep_payload(json.dumps(doc).encode(), "application/json", _sweep)
    assert json.loads(new) == {"id": "x", "comment": "saw [REDACTED:known_secret:0123abcd]",
                               "n": 3, "tags": ["[REDACTED:known_secret:0123abcd]"]}
    assert outbox.sweep_payload(b"{not json", "application/json", _sweep) is None
    assert outbox.sweep_payload(b"\xff\xff\xff", outbox.PROTOBUF, _sweep) is None


def test_resweep_rewrites_pending_batches_but_not_one_in_flight(tmp_path) -> None:
    with Store.open(str(tmp_path)) as store:
        free = store.enqueue_batch("otlp", _payload(), ["1" * 16])
        leased = store.enqueue_batch("otlp", _payload(), ["1" * 16])
        sent = store.enqueue_batch("otlp", _payload(), ["1" * 16])
        store.mark_delivered(sent, 200)
        assert store.claim(leased, "someone", 2**62)
        assert outbox.resweep_pending(store, _sweep) == ["1" * 16]
        assert SECRET.encode() not in store.batch(free).payload
        assert SECRET.encode() in store.batch(leased).payload
        assert outbox.resweep_pending(store, _sweep) == []
