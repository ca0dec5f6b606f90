"""The first session of a model the price table lacks reaches Langfuse with its cost.

The recorded 2.1.328 session `multi_turn` calls `claude-opus-5-5` (not in the shipped
table) over three runs; Claude Code writes each run's `cost-state` after the run's Stop.
Replayed as it happened (the transcript grows run by run, the real hook spools each
event, the worker's own `step` runs at Stop and again at SessionEnd), the first run's
generations are sent before any price is known; once the count arrives they are sent
again, same ids and times, with their cost. What the OTLP receiver (standing in for
Langfuse) holds last for every generation is its exact cost: Claude Code's own unit
prices ($4 / $20 / $0.20 / $5 per million input / output / cache-read / cache-write).
"""

from __future__ import annotations

import json
import os
import shutil
from fractions import Fraction

import pytest

from cctrace.cli.main import main
from cctrace.config import Config
from cctrace.export import outbox
from cctrace.store.cost import table
from cctrace.store.db import Store
from cctrace.worker import pipeline
from support import replay
from support.otlp_receiver import OTLPReceiver

MODEL = "claude-opus-5-5"
# Claude Code's prices for the model, USD per million tokens, by Langfuse usage key.
PER_M = {"input": 4, "output": 20, "input_cache_read": Fraction(1, 5),
         "input_cache_creation": 5}
COST_KEY = "langfuse.observation.cost_details"


@pytest.fixture
def env(tmp_path, _isolated_state):
    e = dict(os.environ)
    e["CCTRACE_HOME"] = str(_isolated_state)
    e["CCTRACE_WORKER_PYTHON"] = shutil.which("true") or "/bin/true"  # no background worker
    return e


def _runs(transcript_text: str, payloads: list[dict]) -> list[tuple[int, int, int, int]]:
    """Per run: (transcript line of its cost-state, index of its Stop payload, index of
    its SessionEnd payload, index of its first payload)."""
    lines = transcript_text.splitlines()
    counts = [i for i, line in enumerate(lines) if json.loads(line)["type"] == "cost-state"]
    stops = [i for i, p in enumerate(payloads) if p["hook_event_name"] == "Stop"]
    ends = [i for i, p in enumerate(payloads) if p["hook_event_name"] == "SessionEnd"]
    starts = [i for i, p in enumerate(payloads) if p["hook_event_name"] == "SessionStart"]
    assert len(counts) == len(stops) == len(ends) == len(starts) == 3
    return list(zip(counts, stops, ends, starts, strict=True))


def _expected(usage: dict[str, int]) -> Fraction:
    return sum((Fraction(n) * Fraction(PER_M[k]) / 1_000_000 for k, n in usage.items()),
               Fraction(0))


def test_generations_sent_before_the_price_was_learned_are_sent_again_with_it(
        tmp_path, env, _isolated_state, capsys):
    assert not any(e.pattern.search(MODEL) for e in table())  # the premise: unknown model
    state = str(_isolated_state)
    transcript = replay.copy_fixture("multi_turn", tmp_path / "t")
    full = transcript.read_text()
    lines = full.splitlines(keepends=True)
    payloads = replay.payloads("multi_turn", transcript)
    with OTLPReceiver() as receiver:
        cfg = Config(state_dir=state, otlp_endpoint=receiver.endpoint)
        sent_before_count: set[str] = set()
        runs: list[set[str]] = []
        for n, (count_line, stop, end, start) in enumerate(_runs(full, payloads)):
            # Up to the run's Stop: its transcript ends just before its cost-state.
            transcript.write_text("".join(lines[:count_line]))
            for p in payloads[start:stop + 1]:
                assert replay.run_hook(p, env).returncode == 0
            pipeline.step(state, cfg)
            with Store.open(state) as store:
                assert outbox.flush(store, cfg, timeout=20).ok
            seen = {s["span_id"] for s in receiver.spans()
                    if s["attributes"].get("langfuse.observation.type") == "generation"}
            runs.append(seen - set().union(*runs))
            if n == 0:
                first = [s for s in receiver.spans()
                         if s["attributes"].get("langfuse.observation.type") == "generation"]
                # Sent, and without a cost: nothing knew the model's price yet.
                assert first and all(COST_KEY not in s["attributes"] for s in first)
                sent_before_count = {s["span_id"] for s in first}
            # The count arrives, then SessionEnd.
            transcript.write_text("".join(lines if n == 2 else lines[:count_line + 1]))
            for p in payloads[stop + 1:end + 1]:
                assert replay.run_hook(p, env).returncode == 0
            pipeline.step(state, cfg)
            with Store.open(state) as store:
                assert outbox.flush(store, cfg, timeout=20).ok
        spans = receiver.spans()
    gens = [s for s in spans if s["attributes"].get("langfuse.observation.type") == "generation"]
    last: dict[str, dict] = {}
    for s in gens:
        last[s["span_id"]] = s  # in the order received: the last one is what Langfuse keeps
    with Store.open(state) as store:
        stored = {r["id"]: json.loads(r["usage"]) for r in store._read(
            "SELECT id, usage FROM observations WHERE type = 'generation'")}
    assert set(last) == set(stored) and len(stored) == 8
    assert sent_before_count and sent_before_count < set(stored)
    total = Fraction(0)
    for span_id, span in last.items():
        cost = json.loads(span["attributes"][COST_KEY])
        usage = stored[span_id]
        assert json.loads(span["attributes"]["langfuse.observation.usage_details"]) == usage
        assert set(cost) == set(usage) | {"total"}
        for key, count in usage.items():
            assert cost[key] == pytest.approx(float(count * Fraction(PER_M[key]) / 10**6),
                                              rel=1e-12, abs=0)
        assert cost["total"] == pytest.approx(float(_expected(usage)), rel=1e-12, abs=0)
        assert json.loads(span["attributes"]["langfuse.observation.metadata.cost_source"]) \
            == "claude-code"
        total += _expected(usage)
    # The sum is Claude Code's own total for the session (its last cost-state).
    assert total == Fraction("0.023152")
    # Sent again with the same ids and times (Langfuse replaces, never duplicates).
    for s in gens:
        if s["span_id"] in sent_before_count:
            assert (s["start_ns"], s["end_ns"]) == (
                last[s["span_id"]]["start_ns"],
                last[s["span_id"]]["end_ns"])
    # How often each was sent: the first run's calls without a cost, with the prices one
    # count gives (the usual ratios; this model's cache reads cost 0.05x input, not 0.1x),
    # then with the prices two counts fix; the second run's with the first prices, then
    # the final ones; the third run's once.
    sends = {i: sum(1 for s in gens if s["span_id"] == i) for i in stored}
    assert [len(r) for r in runs] == [3, 4, 1]
    assert {i: sends[i] for i in runs[0] | runs[1] | runs[2]} == {
        **{i: 3 for i in runs[0]}, **{i: 2 for i in runs[1]}, **{i: 1 for i in runs[2]}}
    # The rewritten rows are cctrace's own to `verify`.
    capsys.readouterr()
    assert main(["verify", "--json"]) == 0, capsys.readouterr().out
