"""Detector: Twitter / X API v2 app-only bearer tokens.

They start with a run of `A`s (22 in issued tokens, 20-24 accepted) followed by 60+
characters of letters, digits and percent-escapes (`%2B`, `%3D`). The run (capitals only:
the regex is case-sensitive) is the anchor; the rest must read as drawn (both cases and
digits), so a line of `AAAA...` padding is left.
"""

from __future__ import annotations

from cctrace.redact.detectors.base import END_ALNUM, Detector, Pattern, mixed_case_random


def _drawn(value: str) -> bool:
    rest = value.lstrip("A")
    return mixed_case_random(rest) and any(c.isdigit() for c in rest)


DETECTOR = Detector(
    name="twitter",
    description="Twitter / X app-only bearer tokens (`AAAAAAAAAAAAAAAAAAAAA...`).",
    patterns=(
        Pattern(
            "twitter_bearer_token",
            r"A{20,24}(?:[A-Za-z0-9]|%[0-9A-F]{2}){60,400}" + END_ALNUM,
            anchors=("a" * 20,),
            boundary=True,
            validate=_drawn,
        ),
    ),
)
