"""Detector: `.netrc` / `_netrc` credentials (`machine host login user password secret`).

The entries may sit on one line or spread over several; the password follows the word
`password` (or `passwd`) inside a `machine` or `default` entry.
"""

from __future__ import annotations

import re

from cctrace.redact.detectors.base import STRUCTURAL, Detector, Pattern
from cctrace.redact.stoplist import is_placeholder


def _ok(match: re.Match[str]) -> bool:
    return not is_placeholder(match.group("s"))


DETECTOR = Detector(
    name="netrc",
    description="Passwords in .netrc entries (machine/login/password), one line or several.",
    patterns=(
        Pattern(
            "netrc_password",
            r"(?:machine[ \t]+\S+|default(?=\s+login\s))(?:\s+(?:login|account|port)[ \t]+\S+){0,3}"
            r"\s+pass(?:word|wd)[ \t]+(?P<s>\S{3,4096})",
            anchors=("machine", "default"),
            at_anchor=True,
            boundary=True,
            check=_ok,
            priority=STRUCTURAL,
        ),
    ),
)
