"""Detector: GitHub tokens: classic (`ghp_`/`gho_`/`ghu_`/`ghs_`/`ghr_`, CRC32-checked) and
fine-grained PATs.

One `Pattern` per token format; anchors are the lowercase literals the prefilter looks for.
"""

from __future__ import annotations

from cctrace.redact.detectors.base import (
    CHECKSUM,
    END_ALNUM,
    Detector,
    Pattern,
    crc_ok,
)

DETECTOR = Detector(
    name="github",
    description=(
        "GitHub tokens: classic (`ghp_`/`gho_`/`ghu_`/`ghs_`/`ghr_`, CRC32-checked) and "
        "fine-grained PATs."
    ),
    patterns=(
        Pattern(
            "github_pat",
            r"ghp_[A-Za-z0-9]{36}" + END_ALNUM,
            anchors=("ghp_",),
            validate=crc_ok,
            priority=CHECKSUM,
        ),
        Pattern(
            "github_oauth_token",
            r"gho_[A-Za-z0-9]{36}" + END_ALNUM,
            anchors=("gho_",),
            validate=crc_ok,
            priority=CHECKSUM,
        ),
        Pattern(
            "github_user_token",
            r"ghu_[A-Za-z0-9]{36}" + END_ALNUM,
            anchors=("ghu_",),
            validate=crc_ok,
            priority=CHECKSUM,
        ),
        Pattern(
            "github_app_token",
            r"ghs_[A-Za-z0-9]{36}" + END_ALNUM,
            anchors=("ghs_",),
            validate=crc_ok,
            priority=CHECKSUM,
        ),
        Pattern(
            "github_refresh_token",
            r"ghr_[A-Za-z0-9]{36}" + END_ALNUM,
            anchors=("ghr_",),
            validate=crc_ok,
            priority=CHECKSUM,
        ),
        Pattern(
            "github_fine_grained_pat",
            r"github_pat_[A-Za-z0-9]{22}_[A-Za-z0-9]{59}" + END_ALNUM,
            anchors=("github_pat_",),
        ),
    ),
)
