"""Detector: a drawn key as a segment of a URL's path, with nothing naming it.

Webhooks and ingest endpoints carry their key in the path (`POST https://ingest.example.com/
api/<key>/events`), and a log line prints the URL whole. Only a URL being called counts
(`_CALL`: a method or an HTTP client on its line); a link names a document by an id. No
word names the segment (that is `url_path`'s case), so the segment itself must read as
drawn: 20+ characters once %-decoded, not a file name (`bundle.3f9a8b.js`),
`randomness.looks_random`, and not a look-alike a reader needs (`lone.lone_value`: git
SHAs, UUIDs, digests, SRI `sha512-` strings, base64 of text). Lower-case hex is a key only
where no file name follows it in the path: content-addressed stores (`/packages/ab/cd/<60
hex>/name.whl`, `/objects/<hex>/file`) put a file after the hash.
"""

from __future__ import annotations

import re

from cctrace.redact.detectors.base import GENERIC, Detector, Pattern
from cctrace.redact.lone import lone_value
from cctrace.redact.randomness import is_digest, looks_random
from cctrace.redact.stoplist import unescape

MIN_LEN = 20
# A path segment that can be a key: token characters, %-escapes, `.`-joined parts (a
# Discord token), but not a file name (`_FILE`).
_SEGMENT = re.compile(r"[A-Za-z0-9_\-~%:+=.]{20,1024}")
_HEX = re.compile(r"[0-9a-f]+")
# A URL being called, not linked: a request line or log (`POST https://...`, `> GET`), a
# client (`curl`, `wget`, httpie, `fetch(`, `requests.get(`, `urlopen(`, `Invoke-WebRequest`).
# A key in the path of a called URL authenticates the call; a link in prose or a config
# (a shared document, a workflow, a page) names a resource by an id.
_CALL = re.compile(
    r"\b(?:GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS)\b|\b(?:curl|wget|https?|xh)\s"
    r"|\b(?:fetch|urlopen|request|get|post|put|patch|delete)\(|Invoke-(?:WebRequest|RestMethod)")
# Ids made of UUIDs (`<uuid>_<uuid>`, `job-<uuid>`): a resource's name, not a key.
_UUID_IN = re.compile(r"[0-9a-fA-F]{8}-(?:[0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}")
_FILE = re.compile(r"[^/]*\.[A-Za-z0-9]{1,8}$")


def _called(match: re.Match[str]) -> bool:
    """Whether the URL is being called on its line: an HTTP method or a client before it."""
    text, start = match.string, match.start()
    line = text[max(text.rfind("\n", 0, start) + 1, start - 200):start]
    return _CALL.search(line) is not None


def _keys(match: re.Match[str]) -> list[tuple[int, int]]:
    """The spans of the path's segments that read as drawn keys, in a URL being called."""
    if not _called(match):
        return []
    path, base = match.group("path"), match.start("path")
    parts = path.split("/")
    out, at = [], base
    for i, seg in enumerate(parts):
        if _SEGMENT.fullmatch(seg) and _drawn(seg, parts[i + 1:]):
            out.append((at, at + len(seg)))
        at += len(seg) + 1
    return out


def _drawn(seg: str, rest: list[str]) -> bool:
    value = unescape(seg)
    if is_digest(value) or _FILE.match(value) or _UUID_IN.search(value):
        return False  # a SHA, UUIDs (unnamed, hex of those lengths is a digest); a file
    if _HEX.fullmatch(value) and any(_FILE.match(p) for p in rest if p):
        return False  # a content hash with its file after it
    # `lone_value`: no digest, SRI string, placeholder, base64 of text; then drawn.
    return looks_random(value, MIN_LEN) and lone_value(value, False, "")


DETECTOR = Detector(
    name="url_segment",
    description="Drawn keys as URL path segments with no name (`/api/<key>/events`).",
    patterns=(
        Pattern(
            "url_path_key",
            r"(?:https?|wss?)://[A-Za-z0-9.\-]{1,253}(?::\d{1,5})?(?P<path>/[^\s?#\"'<>()\[\]{}\\|^`]{20,4096})",
            # Not `://`: other detectors' gated anchor, whose gate every text is scanned
            # with; a scheme of its own stays a plain literal of the prefilter.
            anchors=("http://", "https://", "ws://", "wss://"),
            at_anchor=True,
            priority=GENERIC,
            expand=_keys,
        ),
    ),
)
