"""The HTML report in a real browser: headless Chromium renders the page built from real
recorded sessions, takes a screenshot, and the rendered DOM holds the charts and the store's
numbers. Skipped when no Chromium is installed (Debian: `apt-get install chromium`)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from html.parser import HTMLParser

import pytest

from cctrace.cli import importer
from cctrace.cli import main as cli_main
from cctrace.report import fmt
from cctrace.store.db import Store
from support.replay import FIXTURES

BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")


def browser() -> str | None:
    explicit = os.environ.get("CCTRACE_CHROMIUM", "").strip()
    if explicit:
        return shutil.which(explicit)
    return next((found for b in BROWSERS if (found := shutil.which(b))), None)


pytestmark = pytest.mark.skipif(browser() is None, reason="no chromium: apt-get install chromium")


def chromium(tmp_path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [browser(), "--headless", "--no-sandbox", "--disable-gpu",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--no-first-run", "--disable-dev-shm-usage", f"--user-data-dir={tmp_path / 'profile'}",
         *args], capture_output=True, text=True, timeout=180, stdin=subprocess.DEVNULL)


class _Dom(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data):
        self.text.append(data)


def test_report_renders_in_chromium_with_the_store_numbers(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(cli_main, "COMMANDS", ["report"])
    names = [n for n in sorted(os.listdir(FIXTURES)) if (FIXTURES / n).is_dir()]
    for name in names:
        shutil.copytree(FIXTURES / name, tmp_path / "fx" / name,
                        ignore=shutil.ignore_patterns("hooks.jsonl"))
    # The package's samples were recorded with a priced model id: they bring the cost.
    samples = os.path.join(os.path.dirname(importer.__file__), "..", "data", "samples")
    shutil.copytree(samples, tmp_path / "fx" / "samples")
    counts = importer.import_paths([str(tmp_path / "fx")], export=False, live_minutes=0)
    assert counts["files"] >= len(names) and counts["observations"] and not counts["errors"]
    with Store.open() as store:
        sessions = store.sessions()
    cost = sum(s.cost or 0 for s in sessions)
    tokens = sum(sum(s.tokens.values()) for s in sessions)
    tool_calls = sum(s.tool_calls for s in sessions)

    page = tmp_path / "report.html"
    assert cli_main.main(["report", "--html", str(page)]) == 0
    capsys.readouterr()
    shot = tmp_path / "report.png"
    result = chromium(tmp_path, f"--screenshot={shot}", "--window-size=1280,2000",
                      page.as_uri())
    assert shot.exists(), result.stderr[-2000:]
    png = shot.read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 20_000  # a blank page is ~5 KB
    if os.environ.get("CCTRACE_KEEP_SCREENSHOT"):
        shutil.copy(shot, os.environ["CCTRACE_KEEP_SCREENSHOT"])

    result = chromium(tmp_path, "--dump-dom", page.as_uri())
    assert result.returncode == 0, result.stderr[-2000:]
    dom = _Dom()
    dom.feed(result.stdout)
    text = " ".join(" ".join(dom.text).split())
    attrs = {}
    for _, a in dom.tags:
        for key, value in a.items():
            attrs.setdefault(key, value)
    # The cards hold the store's totals, exactly and as shown.
    assert cost > 0 and float(attrs["data-cost"]) == pytest.approx(cost)
    assert int(attrs["data-tokens"]) == tokens
    assert int(attrs["data-tool-calls"]) == tool_calls
    assert int(attrs["data-sessions"]) == len(sessions)
    assert fmt.cost(cost) in text and fmt.tokens(tokens) in text
    # Its charts: one SVG per chart, with bars, and the sections a person looks for.
    svgs = [a for t, a in dom.tags if t == "svg"]
    rects = [a for t, a in dom.tags if t == "rect"]
    assert len(svgs) >= 6 and len(rects) >= 10
    for heading in ("Cost by day", "Tokens by day", "Cost by project", "Cost by model",
                    "Cache hit ratio", "Tool usage and failures", "Slowest tools"):
        assert heading in text
    tools = {a["data-tool"]: int(a["data-failures"]) for t, a in dom.tags if "data-tool" in a}
    assert tools.get("Bash", 0) >= 1  # the tool_errors fixture's failed command
    assert re.search(r"\d+ calls · \d+\.\d% failed", text)
