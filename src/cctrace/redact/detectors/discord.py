"""Detector: Discord bot tokens (in a Discord/`Bot` context) and webhook URLs.

One `Pattern` per token format; anchors are the lowercase literals the prefilter looks for.
"""

from __future__ import annotations

from cctrace.redact.detectors.base import (
    END_ALNUM,
    Detector,
    Pattern,
)

DETECTOR = Detector(
    name="discord",
    description=("Discord bot tokens (in a Discord/`Bot` context) and webhook URLs."),
    patterns=(
        Pattern(
            "discord_bot_token",
            r"[MNO][A-Za-z0-9_\-]{23,25}\.[A-Za-z0-9_\-]{6}\.[A-Za-z0-9_\-]{27,38}" + END_ALNUM,
            anchors=("discord", "bot "),
            boundary=True,
        ),
        Pattern(
            "discord_bot_token",
            # The quote may be JSON-escaped (`client.run(\"...\")` in a tool result).
            r"(?:\.run|\.login|\.start|token|client|bot)\w*\(\s*\\{0,3}[\"'`]"
            r"(?P<s>[MNO][A-Za-z0-9_\-]{23,25}\.[A-Za-z0-9_\-]{6}\.[A-Za-z0-9_\-]{27,38})"
            + END_ALNUM,
            anchors=(".run(", ".login(", ".start(", "token(", "client(", "bot("),
            at_anchor=True,
        ),
        Pattern(
            "discord_webhook",
            r"/api/webhooks/[0-9]{17,20}/(?P<s>[A-Za-z0-9_\-]{60,70})" + END_ALNUM,
            anchors=("/api/webhooks/",),
            at_anchor=True,
        ),
    ),
)
