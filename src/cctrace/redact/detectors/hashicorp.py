"""Detector: HashiCorp Vault service/batch tokens and Terraform Cloud tokens.

One `Pattern` per token format; anchors are the lowercase literals the prefilter looks for.
"""

from __future__ import annotations

from cctrace.redact.detectors.base import (
    END_ALNUM,
    Detector,
    Pattern,
)

DETECTOR = Detector(
    name="hashicorp",
    description=("HashiCorp Vault service/batch tokens and Terraform Cloud tokens."),
    patterns=(
        Pattern(
            "vault_service_token",
            r"hvs\.[A-Za-z0-9_\-]{90,}" + END_ALNUM,
            anchors=("hvs.",),
        ),
        Pattern(
            "vault_batch_token",
            r"hvb\.[A-Za-z0-9_\-]{90,}" + END_ALNUM,
            anchors=("hvb.",),
        ),
        Pattern(
            "terraform_cloud_token",
            r"[A-Za-z0-9]{14}\.atlasv1\.[A-Za-z0-9_\-=]{60,70}" + END_ALNUM,
            anchors=(".atlasv1.",),
            boundary=True,
        ),
    ),
)
