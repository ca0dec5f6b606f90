"""Detector: Atlassian API tokens and Bitbucket app passwords.

One `Pattern` per token format; anchors are the lowercase literals the prefilter looks for.
"""

from __future__ import annotations

from cctrace.redact.detectors.base import (
    END_ALNUM,
    Detector,
    Pattern,
)

DETECTOR = Detector(
    name="atlassian",
    description=("Atlassian API tokens and Bitbucket app passwords."),
    patterns=(
        Pattern(
            "atlassian_api_token",
            r"ATATT3[A-Za-z0-9_\-=]{150,}" + END_ALNUM,
            anchors=("atatt3",),
        ),
        Pattern(
            "atlassian_admin_token",
            r"ATCTT3[A-Za-z0-9_\-=]{150,}" + END_ALNUM,
            anchors=("atctt3",),
        ),
        Pattern(
            "bitbucket_app_password",
            r"ATBB[A-Za-z0-9_\-=.]{32,}" + END_ALNUM,
            anchors=("atbb",),
            boundary=True,
        ),
    ),
)
