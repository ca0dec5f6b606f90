"""Build `src/cctrace/data/service_shapes.txt` from transcribed per-service key formats.

Input: tab-separated files, one line per service (`service  source  shape  keywords  note`),
written by hand from public scanners' documented detector definitions (shape grammar in
`cctrace.redact.service_shapes`). Output: our table, `name<TAB>shape<TAB>flags`, sorted,
with `compound` / `verify-only` / `checksum` taken from the note. Every row is parsed with
the same code the redactor uses; a bad row is reported (file, line, why) and left out, never
guessed at, so a service without a valid row keeps the detectors' shape-free rule. Names
that are not in `redact.services` are reported and left out too.

    .venv/bin/python bench/shapes_import.py /tmp/shapes/part*.tsv [--fixes F] [--out P] [--check]

`bench/shapes_fixes.tsv` (the default `--fixes`) holds our corrections, each with its reason:
rows that covered one of several detector versions or key kinds (made `any` or given the
other alternatives), and scanner classes the transcription narrowed.
"""

from __future__ import annotations

import argparse
import os
import re
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
                                "src"))

from cctrace.redact.service_shapes import ShapeError, parse_row, parse_table  # noqa: E402
from cctrace.redact.services import SERVICES  # noqa: E402

OUT = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
                   "src", "cctrace", "data", "service_shapes.txt")
FIXES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "shapes_fixes.tsv")
HEADER = """\
# Per-service key shapes (cctrace.redact.service_shapes): name, shape alternatives, flags.
# Transcribed by hand from public secret scanners' documented key formats; built by
# bench/shapes_import.py. `any` = no constraint; `compound` = the service's credential is
# two values (an id and a secret), so a value beside its name may be either; `verify-only`
# = only a live call tells; `checksum` = the shape holds, a checksum says more.
"""


def flags_of(note: str) -> str:
    low = note.lower()
    return ",".join(f for f in ("compound", "verify-only", "checksum")
                    if re.search(rf"\b{f}\b", low))


def convert(paths: list[str], fixes: str | None = None) -> tuple[list[str], list[str]]:
    """Rows of our table from the transcribed files; a row of `fixes` (same columns)
    replaces the transcribed row of its service."""
    rows: dict[str, str] = {}
    problems: list[str] = []
    fixed: set[str] = set()
    for path in ([fixes] if fixes else []) + paths:
        with open(path, encoding="utf-8") as fh:
            for no, line in enumerate(fh, 1):
                if not line.strip() or line.startswith("#"):
                    continue
                cols = line.rstrip("\n").split("\t")
                where = f"{os.path.basename(path)}:{no}"
                if len(cols) < 3:
                    problems.append(f"{where}: fewer than 3 columns")
                    continue
                name, shape = cols[0].strip().lower(), " ".join(cols[2].split())
                note = cols[4] if len(cols) > 4 else ""
                if name not in SERVICES:
                    problems.append(f"{where}: {name!r} is not in redact.services")
                    continue
                if name in fixed:
                    continue
                if name in rows:
                    problems.append(f"{where}: {name} listed again (first row kept)")
                    continue
                row = f"{name}\t{shape}\t{flags_of(note)}"
                try:
                    parse_row(row)
                except ShapeError as exc:
                    problems.append(f"{where}: {exc}")
                    continue
                rows[name] = row
                if path == fixes:
                    fixed.add(name)
    return [rows[n] for n in sorted(rows)], problems


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("tsv", nargs="+")
    ap.add_argument("--out", default=OUT)
    ap.add_argument("--fixes", default=FIXES, help="corrections replacing transcribed rows")
    ap.add_argument("--check", action="store_true", help="report only, write nothing")
    args = ap.parse_args()
    rows, problems = convert(args.tsv, args.fixes or None)
    for p in problems:
        print("skipped", p, file=sys.stderr)
    text = HEADER + "".join(r + "\n" for r in rows)
    table = parse_table(text)
    sure = sum(r.sure for r in table.values())
    print(f"{len(table)} services ({sure} with sure shapes), {len(problems)} rows skipped; "
          f"{len(SERVICES) - len(table)} of {len(SERVICES)} services without a row")
    if not args.check:
        with open(args.out, "w", encoding="utf-8") as fh:
            fh.write(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
