"""Detector: private key blocks (PEM, OpenSSH, PGP, PuTTY), redacted whole and multi-line.

The body may hold real newlines or JSON `\\n` escapes (a key inside a JSON string, even
JSON inside JSON); a block whose END line is missing (truncated output) is redacted up to
the end of its base64 body. Body lines printed without their armour (`sed -n '2,9p'
key.pem`, a key's base64 pasted alone) are taken when they decode to a private key's DER
start: a SEQUENCE opening with the version INTEGER 0 or 1 (PKCS#1 RSA and DSA, PKCS#8,
SEC1 EC). Certificates, public keys and CSRs open with a nested SEQUENCE or a long
INTEGER and stay.
"""

from __future__ import annotations

import base64
import binascii
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


# What follows the version INTEGER in each private key structure: PKCS#1's modulus and
# DSA's p (INTEGER), PKCS#8's AlgorithmIdentifier (SEQUENCE), SEC1's key (OCTET STRING).
_AFTER_VERSION = {0: (0x02, 0x30), 1: (0x04, 0x30)}
# The DER starts the anchors stand for: `MII` (a two-byte length: RSA, DSA), `MIG` (a
# one-byte long form: P-256's PKCS#8 `MIGH`, P-384's `MIGk` / `MIG2`), and the short
# forms of SEC1 P-256 and secp256k1 (`MHcC`, `MHQC`), Ed25519 / X25519 (`MC4C`, with its
# public key `MFEC`) and Ed448 (`MEcC`) keys.
# (Searched for, not tried at each anchor: an anchor-led pattern is case-insensitive, and
# base64 is not; `MIG` is narrowed to P-256's PKCS#8 and P-384's two forms, as `mig` is in
# every text about migrations.)
_DER_ANCHORS = ("mii", "migh", "migk", "mig2", "mhcc", "mhqc", "mc4c", "mfec", "mecc")


def der_private_key(body: str) -> bool:
    """The base64 decodes to a SEQUENCE whose first element is the version INTEGER 0 or 1
    followed by the element each private key format puts next (`_AFTER_VERSION`)."""
    # The pattern's first line holds 40+ base64 characters: 16 are 12 bytes, enough.
    try:
        der = base64.b64decode(body[:16], validate=True)
    except (ValueError, binascii.Error):
        return False
    if len(der) < 8 or der[0] != 0x30:
        return False
    i = 2 + (der[1] - 0x80 if der[1] > 0x80 else 0)
    if der[1] == 0x80 or i > 5 or der[i:i + 2] != b"\x02\x01" or der[i + 2] not in _AFTER_VERSION:
        return False
    return der[i + 3] in _AFTER_VERSION[der[i + 2]]


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
            "private_key",
            r"(?:(?<=\\[nr])|(?<![A-Za-z0-9+/=\\-]))M[A-Za-z0-9+/]{39,75}"
            r"(?:(?:\r?\n|(?:\\{1,3}r)?\\{1,3}n)[ \t]*[A-Za-z0-9+/]{4,76}={0,2}){0,400}",
            anchors=_DER_ANCHORS,
            validate=der_private_key,
        ),
        Pattern(
            "putty_private_key",
            r"PuTTY-User-Key-File-\d: [\s\S]{0,400}?Private-Lines: \d+[\s\S]{0,20000}?"
            r"Private-MAC: [0-9a-f]+",
            anchors=("putty-user-key-file-",),
        ),
    ),
)
