"""Usage reports over the local store: what Claude Code cost, what it did, what went wrong.

`data` turns the store's content-free facts (`Store.report_facts`, `Store.findings`) into a
`Report` (pure aggregation: by day, week, month, project, model, token type and tool;
sessions with their turns, cost per turn, cache hit ratio and savings, unpriced tokens,
slowest tools, findings), with `costs` for the money figures; `text` renders it for a
terminal and `html` as one self-contained, offline HTML page with `charts`' inline SVG and
CSS-only toggles (no script, no external resource). Only `load_report` touches the store;
`cctrace report` (cli/report.py) is the command.
"""

from __future__ import annotations

from cctrace.report.data import Report, build_report, load_report

__all__ = ["Report", "build_report", "load_report"]
