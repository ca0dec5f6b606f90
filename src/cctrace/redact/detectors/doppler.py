"""Detector: Doppler tokens (personal, service, CLI, SCIM, audit).

One `Pattern` per token format; anchors are the lowercase literals the prefilter looks for.
"""

from __future__ import annotations

from cctrace.redact.detectors.base import (
    END_ALNUM,
    Detector,
    Pattern,
)

DETECTOR = Detector(
    name="doppler",
    description=("Doppler tokens (personal, service, CLI, SCIM, audit)."),
    patterns=(
        Pattern(
            "doppler_token",
            # A service token may carry its config's slug: `dp.st.<config>.<token>`.
            r"dp\.(?:pt|st|sa|ct|scim|audit)\.(?:[a-z0-9_\-]{1,40}\.)?[A-Za-z0-9_\-]{40,}"
            + END_ALNUM,
            anchors=("dp.pt.", "dp.st.", "dp.sa.", "dp.ct.", "dp.scim.", "dp.audit."),
        ),
    ),
)
