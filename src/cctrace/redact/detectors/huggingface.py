"""Detector: Hugging Face user access and organisation API tokens.

One `Pattern` per token format; anchors are the lowercase literals the prefilter looks for.
"""

from __future__ import annotations

from cctrace.redact.detectors.base import (
    END_ALNUM,
    Detector,
    Pattern,
    mixed_case_random,
)

DETECTOR = Detector(
    name="huggingface",
    description=("Hugging Face user access and organisation API tokens."),
    patterns=(
        Pattern(
            "huggingface_token",
            r"hf_[A-Za-z]{34}" + END_ALNUM,
            anchors=("hf_",),
            validate=mixed_case_random,
        ),
        Pattern(
            "huggingface_org_token",
            r"api_org_[A-Za-z]{34}" + END_ALNUM,
            anchors=("api_org_",),
            validate=mixed_case_random,
        ),
    ),
)
