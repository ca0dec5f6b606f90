"""Detector: JSON Web Tokens (JWS compact form), checked by decoding the header.

The header must decode to a JSON object naming `alg` or `typ`, so dotted base64-ish runs
that merely start with `eyJ` are not taken.
"""

from __future__ import annotations

import base64
import binascii
import json

from cctrace.redact.detectors.base import END_ALNUM, STRUCTURAL, Detector, Pattern


def jwt_ok(token: str) -> bool:
    head = token.split(".", 1)[0]
    try:
        obj = json.loads(base64.urlsafe_b64decode(head + "=" * (-len(head) % 4)))
    except (ValueError, binascii.Error, UnicodeDecodeError):
        return False
    return isinstance(obj, dict) and ("alg" in obj or "typ" in obj)


DETECTOR = Detector(
    name="jwt",
    description="JSON Web Tokens (header.payload.signature, base64url).",
    patterns=(
        Pattern(
            "jwt",
            r"eyJ[A-Za-z0-9_\-]{8,}\.ey[A-Za-z0-9_\-]{8,}\.[A-Za-z0-9_\-]*" + END_ALNUM,
            anchors=("eyj",),
            validate=jwt_ok,
            priority=STRUCTURAL,
        ),
    ),
)
