"""Detector: Google Cloud: API keys, OAuth client secrets and tokens, service-account key ids.

One `Pattern` per token format; anchors are the lowercase literals the prefilter looks for.
"""

from __future__ import annotations

from cctrace.redact.detectors.base import (
    CONTEXTUAL,
    END_ALNUM,
    Detector,
    Pattern,
)

DETECTOR = Detector(
    name="gcp",
    description=(
        "Google Cloud: API keys, OAuth client secrets and tokens, service-account key ids."
    ),
    patterns=(
        Pattern(
            "gcp_api_key",
            r"AIza[0-9A-Za-z_\-]{35}" + END_ALNUM,
            anchors=("aiza",),
            # `...TJAIzaTesb6...` inside a longer base62 string is not a key.
            boundary=True,
        ),
        Pattern(
            "gcp_oauth_client_secret",
            r"GOCSPX-[A-Za-z0-9_\-]{28}" + END_ALNUM,
            anchors=("gocspx-",),
        ),
        Pattern(
            "gcp_oauth_access_token",
            r"ya29\.[0-9A-Za-z_\-]{30,}" + END_ALNUM,
            anchors=("ya29.",),
        ),
        Pattern(
            "gcp_refresh_token",
            r"1//0[0-9A-Za-z_\-]{40,}" + END_ALNUM,
            anchors=("1//0",),
        ),
        Pattern(
            "gcp_service_account_key_id",
            r"""private_key_id\\*[\"']\s*:\s*\\*[\"'](?P<s>[0-9a-f]{40})""" + END_ALNUM,
            anchors=("private_key_id",),
            at_anchor=True,
            priority=CONTEXTUAL,
        ),
    ),
)
