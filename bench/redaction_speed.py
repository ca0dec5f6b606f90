"""Redaction throughput on large inputs, best of N: the CPython stdlib source (outside its
tests), the string fields of a generated transcript (what the worker redacts), the
external secrets corpus packed into one text (dense with secrets: the worst case), and
prose dense with keyword anchors but no assignment (`auth`, `token`, `key`, `secret` in
words: the case gated anchors are for, `redact/gates.py`).

    .venv/bin/python bench/redaction_speed.py [--rounds 3] [--transcript-mb 10] [--corpus DIR]

Run it with `PYTHONPATH=<other checkout>/src` to measure another revision on the same
inputs (figures move with machine load; compare revisions back to back, and on a shared
machine by CPU time, which load moves far less than wall time).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time

# cctrace before anything puts this checkout's src/ on the path (transcript_gen does): with
# PYTHONPATH=<other checkout>/src that tree is measured (its path is printed).
import cctrace  # noqa: E402, I001

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from corpus import negatives  # noqa: E402
from redaction_external import DEFAULT_CORPUS  # noqa: E402
from transcript_gen import generate  # noqa: E402

from cctrace.redact import registry  # noqa: E402
from cctrace.redact.engine import SecretRedactor  # noqa: E402


def _strings(value: object, out: list[str]) -> None:
    if isinstance(value, str):
        out.append(value)
    elif isinstance(value, dict):
        for k, v in value.items():
            out.append(k)
            _strings(v, out)
    elif isinstance(value, list):
        for v in value:
            _strings(v, out)


def inputs(transcript_mb: float, corpus: str) -> dict[str, list[str]]:
    stdlib = []
    for path in negatives.stdlib_files(None, skip_tests=True):
        with open(path, encoding="utf-8", errors="replace") as fh:
            stdlib.append(fh.read())
    path = os.path.join(tempfile.gettempdir(), f"cctrace-speed-{transcript_mb}.jsonl")
    if not os.path.exists(path):
        generate(path, int(transcript_mb * 1e6))
    fields: list[str] = []
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            _strings(json.loads(line), fields)
    with open(os.path.join(corpus, "cases.jsonl"), encoding="utf-8") as fh:
        packed = "\n\n".join(json.loads(line)["text"] for line in fh if line.strip())
    return {"stdlib outside tests": stdlib, "transcript fields": fields,
            "external corpus, packed": [packed], "keyword prose": keyword_prose(4e6)}


# Words holding anchors (`auth`, `token`, `key`, `secret`, `pass`) and plain ones, no
# `=`/`:`/`(` nor punctuation right after them: every anchor hit is one the gates skip
# (a comma after `passage` would open the keyword gate for the whole paragraph).
_PROSE_WORDS = (
    "the author of this authentication guide explains how OAuth tokens and API keys are "
    "rotated, why a keyboard shortcut bypasses the passage which secrets the tokenizer "
    "sees, and how the authority authorises each passenger with a monkey key ring"
).split()


def keyword_prose(size: float) -> list[str]:
    """Paragraphs of about 2 KB, seeded, `size` bytes in all."""
    import random

    rng = random.Random(13)
    out, total = [], 0
    while total < size:
        para = " ".join(rng.choice(_PROSE_WORDS) for _ in range(330)) + " today."
        out.append(para)
        total += len(para)
    return out


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--transcript-mb", type=float, default=10)
    ap.add_argument("--corpus", default=DEFAULT_CORPUS)
    ap.add_argument("--cpu", action="store_true",
                    help="kept for older commands: CPU time is always printed beside wall time")
    args = ap.parse_args()
    data = inputs(args.transcript_mb, args.corpus)
    t0 = time.perf_counter()
    SecretRedactor(registry.detectors(), os.urandom(32))
    build = time.perf_counter() - t0
    print(f"{os.path.dirname(os.path.dirname(cctrace.__file__))}")
    print(f"| input | MB | best s | MB/s | best CPU s | MB/s per CPU s |  "
          f"(redactor built in {build:.2f} s)")
    print("|---|---|---|---|---|---|")
    for name, texts in data.items():
        mb = sum(len(t.encode("utf-8")) for t in texts) / 1e6
        best = best_cpu = float("inf")
        for _ in range(args.rounds):
            red = SecretRedactor(registry.detectors(), os.urandom(32))
            t0, c0 = time.perf_counter(), time.process_time()
            for t in texts:
                red.redact_text(t)
            best = min(best, time.perf_counter() - t0)
            best_cpu = min(best_cpu, time.process_time() - c0)
        print(f"| {name} | {mb:.1f} | {best:.2f} | {mb / best:.1f} | {best_cpu:.2f} | "
              f"{mb / best_cpu:.1f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
