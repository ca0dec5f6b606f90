"""Detector: Slack bot/user/app/config/refresh tokens and incoming-webhook URLs.

One `Pattern` per token format; anchors are the lowercase literals the prefilter looks for.
"""

# ruff: noqa: E501 - regexes read better unbroken
from __future__ import annotations

from cctrace.redact.detectors.base import (
    END_ALNUM,
    END_B64,
    Detector,
    Pattern,
)

DETECTOR = Detector(
    name="slack",
    description=("Slack bot/user/app/config/refresh tokens and incoming-webhook URLs."),
    patterns=(
        Pattern(
            "slack_bot_token",
            r"xoxb-[0-9]{8,14}-[0-9A-Za-z\-]{8,}" + END_ALNUM,
            anchors=("xoxb-",),
        ),
        Pattern(
            "slack_user_token",
            r"xoxp-[0-9]{8,14}-[0-9A-Za-z\-]{8,}" + END_ALNUM,
            anchors=("xoxp-",),
        ),
        Pattern(
            "slack_legacy_token",
            r"xox[aors]-[0-9]{1,14}-[0-9A-Za-z\-]{8,}" + END_ALNUM,
            anchors=("xoxa-", "xoxo-", "xoxr-", "xoxs-"),
        ),
        Pattern(
            "slack_app_token",
            r"xapp-\d-[A-Z0-9]{6,}-\d{6,}-[a-z0-9]{32,}" + END_ALNUM,
            anchors=("xapp-",),
        ),
        Pattern(
            "slack_config_token",
            r"xoxe\.xox[bp]-\d-[A-Za-z0-9]{100,}" + END_ALNUM,
            anchors=("xoxe.xox",),
        ),
        Pattern(
            "slack_refresh_token",
            r"xoxe-\d-[A-Za-z0-9]{100,}" + END_ALNUM,
            anchors=("xoxe-",),
        ),
        Pattern(
            "slack_webhook",
            r"hooks\.slack\.com/(?:services|workflows|triggers)/(?P<s>[A-Za-z0-9+/_\-]{20,})"
            + END_B64,
            anchors=("hooks.slack.com/",),
            at_anchor=True,
        ),
    ),
)
