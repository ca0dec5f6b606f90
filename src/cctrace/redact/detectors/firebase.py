"""Detector: Firebase Cloud Messaging legacy server keys.

`AAAA<7 url-safe>:APA91b<~134 url-safe>`: the `:APA91b` literal in the middle is the anchor
(the key is found wherever it sits, without a name beside it).
"""

from __future__ import annotations

from cctrace.redact.detectors.base import END_WORD, Detector, Pattern

DETECTOR = Detector(
    name="firebase",
    description="Firebase Cloud Messaging legacy server keys (`AAAA...:APA91b...`).",
    patterns=(
        Pattern(
            "firebase_fcm_server_key",
            r"(?<![A-Za-z0-9_\-])AAAA[A-Za-z0-9_\-]{7}:APA91b[A-Za-z0-9_\-]{100,200}" + END_WORD,
            anchors=(":apa91b",),
        ),
    ),
)
