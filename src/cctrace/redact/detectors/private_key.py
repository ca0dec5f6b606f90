"""Detector: private key blocks (PEM, OpenSSH, PGP, PuTTY), redacted whole and multi-line.

The body may hold real newlines or JSON `\\n` escapes (a key inside a JSON string, even
JSON inside JSON); a block whose END line is missing (truncated output) is redacted up to
the end of its base64 body.
"""

from __future__ import annotations

import re

from cctrace.redact.detectors.base import SPECIFIC, Detector, Pattern

_BODY = (
    r"(?:[\s\S]{0,40000}?-----END[ A-Z0-9]*PRIVATE KEY(?: BLOCK)?-----"
    r"|[A-Za-z0-9+/=\s\\:,.\-]{0,40000})"
)
# The smallest key a block holds (an Ed25519 or P-256 key) is 100+ base64 characters; a
# block with less between its lines (`\nanything\n`, nothing) is a documentation stub.
_ARMOUR = re.compile(r"-----[A-Z0-9 ]+-----|\\[nr]|^[A-Za-z-]+: .*$", re.MULTILINE)
_B64 = re.compile(r"[A-Za-z0-9+/]")
MIN_BODY = 40


def has_key_material(block: str) -> bool:
    """At least `MIN_BODY` base64 characters outside the armour and header lines."""
    return len(_B64.findall(_ARMOUR.sub("", block))) >= MIN_BODY


DETECTOR = Detector(
    name="private_key",
    description="Private key blocks: PEM (RSA, EC, DSA, PKCS#8, encrypted), OpenSSH, PGP, PuTTY.",
    patterns=(
        Pattern(
            "ssh_private_key",
            r"-----BEGIN OPENSSH PRIVATE KEY-----" + _BODY,
            anchors=("-----begin openssh private key-----",),
            priority=SPECIFIC + 5,
            validate=has_key_material,
        ),
        Pattern(
            "pgp_private_key",
            r"-----BEGIN PGP PRIVATE KEY BLOCK-----" + _BODY,
            anchors=("-----begin pgp private key block-----",),
            priority=SPECIFIC + 5,
            validate=has_key_material,
        ),
        Pattern(
            "private_key",
            r"-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY-----" + _BODY,
            anchors=("private key-----",),
            validate=has_key_material,
        ),
        Pattern(
            "putty_private_key",
            r"PuTTY-User-Key-File-\d: [\s\S]{0,400}?Private-Lines: \d+[\s\S]{0,20000}?"
            r"Private-MAC: [0-9a-f]+",
            anchors=("putty-user-key-file-",),
        ),
    ),
)
