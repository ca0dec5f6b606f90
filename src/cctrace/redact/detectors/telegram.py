"""Detector: Telegram bot tokens (`<bot id>:AA...`).

One `Pattern` per token format; anchors are the lowercase literals the prefilter looks for.
"""

from __future__ import annotations

from cctrace.redact.detectors.base import (
    END_ALNUM,
    Detector,
    Pattern,
)

DETECTOR = Detector(
    name="telegram",
    description=("Telegram bot tokens (`<bot id>:AA...`)."),
    patterns=(
        Pattern(
            "telegram_bot_token",
            r"[0-9]{8,10}:AA[0-9A-Za-z_\-]{33}" + END_ALNUM,
            anchors=(":aa",),
            boundary=True,
        ),
        Pattern(
            "telegram_bot_token",
            r"/bot(?P<s>[0-9]{6,12}:[A-Za-z0-9_\-]{30,40})" + END_ALNUM,
            anchors=("/bot",),
            at_anchor=True,
        ),
        Pattern(
            "telegram_bot_token",
            r"telegram[^\n]{0,40}?(?<![0-9])(?P<s>[0-9]{6,12}:[A-Za-z0-9_\-]{30,40})"
            + END_ALNUM,
            anchors=("telegram",),
            at_anchor=True,
        ),
    ),
)
