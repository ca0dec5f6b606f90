"""Redaction on the layouts agent sessions really show: recall and false positives per layout
and per secret kind.

A seeded generator (bench/corpus/layouts*.py x bench/corpus/kinds*.py, independent of the
external corpus) plants fake secrets of 113 kinds (93 provider token shapes written from
their documented form: webhooks, DSNs, cloud connection strings, service-account JSON, PGP
and EC keys, keys that are plain hex/alphanumerics next to a service's name; and the first
20: 12 provider formats, JWTs, PEM/OpenSSH keys, random hex/base64/alphanumeric values of
16-64 characters, chosen passwords, connection strings; `--kinds base` scores only those)
in 149 layouts of tool output, prompts and model text (`--layouts base`: the first 76;
`--layouts stop22`: the 101 before stop 23 added CLIs, CI logs, reprs and connection
strings, bench/corpus/layouts_sessions.py; `--layouts stop23`: the 124 before stop 24 added
the six families still leaking, bench/corpus/layouts_families.py), and
look-alike negatives
(git SHAs, UUIDs, integrity hashes, digests, base64 of text, identifiers, paths, `${VAR}` /
`op://` / vault references, placeholders) in the same layouts. Scoring:

- recall: a case counts when no form of the secret, nor any 12-character piece of it,
  survives (tests/support/absence.py, markers excluded);
- FP: a negative case counts when anything in it was redacted (output != input).

Two paths, both as the product runs them: `redactor` is `SecretRedactor.redact_text` and then
its `sweep`, one case at a time (what the worker's redaction stage does per string); `trace`
puts the text where the worker puts it (a tool result's output, the user prompt for prose,
the generation's output for model text) and runs `redact_traces`. A layout we miss stays in
the generator and is reported. Run:

    .venv/bin/python bench/redaction_layouts.py [--rounds 3] [--seed 13] [--misses N]
        [--fps N] [--layout SUBSTR] [--kind SUBSTR] [--path redactor|trace] [--kinds base]
        [--layouts base|stop22]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
from collections import defaultdict
from dataclasses import dataclass

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from bench.corpus.kinds import BASE_KINDS, KINDS, NEGATIVES  # noqa: E402
from bench.corpus.layouts import (  # noqa: E402
    BASE_LAYOUTS,
    LAYOUTS,
    STOP22_LAYOUTS,
    STOP23_LAYOUTS,
    Layout,
)
from tests.support.absence import leaks  # noqa: E402

from cctrace.model.types import Observation, Trace  # noqa: E402
from cctrace.redact import registry  # noqa: E402
from cctrace.redact.engine import SecretRedactor  # noqa: E402
from cctrace.redact.stage import redact_traces  # noqa: E402

PROMPT_LAYOUTS = ("prose_password_is", "prose_other_languages", "prose_token_in_prompt",
                  "prose_more_languages", "prose_names_the_secret", "s24_prose_word_use")
MODEL_LAYOUTS = ("model_text_backticks", "s24_prose_word_model")


@dataclass
class Case:
    layout: str
    kind: str
    text: str
    forms: tuple[str, ...]  # empty for a negative


def cases(seed: int, rounds: int, layouts: list[Layout],
          kinds: tuple[str, ...] = tuple(KINDS)) -> tuple[list[Case], list[Case]]:
    rng = random.Random(seed)
    pos: list[Case] = []
    neg: list[Case] = []
    for _ in range(rounds):
        for lay in layouts:
            for kind in kinds:
                secret = KINDS[kind](rng)
                if ((secret.multiline and not lay.multiline) or (secret.url and not lay.takes_url)
                        or (lay.kinds and kind not in lay.kinds)):
                    continue
                text, enc = lay.render(rng, secret.name, secret.value)
                forms = secret.forms if enc is None else tuple(
                    x for f in secret.forms for x in enc(f))
                assert all(f in text for f in forms), (lay.name, kind)
                pos.append(Case(lay.name, kind, text, forms))
            for kind, draw in NEGATIVES.items():
                negative = draw(rng)
                if (lay.slot and not negative.slot) or (lay.runtime and negative.slot):
                    continue
                text, _ = lay.render(rng, negative.name, negative.value)
                neg.append(Case(lay.name, kind, text, ()))
    return pos, neg


class Product:
    """The worker's redactor, its learned values reset between cases (each case is a
    session of its own: nothing learned from another case may help)."""

    def __init__(self) -> None:
        self.learned: dict[str, str] = {}
        self.red = SecretRedactor(registry.detectors(), os.urandom(32), learned=self.learned)

    def _fresh(self) -> None:
        self.learned.clear()
        self.red._sweep_size = -1  # noqa: SLF001 - a fresh sweep index per case

    def redactor(self, case: Case) -> str:
        self._fresh()
        return self.red.sweep(self.red.redact_text(case.text))

    def trace(self, case: Case) -> str:
        self._fresh()
        tid, sid = "ab" * 16, "cd" * 8
        root = Observation(sid, tid, None, "span", "turn", 0, 10)
        trace = Trace(tid, "session-1", "turn 1", 0, 10, input="run the checks",
                      observations=[root])
        if case.layout in PROMPT_LAYOUTS:
            trace.input = case.text
        elif case.layout in MODEL_LAYOUTS:
            trace.observations.append(Observation("ef" * 8, tid, sid, "generation",
                                                  "claude", 1, 9, output=case.text))
        else:
            trace.observations.append(Observation(
                "ef" * 8, tid, sid, "tool", "Bash", 1, 9,
                input={"command": case.text.split("\n", 1)[0]}, output=case.text))
        redact_traces([trace], self.red)
        return json.dumps([trace.input, [(o.input, o.output) for o in trace.observations]],
                          ensure_ascii=False)


def score(pos: list[Case], neg: list[Case], run, misses: int, fps: int) -> dict:
    by_layout: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0])  # hit, n, fp, nneg
    by_kind: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    neg_kind: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    shown = 0
    for case in pos:
        out = run(case)
        left = leaks_in(case, out)
        ok = not left
        by_layout[case.layout][0] += ok
        by_layout[case.layout][1] += 1
        by_kind[case.kind][0] += ok
        by_kind[case.kind][1] += 1
        if not ok and shown < misses:
            shown += 1
            print(f"MISS {case.layout} / {case.kind}: {len(left)} piece(s), first {left[0]!r}\n"
                  f"  in:  {case.text[:400]!r}\n  out: {out[:400]!r}")
    shown = 0
    for case in neg:
        out = run(case)
        changed = out != case.text if run.__name__ == "redactor" else "[REDACTED:" in out
        by_layout[case.layout][2] += changed
        by_layout[case.layout][3] += 1
        neg_kind[case.kind][0] += changed
        neg_kind[case.kind][1] += 1
        if changed and shown < fps:
            shown += 1
            print(f"FP {case.layout} / {case.kind}:\n  in:  {case.text[:300]!r}\n"
                  f"  out: {out[:300]!r}")
    return {"layout": by_layout, "kind": by_kind, "neg_kind": neg_kind}


def leaks_in(case: Case, out: str) -> list[str]:
    return [p for f in case.forms for p in leaks(f, out)]


def pct(a: int, b: int) -> str:
    return f"{100 * a / b:.1f} %" if b else "-"


def report(res: dict, path: str, worst: int) -> None:
    lay, kind, nk = res["layout"], res["kind"], res["neg_kind"]
    hit = sum(v[0] for v in lay.values())
    n = sum(v[1] for v in lay.values())
    fp = sum(v[2] for v in lay.values())
    nn = sum(v[3] for v in lay.values())
    print(f"\n## {path}: recall {pct(hit, n)} ({hit}/{n}), FP {pct(fp, nn)} ({fp}/{nn}), "
          f"{len(lay)} layouts x {len(kind)} kinds, {len(nk)} negative kinds\n")
    print("| layout | recall | FP |\n|---|---|---|")
    order = sorted(lay, key=lambda k: (lay[k][0] / max(lay[k][1], 1)
                                       - lay[k][2] / max(lay[k][3], 1), k))
    for k in order[:worst]:
        v = lay[k]
        if v[0] < v[1] or v[2]:
            print(f"| {k} | {pct(v[0], v[1])} ({v[1] - v[0]} missed of {v[1]}) | "
                  f"{pct(v[2], v[3])} ({v[2]}/{v[3]}) |")
    print("\n| secret kind | recall |\n|---|---|")
    for k in sorted(kind, key=lambda k: (kind[k][0] / kind[k][1], k)):
        print(f"| {k} | {pct(*kind[k])} ({kind[k][1] - kind[k][0]} missed of {kind[k][1]}) |")
    print("\n| negative kind | FP |\n|---|---|")
    for k in sorted(nk, key=lambda k: (-nk[k][0] / nk[k][1], k)):
        print(f"| {k} | {pct(*nk[k])} ({nk[k][0]}/{nk[k][1]}) |")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--seed", type=int, default=13)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--misses", type=int, default=0, help="print this many missed secrets")
    ap.add_argument("--fps", type=int, default=0, help="print this many false positives")
    ap.add_argument("--layout", help="only layouts whose name contains this")
    ap.add_argument("--kind", help="only secret/negative kinds whose name contains this")
    ap.add_argument("--kinds", choices=("all", "base"), default="all",
                    help="base: only the 20 kinds the benchmark started with")
    ap.add_argument("--layouts", choices=("all", "base", "stop22", "stop23"), default="all",
                    help="base: only the 76 layouts the benchmark started with; stop22: "
                         "the 101 it had before stop 23; stop23: the 124 before stop 24")
    ap.add_argument("--path", choices=("redactor", "trace", "both"), default="both")
    ap.add_argument("--worst", type=int, default=25, help="layouts listed (worst first)")
    args = ap.parse_args()
    layouts = [x for x in LAYOUTS if (not args.layout or args.layout in x.name)
               and (args.layouts == "all" or x.name in {"base": BASE_LAYOUTS,
                                                        "stop22": STOP22_LAYOUTS,
                                                        "stop23": STOP23_LAYOUTS}[args.layouts])]
    kinds = BASE_KINDS if args.kinds == "base" else tuple(KINDS)
    pos, neg = cases(args.seed, args.rounds, layouts, kinds)
    if args.kind:
        pos = [c for c in pos if args.kind in c.kind]
        neg = [c for c in neg if args.kind in c.kind]
    product = Product()
    paths = ("redactor", "trace") if args.path == "both" else (args.path,)
    for i, path in enumerate(paths):
        res = score(pos, neg, getattr(product, path), args.misses if i == 0 else 0,
                    args.fps if i == 0 else 0)
        report(res, path, args.worst)
    return 0


if __name__ == "__main__":
    sys.exit(main())
