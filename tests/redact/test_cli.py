"""`cctrace redact` (driven through its own parser, independent of the COMMANDS list)."""

from __future__ import annotations

import argparse
import random

from bench.corpus import fakes

from cctrace.cli import redact as cli


def _run(argv: list[str]) -> int:
    parser = argparse.ArgumentParser()
    cli.register(parser.add_subparsers())
    args = parser.parse_args(argv)
    return args.func(args)


def test_redact_and_explain(tmp_path, capsys, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    tok = fakes.fake("@github:ghp_", random.Random(2))
    path = tmp_path / "log.txt"
    path.write_text(f"line one\ntoken {tok}\n")
    assert _run(["redact", str(path)]) == 0
    out = capsys.readouterr().out
    assert tok not in out and "[REDACTED:github_pat:" in out
    assert _run(["redact", "--explain", str(path)]) == 1
    out = capsys.readouterr().out
    assert "line 2\tgithub_pat\tgithub" in out and tok not in out
    path.write_text("nothing here\n")
    assert _run(["redact", "--explain", str(path)]) == 0
