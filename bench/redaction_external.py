"""Redaction on public scanners' test data: recall per case and per rule, partial leaks,
false positives on clean negatives, throughput; detect-secrets side by side.

The corpus (gitleaks, trufflehog and detect-secrets test cases; format and scoring in its
README) is read in place and never copied into this repository. Scoring, as that README
defines it:

- recall: share of `tp` cases whose `secret` no longer occurs in the redacted text, also
  averaged per `rule_id` (each rule counts once);
- partial leak: a `tp` case where the secret is gone but 12+ consecutive characters of it
  survive (a span cut short);
- false positives: share of *clean* negatives with anything redacted; clean = `fp` cases no
  gitleaks rule reports and that are not trufflehog's "no keyword nearby" rows.

Each case is redacted on its own, as the stage does it (detection, then the sweep of the
values found), with no environment or `.env` known secrets. Throughput is measured twice:
case by case (small texts) and on all cases packed into one text (large input).

    .venv/bin/python bench/redaction_external.py [--corpus DIR] [--no-ds] [--misses N]
        [--rule SUBSTR] [--fp N] [--halves] [--fp-table] [--fp-classes [--fp-list]]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import sys
import tempfile
import time
from collections import defaultdict

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import fp_classes  # noqa: E402

from cctrace.redact import registry  # noqa: E402
from cctrace.redact.engine import SecretRedactor  # noqa: E402

DEFAULT_CORPUS = os.path.join(
    os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))),
    "shared", "data", "external-secrets",
)
PARTIAL = 12


def load(corpus: str) -> list[dict]:
    with open(os.path.join(corpus, "cases.jsonl"), encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def is_clean_negative(case: dict) -> bool:
    return (
        case["kind"] == "fp"
        and not case.get("gitleaks_hits")
        and not (case["source"] == "trufflehog" and case.get("fp_class") == "no-keyword")
    )


def half(case: dict) -> str:
    """`dev` or `held-out`: gitleaks and detect-secrets cases, and the trufflehog rules
    whose sha256(rule_id) starts with an even byte, are where detectors were developed
    (#13's false-positive work); the other trufflehog rules are only measured."""
    if case["source"] != "trufflehog":
        return "dev"
    return "dev" if hashlib.sha256(case["rule_id"].encode()).digest()[0] % 2 == 0 else "held-out"


def partial_leak(secret: str, out: str, n: int = PARTIAL) -> bool:
    if len(secret) < n:
        return False
    return any(secret[i : i + n] in out for i in range(len(secret) - n + 1))


class Cctrace:
    name = "cctrace"

    def __init__(self, sweep: bool = True) -> None:
        self.sweep = sweep
        self.learned: dict[str, str] = {}
        self.red = SecretRedactor(registry.detectors(), os.urandom(32), learned=self.learned)

    def redact(self, text: str) -> str:
        self.learned.clear()
        self.red._sweep_size = -1  # noqa: SLF001 - a fresh sweep index per case
        out = self.red.redact_text(text)
        return self.red.sweep(out) if self.sweep else out


class DetectSecrets:
    """detect-secrets 1.5 through its file scan (`SecretsCollection.scan_file`, default
    plugins and filters), one file per case; a reported value is replaced in the text."""

    name = "detect-secrets"

    def __init__(self) -> None:
        from detect_secrets import SecretsCollection
        from detect_secrets.settings import default_settings

        self._collection = SecretsCollection
        self._settings = default_settings
        self._dir = tempfile.mkdtemp(prefix="ds-ext-")

    def redact(self, text: str) -> str:
        path = os.path.join(self._dir, "case.txt")
        with open(path, "w", encoding="utf-8") as fh:
            fh.write(text)
        with self._settings():
            coll = self._collection(root=self._dir)
            coll.scan_file("case.txt")
        values = sorted(
            {s.secret_value for _f, s in coll if s.secret_value}, key=len, reverse=True
        )
        for v in values:
            text = text.replace(v, "[REDACTED]")
        return text


def score(tool, cases: list[dict], misses: int, rule: str | None, show_fp: int) -> dict:
    per_rule: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    per_source: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    partial = 0
    fp = clean = 0
    # Trufflehog's "invalid-format" negatives are key-shaped strings beside a service name
    # or in a key slot, with the wrong length or alphabet for that one service: what a
    # keyword-free redactor is asked to remove. Reported apart as well.
    fp_strict = clean_strict = 0
    fp_shown = 0
    missed: list[dict] = []
    size = 0
    t0 = time.perf_counter()
    for case in cases:
        text = case["text"]
        size += len(text.encode("utf-8"))
        out = tool.redact(text)
        if case["kind"] == "tp":
            gone = case["secret"] not in out
            per_rule[case["rule_id"]][0] += gone
            per_rule[case["rule_id"]][1] += 1
            per_source[case["source"]][0] += gone
            per_source[case["source"]][1] += 1
            if gone and partial_leak(case["secret"], out):
                partial += 1
            if not gone:
                missed.append(case)
        elif is_clean_negative(case):
            clean += 1
            strict = not (case["source"] == "trufflehog"
                          and case.get("fp_class") == "invalid-format")
            clean_strict += strict
            if out != text:
                fp += 1
                fp_strict += strict
                if fp_shown < show_fp:
                    fp_shown += 1
                    print(f"FP {case['id']} {case['rule_id']} [{case.get('fp_class')}]:"
                          f"\n  IN : {text[:300]!r}\n  OUT: {out[:300]!r}")
    elapsed = time.perf_counter() - t0
    tp_n = sum(n for _, n in per_rule.values())
    tp_hit = sum(h for h, _ in per_rule.values())
    if misses:
        shown = [c for c in missed if not rule or rule in c["rule_id"]][:misses]
        for c in shown:
            print(f"MISS {c['id']} {c['rule_id']}: secret={c['secret'][:80]!r}\n"
                  f"  {c['text'][:400]!r}")
    return {
        "recall": tp_hit / tp_n,
        "tp": (tp_hit, tp_n),
        "per_rule": sum(h / n for h, n in per_rule.values()) / len(per_rule),
        "rules": len(per_rule),
        "per_source": {s: h / n for s, (h, n) in per_source.items()},
        "partial": partial,
        "fp": (fp, clean),
        "fp_strict": (fp_strict, clean_strict),
        "mbs": size / 1e6 / elapsed,
        "mb": size / 1e6,
        "seconds": elapsed,
        "worst": sorted(per_rule.items(), key=lambda kv: (kv[1][0] / kv[1][1], -kv[1][1]))[:25],
    }


def fp_table(cases: list[dict]) -> None:
    """Clean negatives redacted, by the detector and type that fired (a case counts once per
    detector), split by half and by trufflehog's `invalid-format` class."""
    red = Cctrace().red
    rows: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    for case in cases:
        if not is_clean_negative(case):
            continue
        found = {f"{f.detector}:{f.type}" for f in red.explain(case["text"])}
        for key in found:
            row = rows[key]
            row[0 if half(case) == "dev" else 1] += 1
            row[2] += case.get("fp_class") == "invalid-format"
    print("\n| detector:type | dev | held-out | of them invalid-format |")
    print("|---|---|---|---|")
    for key, (dev, held, invalid) in sorted(rows.items(), key=lambda kv: -sum(kv[1][:2])):
        print(f"| {key} | {dev} | {held} | {invalid} |")


def packed_throughput(cases: list[dict], repeat: int, sweep: bool) -> tuple[float, float]:
    """cctrace on all cases joined into one text (large input): (MB, MB/s)."""
    text = "\n\n".join(c["text"] for c in cases) * repeat
    tool = Cctrace(sweep)
    t0 = time.perf_counter()
    tool.redact(text)
    el = time.perf_counter() - t0
    mb = len(text.encode("utf-8")) / 1e6
    return mb, mb / el


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--corpus", default=DEFAULT_CORPUS)
    ap.add_argument("--no-ds", action="store_true", help="skip detect-secrets")
    ap.add_argument("--misses", type=int, default=0, help="print N missed cases")
    ap.add_argument("--rule", default=None, help="only show misses of rules containing this")
    ap.add_argument("--fp", type=int, default=0, help="print N false positives")
    ap.add_argument("--worst", action="store_true", help="list the 25 worst rules")
    ap.add_argument("--repeat", type=int, default=3, help="packed text repetitions")
    ap.add_argument("--halves", action="store_true",
                    help="also score the development and held-out halves apart")
    ap.add_argument("--fp-table", action="store_true",
                    help="clean negatives redacted, by detector and type")
    ap.add_argument("--fp-classes", action="store_true",
                    help="false positives by class: twin of a true positive, allow-listed "
                         "by gitleaks, or distinguishable (bench/fp_classes.py)")
    ap.add_argument("--fp-list", action="store_true",
                    help="with --fp-classes: one line per false positive")
    ap.add_argument("--no-sweep", action="store_true",
                    help="detection pass only (as `cctrace redact`; older revisions)")
    args = ap.parse_args()

    cases = load(args.corpus)
    tools = [Cctrace(sweep=not args.no_sweep)]
    if not args.no_ds:
        try:
            tools.append(DetectSecrets())
        except ImportError:
            print("detect-secrets not installed: skipped")
    results = {t.name: score(t, cases, args.misses if t.name == "cctrace" else 0, args.rule,
                             args.fp if t.name == "cctrace" else 0) for t in tools}
    print(f"\n## External corpus ({len(cases)} cases)\n")
    print("| scanner | recall (cases) | recall (per rule) | gitleaks | trufflehog | "
          "detect-secrets | partial leaks | FP clean negatives | FP clean, without "
          "trufflehog invalid-format | MB/s (per case) |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for name, r in results.items():
        src = r["per_source"]
        print(f"| {name} | {100 * r['recall']:.1f} % ({r['tp'][0]}/{r['tp'][1]}) | "
              f"{100 * r['per_rule']:.1f} % ({r['rules']} rules) | "
              f"{100 * src.get('gitleaks', 0):.1f} % | {100 * src.get('trufflehog', 0):.1f} % | "
              f"{100 * src.get('detect-secrets', 0):.1f} % | {r['partial']} | "
              f"{100 * r['fp'][0] / r['fp'][1]:.1f} % ({r['fp'][0]}/{r['fp'][1]}) | "
              f"{100 * r['fp_strict'][0] / r['fp_strict'][1]:.1f} % "
              f"({r['fp_strict'][0]}/{r['fp_strict'][1]}) | "
              f"{r['mbs']:.2f} |")
    if args.halves:
        print("\n| cctrace half | cases | recall (cases) | recall (per rule) | FP clean | "
              "FP clean, without invalid-format |")
        print("|---|---|---|---|---|---|")
        for name in ("dev", "held-out"):
            part = [c for c in cases if half(c) == name]
            r = score(Cctrace(sweep=not args.no_sweep), part, 0, None, 0)
            print(f"| {name} | {len(part)} | "
                  f"{100 * r['recall']:.1f} % ({r['tp'][0]}/{r['tp'][1]}) | "
                  f"{100 * r['per_rule']:.1f} % ({r['rules']} rules) | "
                  f"{100 * r['fp'][0] / r['fp'][1]:.1f} % ({r['fp'][0]}/{r['fp'][1]}) | "
                  f"{100 * r['fp_strict'][0] / r['fp_strict'][1]:.1f} % "
                  f"({r['fp_strict'][0]}/{r['fp_strict'][1]}) |")
    if args.fp_table:
        fp_table(cases)
    if args.fp_classes:
        fp_classes.report(fp_classes.classify(Cctrace().red, cases, is_clean_negative),
                          args.fp_list)
    mb, mbs = packed_throughput(cases, args.repeat, not args.no_sweep)
    print(f"\ncctrace on all cases packed into one text ({mb:.1f} MB): {mbs:.1f} MB/s "
          f"({tools[0].red.backend} prefilter)")
    if args.worst:
        print("\nworst rules (cctrace):")
        for rule, (h, n) in results["cctrace"]["worst"]:
            print(f"  {rule}: {h}/{n}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
