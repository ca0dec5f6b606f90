"""Detector: secrets given as a URL path segment after a segment that names them.

REST APIs and webhooks carry keys in the path: `/v1/api-key/<key>/status`, `/token/<t>`,
`/secret/<s>/rotate`. The naming segment (a secret word, maybe with a service before it:
`service-token`, `apiKey`) is the anchor; the next segment is redacted when it reads as drawn
(`looks_random` on its %-decoded form, which a UUID, a resource id in a path, fails).
A word after a secret word (`/secrets/api-key/versions/latest`) is a name, not a value.
"""

from __future__ import annotations

import re

from cctrace.redact.detectors.base import CONTEXTUAL, Detector, Pattern
from cctrace.redact.randomness import looks_random
from cctrace.redact.stoplist import is_placeholder, unescape

# Singular words only: after a plural (`/keys/`, `/tokens/`, `/secrets/`) a REST path names
# one item of a collection, by an id, not by its value.
_WORDS = ("token", "key", "apikey", "secret", "password", "passwd", "credential")
_PART_START = frozenset(("/", "-", "_", "."))
# The naming segment: from the `/` before it to the word, only name characters between.
_SEGMENT_START = re.compile(r"/[A-Za-z0-9_.\-]{0,40}$")


def _ok(match: re.Match[str]) -> bool:
    start, text = match.start(), match.string
    if not _SEGMENT_START.search(text, max(0, start - 41), start):
        return False
    # The word starts its segment or a part of it (`service-token`, `apiKey`), not the
    # middle of another word (`/monkey/`).
    before = text[start - 1]
    if before not in _PART_START and not (before.islower() and text[start].isupper()):
        return False
    value = unescape(match.group("s"))
    return looks_random(value, 16) and not is_placeholder(value)


DETECTOR = Detector(
    name="url_path",
    description="Secrets in a URL path segment after one naming them (`/api-key/<key>/`).",
    patterns=(
        Pattern(
            "url_path_secret",
            r"(?:" + "|".join(_WORDS) + r")/(?P<s>[A-Za-z0-9_\-.~%]{16,1024})"
            r"(?=[/?#\s\"'<>)]|$)",
            anchors=tuple(w + "/" for w in _WORDS),
            at_anchor=True,
            check=_ok,
            priority=CONTEXTUAL,
        ),
    ),
)
