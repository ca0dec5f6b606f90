"""`cctrace redact`: run the redaction engine on a file or stdin.

`cctrace redact PATH|-` prints the redacted text; `--explain` prints one line per finding
(offsets, line, type, detector, tag) and never the secret itself. Known secrets are harvested
from the environment, the config and the current directory's `.env*` files, as the worker
does. Exit code 1 with `--explain` when something was found (usable as a pre-commit check).
"""

from __future__ import annotations

import argparse
import os
import sys

from cctrace import config as config_mod


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "redact",
        help="redact secrets in a file or stdin, or explain what would be redacted",
        description="Print PATH (or stdin) with secrets replaced by [REDACTED:type:tag].",
    )
    p.add_argument("path", help="file to read, or - for stdin")
    p.add_argument("--explain", action="store_true", help="list findings instead (no values)")
    p.add_argument("--pii", action="store_true", help="also redact personal data")
    p.add_argument("--no-known", action="store_true", help="skip env/.env known secrets")
    p.set_defaults(func=run)


def _read(path: str) -> str:
    from cctrace.cli.main import CliError

    if path == "-":
        return sys.stdin.read()
    try:
        with open(path, encoding="utf-8", errors="surrogateescape") as fh:
            return fh.read()
    except OSError as exc:
        raise CliError(f"{path}: {exc.strerror}") from exc


def run(args: argparse.Namespace) -> int:
    from cctrace.redact.engine import build_redactor

    cfg = config_mod.load()
    env = {} if args.no_known else None
    cwd = None if args.no_known else os.getcwd()
    redactor = build_redactor(cfg, cwd=cwd, env=env, pii=args.pii)
    text = _read(args.path)
    if not args.explain:
        sys.stdout.write(redactor.redact_text(text))
        return 0
    findings = redactor.explain(text)
    for f in findings:
        line = text.count("\n", 0, f.start) + 1
        tag = redactor.tag(text[f.start : f.end])
        print(f"{f.start}-{f.end}\tline {line}\t{f.type}\t{f.detector}\t{tag}")
    print(f"{len(findings)} finding(s)", file=sys.stderr)
    return 1 if findings else 0
