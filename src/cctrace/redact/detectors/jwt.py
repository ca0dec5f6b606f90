"""Detector: JSON Web Tokens (JWS compact form), checked by decoding the header.

The header must decode to a JSON object naming `alg` or `typ`, so dotted base64-ish runs
that merely start with `eyJ` are not taken.
"""

from __future__ import annotations

import base64
import binascii
import json
import re

from cctrace.redact.detectors.base import END_ALNUM, STRUCTURAL, Detector, Pattern


def _json_part(part: str) -> object:
    try:
        return json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))
    except (ValueError, binascii.Error, UnicodeDecodeError):
        return None


def jwt_ok(token: str) -> bool:
    """The header names `alg`/`typ`, or (a header mangled in transit) the payload is a
    JSON object and a signature follows: three dot-separated base64url parts."""
    parts = token.split(".")
    head = _json_part(parts[0])
    if isinstance(head, dict) and ("alg" in head or "typ" in head):
        return True
    return len(parts) >= 3 and len(parts[2]) >= 16 and isinstance(_json_part(parts[1]), dict)


def b64_jwt_ok(value: str) -> bool:
    """base64 of a JWT (`ZXlK` = base64 of `eyJ`): it must decode to one."""
    try:
        raw = base64.b64decode(value + "=" * (-len(value) % 4)).decode("ascii")
    except (ValueError, binascii.Error, UnicodeDecodeError):
        return False
    m = re.match(r"eyJ[A-Za-z0-9_\-]+\.[A-Za-z0-9_\-]+\.?[A-Za-z0-9_\-]*", raw)
    return m is not None and jwt_ok(m.group())


DETECTOR = Detector(
    name="jwt",
    description="JSON Web Tokens (header.payload.signature, base64url; also base64-wrapped).",
    patterns=(
        Pattern(
            "jwt",
            r"eyJ[A-Za-z0-9_\-]{8,}\.ey[A-Za-z0-9_\-]{8,}\.[A-Za-z0-9_\-]*" + END_ALNUM,
            anchors=("eyj",),
            validate=jwt_ok,
            priority=STRUCTURAL,
        ),
        Pattern(
            "jwt",
            r"ZXlK[A-Za-z0-9+/]{40,}={0,2}(?![A-Za-z0-9+/=])",
            anchors=("zxlk",),
            boundary=True,
            validate=b64_jwt_ok,
            priority=STRUCTURAL,
        ),
    ),
)
