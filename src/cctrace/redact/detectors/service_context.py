"""Detector: a random-looking token near the name of a service that issues keys.

`cloudsmith: "6fd00a2c..."`, `<id>{agora 3devtbiys8b...}</id>`, `apiMetrics := "5po8T..."`,
`getBetterStackToken() string { return "ntJD0E..." }`: no secret-named key, but the name of
a service whose keys scanners know (`redact.services`, several hundred) and, within the
same line after it, a token of 16+ characters that reads as drawn, not typed
(`redact.randomness`). A telemetry redactor prefers redacting a harmless random string next
to `stripe` to leaking a key; digests that travel with names all the time stay: git SHAs,
sha256 digests, UUIDs (`randomness.is_digest`). When `redact.service_shapes` knows the
shapes of the named service's keys (length, alphabet, prefix), the token must fit one of
them: `infura = '<31 characters>'` is not an Infura key, and only the name said it was.
"""

from __future__ import annotations

import re

from cctrace.redact.detectors.base import GENERIC, Detector, Pattern
from cctrace.redact.randomness import (
    TOKEN_FOREIGN,
    constant_name,
    has_sequence,
    is_digest,
    keyboard_run,
    looks_random,
    token_shaped,
)
from cctrace.redact.service_shapes import fits, named_service
from cctrace.redact.services import SERVICES
from cctrace.redact.stoplist import is_placeholder

# How far after the name the token may start (same line).
WINDOW = 80
# The longest word read as the name (the anchor and the letters and digits glued after it).
NAME_MAX = 64
_TOKEN_CHARS = r"A-Za-z0-9_\-+/="
# A name used as the key: `<name>[_suffix]: "`, `<name>_KEY=`, `"<name>": "`.
_ASSIGNED = re.compile(r"[\w.\-]*[\"']?[ \t]*(?::=|=>|[:=])[ \t]*[\"'`]?$")
_TOKEN = (
    r"(?<![A-Za-z0-9_\-+=.@])"  # a path segment may start one: `/keys/<token>`
    # Length first: at most 16 steps where no token starts (every word of a sentence in
    # the window), before the lookaheads that scan a run more than once.
    rf"(?=[A-Za-z0-9][{_TOKEN_CHARS}]{{15}})"
    # (each scan bounded by the token's own length: a long run of token characters costs
    # a bounded look at each place tried, not the rest of the run)
    rf"(?P<s>(?=[{_TOKEN_CHARS}]{{0,255}}[0-9]"
    rf"|[{_TOKEN_CHARS}]{{0,255}}[a-z][{_TOKEN_CHARS}]{{0,255}}[A-Z])"
    rf"(?=[{_TOKEN_CHARS}]{{0,255}}[A-Za-z])"
    rf"[A-Za-z0-9][{_TOKEN_CHARS}]{{15,255}})(?![{_TOKEN_CHARS}@]|\.[A-Za-z0-9])"
)

# A name that starts with another (`newrelicbrowser`, `newrelic`) is covered by the shorter
# one: the match takes the whole word from the anchor on. Prefix-free anchors also let the
# engine try the pattern once per hit without de-duplication.
_ANCHORS = tuple(sorted(n for n in SERVICES
                        if not any(n != m and n.startswith(m) for m in SERVICES)))


def _ok(match: re.Match[str]) -> bool:
    text, start = match.string, match.start()
    # The name must not be the tail of a longer word (`ambee` in `gambee`), unless at a
    # camelCase boundary (`getBetterStackToken`).
    if start > 0 and text[start - 1].isalpha() and not (
        text[start].isupper() and text[start - 1].islower()
    ):
        return False
    if not _whole_token(match):
        return False
    value = match.group("s").rstrip("=")
    # `cloudsmith: "<40 hex>"`: the service's name is the key the value is given to, so
    # a digest-shaped value is the key itself.
    assigned = _ASSIGNED.match(text, match.end("n"), match.start("s")) is not None
    if ((is_digest(value) and not assigned) or is_placeholder(value) or has_sequence(value)
            or keyboard_run(value) or constant_name(value)):
        return False
    if not looks_random(value, 16):
        return False
    # Only the name vouches for the value: when the table knows the shapes of that
    # service's keys, a value of another length or alphabet cannot authenticate to it.
    service = named_service(match.group("n"))
    return service is None or _fits(service, match)


_VALUE_END = frozenset(" \t\r\n\"'`")


def _fits(service: str, match: re.Match[str]) -> bool:
    """The token fits one of the service's shapes; or one segment of it does, when it is
    a path (`keys/pri_0998...`); or the whole value it is a piece of does, when the
    service's keys hold characters no token pattern takes (`4nXYKv]mHDeom...`)."""
    token = match.group("s")
    if fits(service, token) is not False:
        return True
    if "/" in token and any(fits(service, seg) for seg in token.split("/") if seg):
        return True
    text, start, end = match.string, match.start("s"), match.end("s")
    while start > 0 and text[start - 1] not in _VALUE_END:
        start -= 1
    while end < len(text) and text[end] not in _VALUE_END:
        end += 1
    whole = text[start:end]
    return whole != token and fits(service, whole) is True


# A line break, tab or closing quote escaped once or more (JSON inside a JSON string).
_ESCAPED_END = re.compile(r"\\{1,4}[nrt\"]")


def _whole_token(match: re.Match[str]) -> bool:
    """The token is the whole value next to the name, in an alphabet keys are issued in:
    not a piece of a longer string cut at a character no token holds (`?`, `%`, `!`, a
    `[` or `(` right after it), nor hex of an odd length. Only the name
    vouches for this value, so its shape must; a password-named key does not go through
    here (`detectors.generic_assignment` takes any value there)."""
    text, start, end = match.string, match.start("s"), match.end("s")
    before = text[start - 1] if start else " "
    after = text[end] if end < len(text) else " "
    # A JSON string's escaped line break or closing quote ends the line, not the token.
    escaped_end = _ESCAPED_END.match(text, end) is not None
    # A path (`$api_version/groups/<token>`): the character before is the first segment's,
    # and the last segment may end at the query string (`/keys/<token>?v=2`).
    path = "/" in match.group("s") or before == "/"
    if before in TOKEN_FOREIGN and not path:
        return False
    if ((after in TOKEN_FOREIGN or after in "([{") and not escaped_end
            and not (path and after == "?")):
        return False
    return token_shaped(match.group("s"))


DETECTOR = Detector(
    name="service_context",
    description="Random-looking tokens on the line after a key-issuing service's name.",
    patterns=(
        Pattern(
            "service_token",
            # The name's word, taken whole and never given back (a lookahead's capture,
            # then matched again: an atomic group): a word of one service name repeated
            # glued would otherwise be retried at every length, at every hit (quadratic).
            rf"(?=(?P<n>[A-Za-z0-9]{{1,{NAME_MAX}}}))(?P=n)[^\r\n]{{0,{WINDOW}}}?" + _TOKEN,
            anchors=_ANCHORS,
            at_anchor=True,
            check=_ok,
            priority=GENERIC,
        ),
    ),
)
