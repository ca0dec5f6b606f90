"""A streamed response's usage grows record by record; the generation counts the final one.

Claude Code writes one transcript record per content block of a streamed response. The
releases recorded here (1.0.128, 2.0.77, 2.1.x) repeat the final usage on every record, but
a writer that flushes each block as it streams gives the earlier records the usage known at
that moment: `message_start`'s (output 1), then growing. Every recorded fixture with a
multi-record response is imported through the real `cctrace import` path after rewriting
its records that way, and each generation must hold the exact usage of the response's last
record, recomputed from the raw JSON. A generation built from the first record instead
reports output 1.
"""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path
from typing import Any

import pytest

from compat.fixtures import ROOT, Fixture


def _multi_record_fixtures() -> list[Fixture]:
    found = []
    for folder in sorted(ROOT.glob("*")) if ROOT.is_dir() else []:
        if not (folder / "scenario.json").is_file():
            continue
        fx = Fixture(folder)
        counts: dict[str, int] = defaultdict(int)
        for path in fx.files():
            for r in fx.records(path):
                if r.get("type") == "assistant" and isinstance(r.get("message"), dict):
                    counts[r["message"].get("id")] += 1
        if any(n > 1 for n in counts.values()):
            found.append(fx)
    return found


FIXTURES = _multi_record_fixtures()


def _grow(records: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Rewrite the usage of each response's records to grow to its final value, in place;
    returns message id -> the final usage."""
    by_id: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for r in records:
        msg = r.get("message")
        if r.get("type") == "assistant" and isinstance(msg, dict) and isinstance(
                msg.get("usage"), dict) and msg.get("model") != "<synthetic>":
            by_id[msg["id"]].append(msg)
    final = {}
    for mid, msgs in by_id.items():
        last = msgs[-1]["usage"]
        final[mid] = dict(last)
        out = int(last.get("output_tokens") or 0)
        n = len(msgs)
        for i, msg in enumerate(msgs[:-1]):
            grown = dict(last)
            grown["output_tokens"] = 1 + (out - 1) * i // n if out > 1 else out
            msg["usage"] = grown
    return final


def test_there_are_multi_record_fixtures_to_rewrite():
    assert len(FIXTURES) >= 4, [fx.name for fx in FIXTURES]


@pytest.mark.parametrize("fx", [pytest.param(f, id=f.name) for f in FIXTURES])
def test_generation_usage_is_the_final_streamed_record(fx, tmp_path: Path, _isolated_state,
                                                       monkeypatch):
    from cctrace.cli.importer import import_paths
    from cctrace.store.db import Store

    main, _ = fx.copy_to(tmp_path / "t")
    final: dict[str, dict[str, Any]] = {}
    grew = 0
    for path in sorted((tmp_path / "t").rglob("*.jsonl")):
        records = [json.loads(x) for x in path.read_text().splitlines() if x.strip()]
        got = _grow(records)
        grew += sum(1 for r in records if r.get("type") == "assistant"
                    and isinstance(r.get("message"), dict)
                    and isinstance(r["message"].get("usage"), dict)
                    and r["message"]["usage"].get("output_tokens") == 1)
        for mid, usage in got.items():
            final.setdefault(mid, usage)
        path.write_text("".join(json.dumps(r) + "\n" for r in records))
    assert grew, "no record was rewritten"

    state = tmp_path / "state"
    monkeypatch.setenv("CCTRACE_CONFIG", str(tmp_path / "none.toml"))
    counts = import_paths([str(main)], export=False, live_minutes=0, state_dir=str(state))
    assert counts.get("errors", 0) == 0, counts
    with Store.open(str(state)) as store:
        gens = [o for _, _, _, o in store.observations_after(0, limit=1_000_000)
                if o.type == "generation"]
    by_msg = {g.metadata.get("message_id"): g for g in gens}
    checked = 0
    for mid, usage in final.items():
        g = by_msg.get(mid)
        if g is None:   # e.g. a 2.0.x "Warmup" agent file no Task call launched
            continue
        creation = g.usage.get("input_cache_creation", 0) + g.usage.get(
            "input_cache_creation_1h", 0)
        assert (g.usage["input"], g.usage["output"], g.usage.get("input_cache_read", 0),
                creation) == (usage["input_tokens"], usage["output_tokens"],
                              usage.get("cache_read_input_tokens", 0),
                              usage.get("cache_creation_input_tokens", 0)), mid
        checked += 1
    assert checked >= 1
