"""Redaction on pathological input: many keyword anchors, long runs of `=` and quotes,
nested JSON strings, one long line holding a command many times. Prints seconds of CPU per
input and the figure for twice the input (linear: about twice the time).

`--anchors` sweeps every literal anchor of every detector instead: each one repeated (glued,
blank-separated, and as `<anchor>=a `) at `--kb` and twice that, and prints those whose time
more than triples (a regex or a check that reads the rest of the line at each hit).

    .venv/bin/python bench/redaction_pathological.py [--kb 100]
    .venv/bin/python bench/redaction_pathological.py --anchors [--kb 8]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from cctrace.redact import registry  # noqa: E402
from cctrace.redact.engine import SecretRedactor  # noqa: E402


def inputs(n: int) -> dict[str, str]:
    rng = random.Random(3)
    return {
        "token= repeated": "token=" * (n // 6),
        "token: repeated": "token: " * (n // 7),
        'password=" repeated': 'password="' * (n // 10),
        "api_key=x& repeated": "api_key=x&" * (n // 10),
        "token=<4 random letters> repeated": "".join(
            "token=" + "".join(rng.choice("abcdefghij") for _ in range(4))
            for _ in range(n // 10)),
        "service name repeated (stripe )": "stripe " * (n // 7),
        "<token> repeated": "<token>" * (n // 7),
        "password is repeated": "password is " * (n // 12),
        # one long line (a minified file, a JSON string): a command or a header many times
        "net use repeated (one line)": "net use " * (n // 8),
        "ConvertTo-SecureString repeated": "ConvertTo-SecureString " * (n // 23),
        "+++ repeated (one line)": "+++ " * (n // 4),
        "schtasks x repeated": "schtasks x " * (n // 11),
        "= run": "=" * n,
        '" run': '"' * n,
        "JSON string nested 3 deep": json.dumps(json.dumps(json.dumps(
            {"token": "x" * 10, "a": ["token"] * (n // 33)}))),
    }


def sweep_anchors(red: SecretRedactor, kb: int) -> int:
    """Every anchor repeated three ways at `kb` and twice that: the superlinear ones."""
    anchors = sorted({a for d in registry.detectors() for p in d.patterns for a in p.anchors})
    print(f"| anchor | joined by | CPU s at {kb} KB | at {2 * kb} KB |\n|---|---|---|---|")
    slow = 0
    for anchor in anchors:
        for sep in ("", " ", "=a "):
            unit = anchor + sep
            times = []
            for size in (kb, 2 * kb):
                text = unit * (size * 1000 // len(unit))
                t0 = time.process_time()
                red.explain(text)
                times.append(time.process_time() - t0)
            if times[1] > 0.08 and times[1] > 3 * times[0]:
                slow += 1
                print(f"| {anchor!r} | {sep!r} | {times[0]:.2f} | {times[1]:.2f} |", flush=True)
    print(f"\n{len(anchors)} anchors, {slow} superlinear")
    return 0


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--kb", type=int, default=100)
    ap.add_argument("--anchors", action="store_true", help="sweep every detector's anchors")
    args = ap.parse_args()
    red = SecretRedactor(registry.detectors(), os.urandom(32))
    if args.anchors:
        return sweep_anchors(red, args.kb)
    print("| input | KB | CPU s | CPU s at 2x size |\n|---|---|---|---|")
    for name, text in inputs(args.kb * 1000).items():
        t0 = time.process_time()
        red.redact_text(text)
        one = time.process_time() - t0
        t0 = time.process_time()
        red.redact_text(text + "\n" + text)
        two = time.process_time() - t0
        print(f"| {name} | {len(text) // 1000} | {one:.2f} | {two:.2f} |", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
