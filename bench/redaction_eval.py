"""Redaction evaluation: recall per detector, false positives per MB, throughput.

Positives: generated, format-valid fake secrets for every detector (checksums correct),
each embedded in seven contexts (shell output, JSON, YAML, code, env file, URL,
JSON-in-JSON). Negatives: this interpreter's stdlib source plus generated hashes, ids and
blobs. detect-secrets (if installed) runs side by side on the same positives and on a
subset of the stdlib. Prints markdown tables. Run:

    /tmp/venv/bin/python bench/redaction_eval.py [--stdlib-mb N] [--ds-mb N]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import time
from collections import Counter, defaultdict

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from bench.corpus import fakes, negatives  # noqa: E402

from cctrace.redact import registry  # noqa: E402
from cctrace.redact.engine import SecretRedactor  # noqa: E402

CONTEXTS = {
    "shell": lambda t: f"$ ./deploy.sh --verbose\nusing {t} for upload\nexit 0\n",
    "json": lambda t: json.dumps({"type": "tool_result", "content": f"value: {t}"}),
    "yaml": lambda t: f"service:\n  name: api\n  value: {t}\n",
    "code": lambda t: f'client = Client(\n    "{t}",\n    timeout=3,\n)\n',
    "env": lambda t: f"DEBUG=1\nSOME_SETTING={t}\nPORT=8080\n",
    "url": lambda t: f"GET https://api.example.com/v1/items?q={t} -> 200",
    "json_in_json": lambda t: json.dumps({"content": json.dumps({"text": f"out: {t}"})}),
}


def positives(seed: int, rounds: int) -> list[tuple[str, str, str]]:
    rng = random.Random(seed)
    out = []
    for _ in range(rounds):
        for typ, secret in fakes.fakes(rng):
            for ctx, wrap in CONTEXTS.items():
                out.append((typ, ctx, wrap(secret)))
    return out


def detect_secrets_scanner():
    try:
        from detect_secrets.core.scan import scan_line
        from detect_secrets.settings import default_settings
    except ImportError:
        return None

    def scan(text: str) -> int:
        with default_settings():
            return sum(1 for line in text.splitlines() for _ in scan_line(line))

    return scan


def detect_secrets_files():
    """detect-secrets timed on its normal path: `scan_file` over whole files, as
    `detect-secrets scan` runs it (`scan_line`, used for recall above, is about half as fast
    and skips the file-level filters)."""
    try:
        from detect_secrets.core.scan import scan_file
        from detect_secrets.settings import default_settings
    except ImportError:
        return None

    def scan(paths: list[str]) -> int:
        with default_settings():
            return sum(1 for path in paths for _ in scan_file(path))

    return scan


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--stdlib-mb", type=float, default=0, help="0: the whole stdlib")
    ap.add_argument("--ds-mb", type=float, default=1.0, help="stdlib subset for detect-secrets")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--no-tests", action="store_true",
                    help="stdlib without its test suites (the 0-per-10-MB target)")
    args = ap.parse_args()

    red = SecretRedactor(registry.detectors(), os.urandom(32))
    ds = detect_secrets_scanner()

    # --- recall -----------------------------------------------------------------------
    pos = positives(7, args.rounds)
    hit: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    ds_hits = 0
    for typ, _ctx, text in pos:
        found = {f.type for f in red.explain(text)}
        hit[typ][1] += 1
        hit[typ][0] += typ in found
    if ds:
        ds_hits = sum(1 for _t, _c, text in pos if ds(text))
    total_hit = sum(h for h, _ in hit.values())
    print(f"## Recall ({len(hit)} secret types x {len(CONTEXTS)} contexts x {args.rounds})\n")
    print("| type | found | cases | recall |\n|---|---|---|---|")
    for typ in sorted(hit, key=lambda t: (hit[t][0] / hit[t][1], t)):
        h, n = hit[typ]
        if h < n:
            print(f"| {typ} | {h} | {n} | {100 * h / n:.1f} % |")
    print(f"| **all** (types below 100 % listed) | {total_hit} | {len(pos)} | "
          f"{100 * total_hit / len(pos):.2f} % |")
    if ds:
        print(f"| detect-secrets 1.5 (any finding) | {ds_hits} | {len(pos)} | "
              f"{100 * ds_hits / len(pos):.2f} % |")

    # --- false positives and throughput -----------------------------------------------
    limit = int(args.stdlib_mb * 1e6) if args.stdlib_mb else None
    files = negatives.stdlib_files(limit, skip_tests=args.no_tests)
    texts = []
    for path in files:
        with open(path, encoding="utf-8", errors="replace") as fh:
            texts.append(fh.read())
    size = sum(len(t.encode("utf-8")) for t in texts)
    fp_types: Counter[str] = Counter()
    t0 = time.perf_counter()
    for text in texts:
        red.redact_text(text)
    elapsed = time.perf_counter() - t0
    for text in texts:
        for f in red.explain(text):
            fp_types[f.type] += 1
            if os.environ.get("SHOW_FP"):
                print("FP", f.type, repr(text[max(0, f.start - 60):f.end + 20]))
    gen = "\n".join(negatives.generated(random.Random(3)))
    gen_fp = Counter(f.type for f in red.explain(gen))
    mb = size / 1e6
    fps = sum(fp_types.values())
    print("\n## Negatives\n\n| corpus | MB | findings | per 10 MB |\n|---|---|---|---|")
    print(f"| stdlib .py ({len(files)} files) | {mb:.1f} | {fps} | {10 * fps / mb:.2f} |")
    gmb = len(gen) / 1e6
    print(f"| generated hashes/ids/blobs/js | {gmb:.2f} | {sum(gen_fp.values())} | "
          f"{10 * sum(gen_fp.values()) / gmb:.2f} |")
    if fp_types or gen_fp:
        print("\nfinding types on negatives: "
              + ", ".join(f"{t} {n}" for t, n in (fp_types + gen_fp).most_common()))

    print("\n## Throughput (single core, all detectors)\n")
    print("| scanner | corpus | MB | seconds | MB/s |\n|---|---|---|---|---|")
    print(f"| cctrace ({red.backend} prefilter) | stdlib | {mb:.1f} | {elapsed:.2f} | "
          f"{mb / elapsed:.1f} |")
    if red.backend != "re":
        red_re = SecretRedactor(registry.detectors(), os.urandom(32), backend="re")
        t0 = time.perf_counter()
        for text in texts:
            red_re.redact_text(text)
        el = time.perf_counter() - t0
        print(f"| cctrace (re prefilter, stdlib only) | stdlib | {mb:.1f} | {el:.2f} | "
              f"{mb / el:.1f} |")
    if ds:
        sub, acc = [], 0
        for text in texts:
            sub.append(text)
            acc += len(text.encode())
            if acc >= args.ds_mb * 1e6:
                break
        ds_files = detect_secrets_files()
        t0 = time.perf_counter()
        ds_f = ds_files(files[:len(sub)])
        ds_el = time.perf_counter() - t0
        t0 = time.perf_counter()
        for t in sub:
            red.redact_text(t)
        our_el = time.perf_counter() - t0
        our_f = sum(len(red.explain(t)) for t in sub)
        print(f"| cctrace ({red.backend}) | stdlib subset | {acc / 1e6:.1f} | {our_el:.2f} | "
              f"{acc / 1e6 / our_el:.1f} |")
        print(f"| detect-secrets 1.5 (default plugins) | stdlib subset | {acc / 1e6:.1f} | "
              f"{ds_el:.2f} | {acc / 1e6 / ds_el:.2f} |")
        print(f"\nfindings on the subset: cctrace {our_f}, detect-secrets {ds_f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
