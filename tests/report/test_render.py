"""Rendering a report: the terminal summary and the self-contained HTML page."""

from __future__ import annotations

import re
from datetime import timezone
from html.parser import HTMLParser

from cctrace.report import build_report
from cctrace.report.html import render_html
from cctrace.report.text import WIDTH, bar, report_lines
from store.helpers import SEC, T0

HOSTILE = '<script>alert("x")</script><img src=https://evil.example/p.png>'


def _facts(project: str = "proj", tool: str = "Bash") -> dict:
    return {"observations": [
        {"type": "generation", "name": "m", "model": "claude-sonnet-4-5", "start_ns": T0,
         "end_ns": T0 + SEC, "level": "DEFAULT", "cost_total": 0.25, "session_id": "s1",
         "usage": {"input": 100, "output": 50, "input_cache_read": 300}, "project": project},
        {"type": "tool", "name": tool, "model": None, "start_ns": T0, "end_ns": T0 + 2 * SEC,
         "level": "ERROR", "usage": None, "cost_total": None, "session_id": "s1",
         "project": project},
        {"type": "tool", "name": tool, "model": None, "start_ns": T0, "end_ns": T0 + SEC,
         "level": "DEFAULT", "usage": None, "cost_total": None, "session_id": "s1",
         "project": project},
    ], "traces": [{"session_id": "s1", "project": project, "start_ns": T0, "end_ns": T0,
                   "complete": 1}]}


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def test_bar_scales_and_never_hides_a_small_value():
    assert bar(10, 10, 8) == "█" * 8
    assert bar(0, 10, 8) == " " * 8
    assert bar(0.001, 10, 8).strip() == "▏"
    assert bar(5, 10, 8) == "████    "


def test_terminal_summary():
    lines = report_lines(build_report(_facts(), tz=timezone.utc))
    text = "\n".join(lines)
    assert "$0.25" in text and "450 tokens" in text and "cache hit 75.0%" in text
    assert "2 tool calls (50.0% failed)" in text
    assert re.search(r"Bash\s+█+\s+2\s+1\s+50\.0%", text)
    assert all(len(line) <= WIDTH for line in lines)
    empty = report_lines(build_report({"observations": [], "traces": []}))
    assert empty[-1] == "  nothing recorded in this period"


def test_html_is_self_contained_and_escapes_session_strings():
    page = render_html(build_report(_facts(project=HOSTILE, tool=HOSTILE),
                                    tz=timezone.utc))
    parser = _Tags()
    parser.feed(page)
    tags = [t for t, _ in parser.tags]
    assert "script" not in tags and "img" not in tags and "link" not in tags
    assert "<script>" not in page and "evil.example/p.png>" not in page
    # No reference to anything outside the file (links only to its own anchors), and a
    # policy that forbids it anyway.
    assert not [a for _, a in parser.tags if {"src", "srcset", "action"} & set(a)]
    hrefs = [a["href"] for _, a in parser.tags if "href" in a]
    assert hrefs and all(h.startswith("#s-") for h in hrefs)
    assert not re.search(r"url\(|@import", page, re.I)
    csp = [a for t, a in parser.tags if t == "meta" and a.get("http-equiv")]
    assert csp and "default-src 'none'" in csp[0]["content"]
    assert tags.count("svg") >= 5  # day costs, day tokens, project, model, cache, tools...


def test_html_carries_the_figures():
    page = render_html(build_report(_facts(), tz=timezone.utc))
    parser = _Tags()
    parser.feed(page)
    attrs = {k: v for _, a in parser.tags for k, v in a.items() if k.startswith("data-")}
    assert float(attrs["data-cost"]) == 0.25
    assert attrs["data-tokens"] == "450"
    assert float(attrs["data-cache-hit"]) == 0.75
    tool_rows = [a for t, a in parser.tags if t == "tr" and "data-tool" in a]
    assert tool_rows == [{"data-tool": "Bash", "data-calls": "2", "data-failures": "1"}]
    for section in ("cost-by-day", "by-token-type", "turn-cost", "by-project", "by-model",
                    "cache", "tools", "sessions", "slowest", "trees"):
        assert f'id="{section}"' in page
    assert 'id="findings"' not in page  # the store had no findings table


def test_html_findings_section():
    class F:
        id, kind, rule_id, severity = "1", "rule", "exfil.curl", "high"
        title, time_ns, session_id = "curl upload <b>x</b>", T0, "s1"

    page = render_html(build_report(_facts(), [F()], tz=timezone.utc))
    assert 'id="findings"' in page and 'data-severity="high" data-count="1"' in page
    assert "curl upload &lt;b&gt;x&lt;/b&gt;" in page


def test_terminal_model_columns_are_not_cut_when_the_terminal_is_wide():
    facts = _facts()
    facts["observations"][0]["model"] = "claude-sonnet-4-5-20250929"
    for width in (200, 120):
        lines = report_lines(build_report(facts, tz=timezone.utc), width)
        (row,) = [line for line in lines if "claude-sonnet-4-5-20250929" in line]
        assert row.rstrip().endswith("cache  75.0%") and "…" not in row
        assert all(len(line) <= width for line in lines)
    narrow = report_lines(build_report(facts, tz=timezone.utc), 80)
    assert all(len(line) <= 80 for line in narrow)


def test_html_findings_grouped_by_severity_with_info_folded():
    class F:
        def __init__(self, sev, title, t=T0):
            self.id, self.kind, self.rule_id, self.severity = title, "rule", "r." + sev, sev
            self.title, self.time_ns, self.session_id = title, t, "s1"

    found = [F("info", "audit checkpoint 7: 3 entries sealed"), F("low", "low one"),
             F("high", "high one")]
    page = render_html(build_report(_facts(), found, tz=timezone.utc))
    groups = re.findall(r'data-group="(\w+)"', page)
    assert groups == ["high", "low", "info"]
    assert page.index("high one") < page.index("low one")
    info = page[page.index('<details data-group="info">'):]
    info = info[:info.index("</details>")]
    assert "1 info finding(s)" in info and "cctrace report --all" in info
    assert "audit checkpoint 7" not in page  # counted, folded, not listed by default
    shown = render_html(build_report(_facts(), found, tz=timezone.utc, include_info=True))
    info = shown[shown.index('<details data-group="info">'):]
    assert "audit checkpoint 7" in info[:info.index("</details>")]
