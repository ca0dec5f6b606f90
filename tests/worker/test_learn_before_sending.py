"""Learning before sending: a value learned in a later turn is redacted in the batches of
earlier turns still waiting in the outbox (the destination was down), on the wire.

Driven through the real hook and the worker's own `step` on a recorded session
(`multi_turn`), whose first prompt is made to mention a value with nothing around it that
gives it away, and whose last prompt then assigns that value to `DB_PASSWORD`.
"""

from __future__ import annotations

import json
import os
import shutil

import pytest

from cctrace.cli.main import main
from cctrace.config import Config
from cctrace.export import outbox
from cctrace.store.db import Store
from cctrace.worker import pipeline, redactors
from support import replay
from support.otlp_receiver import OTLPReceiver

VALUE = "Wq7vKe2Lm9Rt4Xz"  # no keyword, no service name, nothing on its own
FIRST = "Create notes.md with a first item [mt-1]"
LAST = "Summarise what we did [mt-3]"


@pytest.fixture
def env(tmp_path, _isolated_state):
    e = dict(os.environ)
    e["CCTRACE_HOME"] = str(_isolated_state)
    e["CCTRACE_WORKER_PYTHON"] = shutil.which("true") or "/bin/true"  # no background worker
    return e


def _rewrite(text: str) -> str:
    return (text.replace(FIRST, f"Keep this string for later: {VALUE} [mt-1]")
                .replace(LAST, f"Put DB_PASSWORD={VALUE} in .env [mt-3]"))


def _pending_text(state: str) -> str:
    with Store.open(state) as store:
        batches = store.due_batches(None, outbox.EVERYTHING_DUE_NS, limit=1000)
        return "\n".join(b.payload.decode("utf-8", "replace") for b in batches)


def _stored_content(state: str) -> str:
    # Observation and trace rows, content decrypted with the store's own cipher.
    out = []
    with Store.open(state) as store:
        for table in ("observations", "traces"):
            for r in store._read(f"SELECT * FROM {table}"):
                out.append(str(tuple(store._dec(v, f"{table}.{k}") if isinstance(v, str) else v
                                     for k, v in zip(r.keys(), r, strict=True))))
    return "\n".join(out)


def test_value_learned_later_is_redacted_in_batches_not_yet_sent(tmp_path, env,
                                                                 _isolated_state, capsys):
    state = str(_isolated_state)
    redactors._learned.clear()
    redactors._swept_with = 0
    transcript = replay.copy_fixture("multi_turn", tmp_path / "t")
    full = _rewrite(transcript.read_text())
    lines = full.splitlines(keepends=True)
    cut = next(i for i, line in enumerate(lines) if "[mt-3]" in line)
    payloads = [json.loads(_rewrite(json.dumps(p)))
                for p in replay.payloads("multi_turn", transcript)]
    last_start = max(i for i, p in enumerate(payloads)
                     if p["hook_event_name"] == "SessionStart")
    with OTLPReceiver() as receiver:
        cfg = Config(state_dir=state, otlp_endpoint=receiver.endpoint)
        receiver.down()
        # Turns 1-2 are ingested and queued while the destination is down.
        transcript.write_text("".join(lines[:cut]))
        for p in payloads[:last_start]:
            assert replay.run_hook(p, env).returncode == 0
        first = pipeline.step(state, cfg)
        assert first.delivered == 0
        assert VALUE in _pending_text(state)  # queued in clear: nothing gave it away yet
        assert VALUE in _stored_content(state)
        # Turn 3 teaches the value; the destination is still down.
        transcript.write_text(full)
        for p in payloads[last_start:]:
            assert replay.run_hook(p, env).returncode == 0
        second = pipeline.step(state, cfg)
        assert second.delivered == 0
        assert VALUE not in _pending_text(state)
        # The store's copy of those turns too, and the audit log takes the rewrite as
        # cctrace's own (verify finds nothing changed behind its back).
        assert VALUE not in _stored_content(state)
        capsys.readouterr()
        assert main(["verify", "--json"]) == 0, capsys.readouterr().out
        receiver.up()
        with Store.open(state) as store:
            assert outbox.flush(store, cfg, timeout=20).ok
        spans = receiver.spans()
    wire = json.dumps(spans, default=str)
    assert VALUE not in wire
    marker = next(v for v in redactors._learned.items() if v[0] == VALUE)[1]
    # Redacted alike in the first turn (queued before) and in the third (that taught it).
    first_turn = [s for s in spans if "[mt-1]" in json.dumps(s, default=str)]
    third_turn = [s for s in spans if "[mt-3]" in json.dumps(s, default=str)]
    assert first_turn and third_turn
    assert any(marker in json.dumps(s, default=str) for s in first_turn)
    assert any(marker in json.dumps(s, default=str) for s in third_turn)
