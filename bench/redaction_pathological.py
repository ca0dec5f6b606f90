"""Redaction on pathological input: many keyword anchors, long runs of `=` and quotes,
nested JSON strings. Prints seconds of CPU per input and the figure for twice the input
(linear: about twice the time).

    .venv/bin/python bench/redaction_pathological.py [--kb 100]
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
        "= run": "=" * n,
        '" run': '"' * n,
        "JSON string nested 3 deep": json.dumps(json.dumps(json.dumps(
            {"token": "x" * 10, "a": ["token"] * (n // 33)}))),
    }


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--kb", type=int, default=100)
    args = ap.parse_args()
    red = SecretRedactor(registry.detectors(), os.urandom(32))
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
