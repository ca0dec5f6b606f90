"""Detector: HTTP `Authorization` headers and bare `Bearer`/`Basic` credentials.

Catches `Authorization: Bearer x`, `-H "Authorization: token x"`, JSON header maps and
`Basic` credentials (checked to decode to `user:password`).
"""

from __future__ import annotations

import base64
import binascii
import re

from cctrace.redact.detectors.base import STRUCTURAL, Detector, Pattern, shannon_entropy
from cctrace.redact.stoplist import is_placeholder, looks_like_code


def _token_ok(value: str) -> bool:
    return not is_placeholder(value) and shannon_entropy(value) >= 3.0


def _header_ok(match: re.Match[str]) -> bool:
    """Without an auth scheme word, `authorization = headers.get(...)` is code, not data."""
    return match.group("scheme") is not None or not looks_like_code(match.group("s"))


def _basic_ok(value: str) -> bool:
    # Padding is re-derived from the length: a value written with one `=` too many
    # (`dXNlcjpwYXM==`) is still the same credential.
    body = value.rstrip("=")
    try:
        raw = base64.b64decode(body + "=" * (-len(body) % 4), validate=True)
        text = raw.decode("utf-8")
    except (ValueError, binascii.Error, UnicodeDecodeError):
        return False
    return ":" in text and text.isprintable()


DETECTOR = Detector(
    name="auth_header",
    description="Authorization headers, Bearer tokens and Basic credentials.",
    patterns=(
        Pattern(
            "authorization_header",
            r"(?:proxy-)?authorization\\{0,3}[\"']?\s*[:=]\s*\\{0,3}[\"']?\s*"
            r"(?:(?P<scheme>bearer|basic|token|bot|apikey|api-key|sso-key|key|ssws"
            r"|[A-Za-z][A-Za-z0-9_\-]{1,24})\s+)?"
            r"(?P<s>[A-Za-z0-9._~+/=:\-]{8,4096})",
            anchors=("authorization",),
            at_anchor=True,
            validate=_token_ok,
            check=_header_ok,
            priority=STRUCTURAL - 5,
        ),
        Pattern(
            "bearer_token",
            r"bearer\s+(?P<s>[A-Za-z0-9._~+/\-]{16,4096}=*)",
            anchors=("bearer ",),
            at_anchor=True,
            validate=_token_ok,
            priority=STRUCTURAL - 5,
        ),
        Pattern(
            "basic_auth",
            r"basic\s+(?P<s>[A-Za-z0-9+/]{8,1024}={0,2})(?![A-Za-z0-9+/=])",
            anchors=("basic ",),
            at_anchor=True,
            validate=_basic_ok,
            priority=STRUCTURAL,
        ),
    ),
)
