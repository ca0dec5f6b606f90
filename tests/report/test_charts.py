"""The report's SVG charts: sizes that leave room for their text."""

from __future__ import annotations

import re

from cctrace.report.charts import donut


def test_donut_legend_has_room_for_its_longest_line():
    svg = donut([("cache write 1h", 1_234_567_890.0, "#000"), ("input", 5.0, "#111")],
                "50%", "of input")
    width = int(re.search(r'viewBox="0 0 (\d+) ', svg).group(1))
    longest = len("cache write 1h 1.23B (100.0%)")
    assert width >= 200 + 28 + 7 * longest
