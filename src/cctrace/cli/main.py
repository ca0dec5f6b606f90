"""Entry point of the `cctrace` command and the registry of its subcommands.

Each subcommand lives in its own module under `cctrace.cli` and exposes
`register(subparsers)`, which adds its parser and sets `func` to a callable
`(args) -> int` (the exit code). Adding a command is adding its module name here.
"""

from __future__ import annotations

import argparse
import importlib
import sys

from cctrace import __version__

# Module names under cctrace.cli, in the order `cctrace --help` lists them.
COMMANDS: list[str] = [
    "setup", "demo", "install", "doctor", "sessions", "tail", "report", "usage", "statusline",
    "findings", "importer", "flush", "config", "redact", "rules", "verify", "trust", "purge",
]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="cctrace",
        description="Claude Code sessions as redacted Langfuse / OpenTelemetry traces.",
    )
    parser.add_argument("--version", action="version", version=f"cctrace {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMANDS:
        importlib.import_module(f"cctrace.cli.{name}").register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    func = getattr(args, "func", None)
    if func is None:
        parser.print_help()
        return 2
    try:
        # Before it runs: a change made from inside Claude Code is recorded (`agentchange`).
        from cctrace.cli import agentchange

        agentchange.note(args)
        return int(func(args) or 0)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # Output piped into `head` and the like: stop quietly, as other CLI tools do.
        import os

        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except CliError as exc:
        print(f"cctrace: error: {exc}", file=sys.stderr)
        return exc.code


class CliError(Exception):
    """An error with a message for the user and an exit code; no traceback is shown."""

    def __init__(self, message: str, code: int = 1) -> None:
        super().__init__(message)
        self.code = code


if __name__ == "__main__":
    sys.exit(main())
