"""Detector: Microsoft Teams incoming-webhook URLs (whoever has one can post to the channel).

`https://<tenant>.webhook.office.com/webhookb2/<group>@<tenant>/IncomingWebhook/<id>/<key>`
and the older `outlook.office.com/webhook/...` form: everything after `webhookb2/` or
`webhook/` is the credential.
"""

from __future__ import annotations

from cctrace.redact.detectors.base import Detector, Pattern

DETECTOR = Detector(
    name="msteams",
    description="Microsoft Teams incoming-webhook URLs.",
    patterns=(
        Pattern(
            "msteams_webhook",
            r"\.office\.com/webhook(?:b2)?/(?P<s>[A-Za-z0-9@\-]{20,}"
            r"/IncomingWebhook/[A-Za-z0-9]{16,}/[A-Za-z0-9\-]{16,}(?:/[A-Za-z0-9_\-]+)?)",
            anchors=(".office.com/webhook",),
            at_anchor=True,
        ),
    ),
)
