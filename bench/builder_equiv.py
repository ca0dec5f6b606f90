"""Canonical JSON of the built model for every transcript we have, to prove a refactor of
the builder changes nothing (issue 16: the builder in parts).

Builds every recorded transcript under tests/fixtures/ (hooks folded in, sidechains and
2.0.x warmups loaded from beside the file), the package samples, and two bench-generated
transcripts (the built-in template, and turns taken from a recorded fixture), each once
finished and once still open, and writes one sorted-key JSON document of every trace,
observation, resume offset and stat. Run it on two checkouts and compare the files byte
for byte:

    python bench/builder_equiv.py --out /tmp/before.json     # on main
    python bench/builder_equiv.py --out /tmp/after.json      # on the branch
    cmp /tmp/before.json /tmp/after.json
"""

from __future__ import annotations

import argparse
import dataclasses
import hashlib
import json
import os
import sys
import tempfile
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(HERE))

from transcript_gen import generate  # noqa: E402

from cctrace.model.build import BuildContext, build_traces, tool_hook_infos  # noqa: E402
from cctrace.transcript.locate import sidechain_loader, warmup_loader  # noqa: E402
from cctrace.transcript.reader import read_new  # noqa: E402


def transcripts() -> list[Path]:
    """Every transcript file of the fixtures and samples (not hook logs, not CLI stdout)."""
    found = [*(ROOT / "tests" / "fixtures").rglob("*.jsonl"),
             *(ROOT / "src" / "cctrace" / "data" / "samples").rglob("*.jsonl")]
    return sorted(p for p in found if p.name != "hooks.jsonl" and "runs" not in p.parts)


def _hooks(path: Path) -> list[tuple[dict[str, Any], int | None]]:
    hooks = path.parent / "hooks.jsonl"
    if not hooks.exists():
        return []
    out = []
    for line in hooks.read_text(encoding="utf-8").splitlines():
        if line.strip():
            payload = json.loads(line).get("payload")
            if isinstance(payload, dict):
                out.append((payload, None))
    return out


def build_one(path: Path, final: bool) -> dict[str, Any]:
    ctx = BuildContext(hook_tools=tool_hook_infos(_hooks(path)),
                       load_sidechain=sidechain_loader(str(path)),
                       load_warmups=warmup_loader(str(path)),
                       # Deterministic, so the background-subagent link branch is taken.
                       trace_of_tool=lambda tool_id: "earlier:" + tool_id,
                       final=final, user_id="equiv", release="equiv")
    result = build_traces(read_new(str(path)).records, ctx)
    return {"traces": [dataclasses.asdict(t) for t in result.traces],
            "open_turn_offset": result.open_turn_offset,
            "stats": result.stats}


def dump(out: str) -> dict[str, str]:
    doc: dict[str, Any] = {}
    with tempfile.TemporaryDirectory() as tmp:
        generated = [Path(tmp) / "template.jsonl", Path(tmp) / "from_fixture.jsonl"]
        generate(str(generated[0]), None, seed=1, turns=60)
        source = ROOT / "tests" / "fixtures" / "transcripts" / "parallel_tools"
        generate(str(generated[1]), None, source=str(next(source.glob("*-*.jsonl"))),
                 seed=2, turns=40)
        for path in [*transcripts(), *generated]:
            name = (path.relative_to(ROOT).as_posix() if path.is_relative_to(ROOT)
                    else "bench/" + path.name)
            for final in (True, False):
                doc[f"{name} final={final}"] = build_one(path, final)
    text = json.dumps(doc, sort_keys=True, indent=1, default=repr, ensure_ascii=False)
    Path(out).write_text(text + "\n", encoding="utf-8")
    return {k: hashlib.sha256(json.dumps(v, sort_keys=True, default=repr).encode())
            .hexdigest()[:12] for k, v in doc.items()}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", required=True, help="where to write the canonical JSON")
    args = ap.parse_args()
    digests = dump(args.out)
    traces = sum(len(json.loads(Path(args.out).read_text())[k]["traces"]) for k in digests)
    print(f"{len(digests)} builds, {traces} traces, "
          f"{os.path.getsize(args.out)} bytes -> {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
