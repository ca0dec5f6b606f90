"""Detector: Facebook / Meta Graph API access tokens.

User and page tokens start `EAA` followed by the app-specific letters and a long base62
body; app tokens are `<app id>|<app secret or signature>`.
"""

from __future__ import annotations

from cctrace.redact.detectors.base import END_ALNUM, Detector, Pattern, mixed_case_random


def _app_token_ok(value: str) -> bool:
    return mixed_case_random(value.split("|", 1)[1]) or any(
        c.isdigit() for c in value.split("|", 1)[1])


DETECTOR = Detector(
    name="facebook",
    description="Facebook/Meta access tokens (`EAA...` user/page tokens, `<app id>|<secret>`).",
    patterns=(
        Pattern(
            "facebook_access_token",
            r"EAA[A-Za-z0-9]{60,}" + END_ALNUM,
            anchors=("eaa",),
            boundary=True,
            validate=mixed_case_random,
        ),
        Pattern(
            "facebook_app_token",
            r"[0-9]{15,16}\|[A-Za-z0-9_\-]{26,32}(?![A-Za-z0-9_\-])",
            anchors=("|",),
            boundary=True,
            validate=_app_token_ok,
        ),
    ),
)
