"""Detector: OpenAI keys: project, service-account, admin and legacy `sk-...T3BlbkFJ...` keys.

One `Pattern` per token format; anchors are the lowercase literals the prefilter looks for.
"""

from __future__ import annotations

from cctrace.redact.detectors.base import (
    END_ALNUM,
    SPECIFIC,
    Detector,
    Pattern,
)

DETECTOR = Detector(
    name="openai",
    description=(
        "OpenAI keys: project, service-account, admin and legacy `sk-...T3BlbkFJ...` keys."
    ),
    patterns=(
        Pattern(
            "openai_project_key",
            r"sk-proj-[A-Za-z0-9_\-]{40,}" + END_ALNUM,
            anchors=("sk-proj-",),
        ),
        Pattern(
            "openai_service_account_key",
            r"sk-svcacct-[A-Za-z0-9_\-]{40,}" + END_ALNUM,
            anchors=("sk-svcacct-",),
        ),
        Pattern(
            "openai_admin_key",
            r"sk-admin-[A-Za-z0-9_\-]{40,}" + END_ALNUM,
            anchors=("sk-admin-",),
        ),
        Pattern(
            "openai_api_key",
            r"sk-(?:None-)?[A-Za-z0-9_\-]{16,}T3BlbkFJ[A-Za-z0-9_\-]{16,}" + END_ALNUM,
            anchors=("t3blbkfj",),
            priority=SPECIFIC - 5,
        ),
    ),
)
