"""The `cctrace import` progress bar: one rewritten line on a terminal, nothing in a pipe."""

from __future__ import annotations

import io
import shutil

from cctrace.cli import importer
from cctrace.cli import main as cli_main
from support.replay import FIXTURES


class Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_bar_on_a_terminal():
    out = Tty()
    bar = importer.ProgressBar(out, width=10)
    bar.update(1, 4, "/x/a.jsonl")
    bar.message("  skipped /x/b.jsonl: denied")
    bar.update(4, 4, "/x/c.jsonl")
    bar.close()
    text = out.getvalue()
    assert "\r\033[K[##........] 1/4 a.jsonl" in text
    assert "\r\033[K  skipped /x/b.jsonl: denied\n" in text
    assert "[##########] 4/4 c.jsonl" in text and text.endswith("\r\033[K")


def test_no_bar_when_not_a_terminal(tmp_path, capsys, monkeypatch):
    out = io.StringIO()
    bar = importer.ProgressBar(out)
    bar.update(1, 2, "a")
    bar.close()
    assert out.getvalue() == ""
    monkeypatch.setattr(cli_main, "COMMANDS", ["importer"])
    shutil.copytree(FIXTURES / "multi_turn", tmp_path / "fx")
    assert cli_main.main(["import", "--no-export", str(tmp_path / "fx")]) == 0
    captured = capsys.readouterr()
    assert "imported " in captured.out and " transcript(s)" in captured.out
    assert captured.err == ""  # captured stderr is no TTY: no bar, no control characters
