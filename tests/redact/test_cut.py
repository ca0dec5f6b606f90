"""Redact, then cut: no cut anywhere lets part of a secret through, and no cut splits a marker.

The exhaustive test puts every detector's sample across every cut position of every cut
the pipeline makes (generation inputs at 2,000 chars, status messages at 500, `max_field_kb`)
and runs the worker's own stages in the worker's order (build, policy, redact, cut). Before
the fix the builder cut first: a `ghp_` token straddling the cut left 30 characters plus
`... [6 more chars]`, the 6 being its CRC32, so the token could be rebuilt.
"""

from __future__ import annotations

import dataclasses
import json
import random
from typing import Any

import pytest
from bench.corpus import fakes

from cctrace.config import Config
from cctrace.model.build import BuildContext, build_traces
from cctrace.policy import Policy, apply_policy
from cctrace.redact.cut import (
    GEN_INPUT_CHARS,
    STATUS_CHARS,
    cap_bytes,
    cut_text,
    cut_traces,
    safe_point,
)
from cctrace.redact.stage import SCAN_MAX_CHARS, redact_traces, redact_value
from cctrace.store.db import Store
from cctrace.transcript.records import Record
from cctrace.worker import pipeline
from transcript import synth

CASES = fakes.fakes(random.Random(11))
# A second sample of each format: what both share is the format's fixed text, not secret.
OTHER = dict(fakes.fakes(random.Random(12)))
FRAGMENT = 12
FILL = "lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod tempor\n"


def _filler(n: int) -> str:
    return (FILL * (n // len(FILL) + 1))[:n - 1] + "\n" if n > 0 else ""


def _secrets(redactor, text: str) -> list[str]:
    return [text[f.start:f.end] for f in redactor.explain(text)]


def _strings(value: Any) -> list[str]:
    if dataclasses.is_dataclass(value):
        value = dataclasses.asdict(value)
    return [json.dumps(value, ensure_ascii=False)]


def _fragments(secret: str, typ: str | None = None) -> list[str]:
    if len(secret) < FRAGMENT:
        return [secret]
    fixed = OTHER.get(typ or "", "")
    return [f for f in (secret[i:i + FRAGMENT] for i in range(len(secret) - FRAGMENT + 1))
            if f not in fixed]


def _records(contents: list[tuple[str, bool]]) -> list[Record]:
    """A turn: prompt, one model call asking for one Bash call per content, the results."""
    ids = [f"toolu_{i:04d}" for i in range(len(contents))]
    recs = [synth.user("run them", 0)]
    recs += synth.assistant("msg_1", [synth.tool_use(t, "Bash", {"command": "ls"})
                                      for t in ids], 1, stop="tool_use")
    results = [{"tool_use_id": t, "type": "tool_result", "content": c, "is_error": err}
               for t, (c, err) in zip(ids, contents, strict=True)]
    recs.append(synth.user(results, 2))
    recs += synth.assistant("msg_2", [synth.text("done")], 3, stop="end_turn")
    return [Record(r, i) for i, r in enumerate(recs)]


def _run_stages(records: list[Record], redactor, max_field_kb: int) -> Any:
    """The worker's stages in the worker's order (`pipeline.process_transcript`)."""
    built = build_traces(records, BuildContext(session_id="s", final=True))
    policy = Policy(max_field_kb=max_field_kb)
    kept = apply_policy(built.traces, policy)
    redact_traces(kept.traces, redactor)
    cut_traces(kept.traces, policy.max_field_kb)
    return kept.traces


# Each cut: (name, where the cut lands in the field, max_field_kb, is_error).
SITES = [
    ("generation input", GEN_INPUT_CHARS, 0, False),
    ("status message", STATUS_CHARS, 0, True),
    ("max_field_kb", 1024, 1, False),
]


@pytest.mark.parametrize("site", SITES, ids=[s[0] for s in SITES])
def test_every_sample_across_every_cut_position_leaves_no_fragment(redactor, site) -> None:
    _, limit, kb, is_error = site
    for typ, sample in CASES:
        secrets = _secrets(redactor, sample)
        assert secrets, typ
        contents = []
        for k in range(len(sample) + 1):
            # The cut falls k characters into the sample.
            contents.append((_filler(limit - k) + sample + "\n" + _filler(300), is_error))
        traces = _run_stages(_records(contents), redactor, kb)
        out = "".join(s for t in traces for s in _strings(t))
        for secret in secrets:
            for frag in _fragments(secret, typ):
                assert frag not in out, (typ, frag)


def test_known_leak_ghp_token_straddling_the_generation_cut(redactor) -> None:
    token = next(s for t, s in CASES if t == "github_pat_classic" or s.startswith("ghp_"))
    text = _filler(GEN_INPUT_CHARS - 30) + token + "\n"
    traces = _run_stages(_records([(text, False)]), redactor, 0)
    gen = next(o for o in traces[0].observations
               if o.type == "generation" and o.input and "tool_result" in json.dumps(o.input))
    block = gen.input[-1]["content"][0]
    assert token[:FRAGMENT] not in block["content"]
    assert "[REDACTED:" in block["content"] and block["content"].endswith("more chars]")


def test_process_transcript_redacts_before_it_cuts(tmp_path, redactor) -> None:
    """The same through the worker's own `process_transcript` (store and outbox)."""
    token = next(s for t, s in CASES if s.startswith("ghp_"))
    path = tmp_path / "s.jsonl"
    recs = [r.data for r in _records([(_filler(GEN_INPUT_CHARS - 30) + token + "\n", False),
                                       (_filler(STATUS_CHARS - 20) + token, True)])]
    path.write_text("".join(json.dumps(r) + "\n" for r in recs))
    state = tmp_path / "state"
    state.mkdir()
    cfg = Config(state_dir=str(state))
    with Store.open(str(state)) as store:
        assert pipeline.process_transcript(store, cfg, redactor, str(path), session_id="s",
                                           final=True)
        tree = store.session_tree("sess-1")
    dump = json.dumps([dataclasses.asdict(v) for v in tree], default=str)
    assert "more chars]" in dump and "[REDACTED:" in dump
    for frag in _fragments(token):
        assert frag not in dump


def test_cut_never_splits_a_marker() -> None:
    marker = "[REDACTED:github_pat:0123abcd]"
    text = "a" * 10 + marker + "b" * 10
    for at in range(len(text) + 1):
        head = cut_text(text, at)
        assert marker in head or "[REDACTED" not in head
        assert safe_point(text, at) <= at
    capped = cap_bytes("é" * 300 + marker * 100, 1024)
    assert capped.split("[TRUNCATED")[0].count("[REDACTED") == \
        capped.split("[TRUNCATED")[0].count("0123abcd]")


def test_a_field_too_large_to_scan_is_withheld_not_cut(redactor) -> None:
    token = next(s for t, s in CASES if s.startswith("ghp_"))
    huge = token + " " + "x" * SCAN_MAX_CHARS
    out = redact_value({"output": huge}, redactor)
    assert out["output"].startswith("[WITHHELD:too-large chars=")
