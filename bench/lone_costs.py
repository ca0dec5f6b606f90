"""What the detectors of values with little or no context cost on code, and what the rule
left out would have cost (issue 13, branch issue-13-context).

Over the CPython stdlib outside its tests (what `bench/redaction_eval.py --no-tests`
reads), best of N CPU seconds:

- each named detector alone in a redactor (`netrc`, with few anchors, is the baseline: the
  prefilter pass and lower-casing every redactor pays);
- the whole registry;
- the line scan a "random token alone on a line, with nothing naming it" rule would need
  (no literal to start from), and how many lines its gate would keep.

    .venv/bin/python bench/lone_costs.py [--rounds 7]

Run it with `PYTHONPATH=<other checkout>/src` to time another revision's registry (a
detector it lacks is shown as `-`).
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import time

import cctrace  # noqa: I001 - first: with PYTHONPATH=<checkout>/src that tree is timed

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from corpus import negatives  # noqa: E402

from cctrace.redact import registry  # noqa: E402
from cctrace.redact.detectors.base import char_classes  # noqa: E402
from cctrace.redact.engine import SecretRedactor  # noqa: E402
from cctrace.redact.randomness import is_digest, looks_random  # noqa: E402

DETECTORS = ("netrc", "table_column", "prose_value", "secret_file", "prose")
LONE_LINE = re.compile(r"(?m)^[+\-]?[ \t]*([A-Za-z0-9+/=_\-]{32,512})[ \t]*\r?$")


def best_cpu(fn, rounds: int) -> float:
    best = float("inf")
    for _ in range(rounds):
        c0 = time.process_time()
        fn()
        best = min(best, time.process_time() - c0)
    return best


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--rounds", type=int, default=7)
    args = ap.parse_args()
    texts = [open(f, encoding="utf-8", errors="replace").read()
             for f in negatives.stdlib_files(skip_tests=True)]
    mb = sum(len(t.encode("utf-8", "replace")) for t in texts) / 1e6
    print(f"{os.path.dirname(os.path.dirname(cctrace.__file__))}: stdlib outside tests, "
          f"{len(texts)} files, {mb:.1f} MB, best of {args.rounds} CPU seconds\n")
    print("| redactor | CPU s |\n|---|---|")
    for name in DETECTORS + ("all",):
        try:
            dets = registry.detectors() if name == "all" else [registry.load(name)]
        except ModuleNotFoundError:
            print(f"| {name} | - (not in this revision) |")
            continue
        r = SecretRedactor(dets, b"k" * 32)
        for t in texts:
            r.redact_text(t)  # warm the verdict caches alike for every row
        cpu = best_cpu(lambda r=r: [r.redact_text(t) for t in texts], args.rounds)
        print(f"| {name} | {cpu:.4f} |")
    lines = [m.group(1) for t in texts for m in LONE_LINE.finditer(t)]
    kept = [v for v in lines if looks_random(v, 32) and char_classes(v) >= 3
            and not is_digest(v)]
    scan = best_cpu(lambda: [m for t in texts for m in LONE_LINE.finditer(t)], args.rounds)
    print(f"\nline scan for a lone token with nothing naming it: {scan:.4f} CPU s; "
          f"{len(lines)} lines of 32+ token characters, {len(kept)} kept by the gate")
    return 0


if __name__ == "__main__":
    sys.exit(main())
