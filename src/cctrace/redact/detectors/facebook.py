"""Detector: Facebook / Meta Graph API access tokens.

User and page tokens start `EAA` followed by the app-specific letters and a long base62
body; app tokens are `<app id>|<app secret or signature>`.
"""

from __future__ import annotations

import re

from cctrace.redact.detectors.base import END_ALNUM, Detector, Pattern, mixed_case_random

# A token glued inside a longer base64 run (an embedded wasm or image blob: `...AAB/EAA...+`)
# is a piece of that run: 40+ base64 characters before it, and `+`, `/` or `=` after it.
_B64_BEFORE = re.compile(r"[A-Za-z0-9+/]{40}")


def _access_token_ok(match: re.Match[str]) -> bool:
    text, start, end = match.string, match.start(), match.end()
    if (text[end : end + 1] in ("+", "/", "=") and start >= 40
            and _B64_BEFORE.fullmatch(text, start - 40, start)):
        return False
    return mixed_case_random(match.group())


def _app_token_ok(match: re.Match[str]) -> bool:
    """`<app id>|<secret>`: 15-16 digits right before the bar, a random-looking secret."""
    text, bar = match.string, match.start()
    head = text[max(0, bar - 17) : bar]
    if not re.search(r"(?:^|[^0-9])[0-9]{15,16}$", head):
        return False
    value = match.group("s")
    return mixed_case_random(value) or any(c.isdigit() for c in value)


DETECTOR = Detector(
    name="facebook",
    description="Facebook/Meta access tokens (`EAA...` user/page tokens, `<app id>|<secret>`).",
    patterns=(
        Pattern(
            "facebook_access_token",
            r"EAA[A-Za-z0-9]{60,}" + END_ALNUM,
            anchors=("eaa",),
            boundary=True,
            check=_access_token_ok,
        ),
        Pattern(
            "facebook_app_token",
            # Tried at each `|` (not scanned from every digit run of the text).
            r"\|(?P<s>[A-Za-z0-9_\-]{26,32})(?![A-Za-z0-9_\-])",
            anchors=("|",),
            at_anchor=True,
            check=_app_token_ok,
        ),
    ),
)
