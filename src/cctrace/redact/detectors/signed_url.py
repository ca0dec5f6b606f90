"""Detector: the signature and session token of a signed (pre-signed) URL.

An S3 or GCS pre-signed URL, a CloudFront or OSS signed URL grants whoever holds it the
object until it expires (up to seven days), with no other credential: its signature
(`X-Amz-Signature=<64 hex>`, `X-Goog-Signature=<hex>`, `Signature=...`) and a temporary
session token riding along (`X-Amz-Security-Token=...`) are the secret parts; the key id,
dates and scope around them are not. The parameter must be one of a query (after `?`,
`&`, `&amp;` or Go's `\\u0026`), its value 16+ characters once %-decoded; a hex signature
is taken although it is shaped like a digest, because the parameter's name says what it
is. Azure's `sig=` is `detectors/azure.py`'s (a more specific type); placeholders stay.
"""

from __future__ import annotations

import re

from cctrace.redact.detectors.base import CONTEXTUAL, Detector, Pattern
from cctrace.redact.stoplist import is_placeholder, unescape

_NAMES = ("x-amz-signature", "x-amz-security-token", "x-goog-signature", "x-oss-signature",
          "signature", "sig")
# After the query's `?` or `&` (also `&amp;` in HTML and `\u0026` in Go's JSON).
_AFTER_QUERY = re.compile(r"(?:[?&]|&amp;|\\u0026)\Z")


def _ok(match: re.Match[str]) -> bool:
    text, start = match.string, match.start()
    if _AFTER_QUERY.search(text, max(0, start - 6), start) is None:
        return False
    value = match.group("s")
    plain = unescape(value)
    return len(plain) >= 16 and len(set(plain)) >= 6 and not is_placeholder(plain)


DETECTOR = Detector(
    name="signed_url",
    description="Signatures and session tokens of pre-signed URLs (S3, GCS, CloudFront, OSS).",
    patterns=(
        Pattern(
            "url_signature",
            r"(?:x-(?:amz|goog|oss)-signature|x-amz-security-token|signature|sig)="
            r"(?P<s>[A-Za-z0-9%_~.+/=\-]{16,4096})(?![A-Za-z0-9%_~.+/=\-])",
            anchors=tuple(f"{n}=" for n in _NAMES),
            at_anchor=True,
            check=_ok,
            priority=CONTEXTUAL,
        ),
    ),
)
