"""No module in `src/cctrace` is over `LIMIT` lines unless `ALLOWED` says why.

A long module is one a newcomer must read whole before touching it (issue 16). An entry
here is a debt with its reason; an entry for a module that has shrunk under the line fails
too, so the list never holds more than the truth.
"""

from __future__ import annotations

from layout.imports import SRC, modules

LIMIT = 500

ALLOWED: dict[str, str] = {}


def line_counts() -> dict[str, int]:
    """Lines per module, keyed by path below src/."""
    return {path.relative_to(SRC).as_posix(): len(path.read_text(encoding="utf-8")
                                                  .splitlines())
            for path in modules().values()}


def test_no_module_over_the_line_without_a_reason() -> None:
    over = {p: n for p, n in line_counts().items() if n > LIMIT and p not in ALLOWED}
    assert over == {}, f"modules over {LIMIT} lines (split them, or say why in ALLOWED)"


def test_every_allowed_module_is_still_over_the_line() -> None:
    counts = line_counts()
    stale = sorted(p for p in ALLOWED if counts.get(p, 0) <= LIMIT)
    assert stale == [], "no longer over the line (or gone): drop them from ALLOWED"
