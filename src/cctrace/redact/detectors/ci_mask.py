"""Detector: the value a CI job asks its log to mask (`::add-mask::<value>`).

GitHub Actions hides every later occurrence of a value a step registers with
`::add-mask::`, but the registering line itself is in the raw log an agent reads with
`gh run view --log`, and in the workflow's own `echo` of it when the value was inlined.
Whatever follows the command is by the author's own word a secret; only a reference
(`$TOKEN`, `${{ steps.x.outputs.token }}`, `%VAR%`) is left, since the runner expands it
later.
"""

from __future__ import annotations

import re

from cctrace.redact.detectors.base import STRUCTURAL, Detector, Pattern
from cctrace.redact.stoplist import is_placeholder


def _ok(match: re.Match[str]) -> bool:
    return not is_placeholder(match.group("s").strip("'\""))


DETECTOR = Detector(
    name="ci_mask",
    description="The value after GitHub Actions' `::add-mask::` command.",
    patterns=(
        Pattern(
            "ci_masked_value",
            # To the end of the line (a JSON `\n` escape too), trailing blanks and an
            # `echo`'s closing quote off.
            r"::add-mask::(?P<s>[^\s\\'\"](?:[^\r\n\\]{0,4094}[^\s\\'\"])?)",
            anchors=("::add-mask::",),
            at_anchor=True,
            check=_ok,
            priority=STRUCTURAL,
        ),
    ),
)
