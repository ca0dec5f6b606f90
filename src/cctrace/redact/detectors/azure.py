"""Detector: Azure: storage account keys, shared access keys, SAS signatures, Entra client
secrets.

One `Pattern` per token format; anchors are the lowercase literals the prefilter looks for.
"""

from __future__ import annotations

from cctrace.redact.detectors.base import (
    END_ALNUM,
    END_B64,
    Detector,
    Pattern,
)

DETECTOR = Detector(
    name="azure",
    description=(
        "Azure: storage account keys, shared access keys, SAS signatures, Entra client secrets."
    ),
    patterns=(
        Pattern(
            "azure_storage_account_key",
            r"AccountKey=(?P<s>[A-Za-z0-9+/]{86}==)" + END_B64,
            anchors=("accountkey=",),
            at_anchor=True,
        ),
        Pattern(
            "azure_shared_access_key",
            r"SharedAccessKey=(?P<s>[A-Za-z0-9+/]{42,43}=)" + END_B64,
            anchors=("sharedaccesskey=",),
            at_anchor=True,
        ),
        Pattern(
            "azure_sas_signature",
            r"(?<=[?&;])sig=(?P<s>[A-Za-z0-9%+/]{30,}(?:%3[Dd]|=){0,2})" + END_ALNUM,
            anchors=("sig=",),
            at_anchor=True,
        ),
        Pattern(
            "azure_client_secret",
            # The body runs to its end: a longer run of the secret's own alphabet
            # (`...0ndXO0,4~q8Q~<32>~yk0,` inside a signature) is some other string;
            # a sentence's full stop after it is not part of it.
            r"[A-Za-z0-9_~.]{3}\dQ~[A-Za-z0-9_~.\-]{31,34}(?![A-Za-z0-9_~\-]|\.[A-Za-z0-9_~\-])",
            anchors=("q~",),
            boundary=True,
        ),
    ),
)
