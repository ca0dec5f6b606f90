"""Detector: OAuth authorization codes in callback URLs and token requests.

An authorization server sends the user back to `https://app/callback?code=<code>&state=...`;
until it is exchanged (minutes, once) the code buys an access token, and a browser's
address bar, a dev server's request log or a `curl` of the token endpoint
(`grant_type=authorization_code&code=...&redirect_uri=...`) shows it. `code` names too
many things to take alone (`?code=DE`, `error_code=`), so the parameter must be one of a
query, fragment or form (after `?`, `#`, `&`, `&amp;`, `\\u0026`, or first in a quoted
form body: `-d 'code=...'`), its value 10+
characters of 6+ kinds once %-decoded, and the same URL or body must say OAuth: a `state=`,
`redirect_uri=`, `grant_type=`, `code_verifier=` or `session_state=` parameter, or a path
naming a callback, redirect or authorization.
"""

from __future__ import annotations

import re

from cctrace.redact.detectors.base import CONTEXTUAL, Detector, Pattern
from cctrace.redact.stoplist import is_placeholder, unescape

_VALUE = r"[A-Za-z0-9%_~.+/=\-*!]"
# After a query's, fragment's or form's separator, or opening a quoted form body (`curl -d
# 'code=...&redirect_uri=...'`, `--data "code=..."`).
_AFTER = re.compile(r"(?:[?&#]|&amp;|\\u0026|(?:^|[ \t=])\\{0,3}[\"'])\Z")
# How far the URL or body around the code is read for its OAuth words, each way.
_REACH = 2048
# Where a URL or form body ends: a blank, a quote, an angle bracket (searched for back from
# the code in C, one `rfind` each, so a long line costs a bounded look per hit).
_URL_ENDS = " \t\r\n\"'<>`"
_URL_END = re.compile("[" + re.escape(_URL_ENDS) + "]")
_OAUTH = re.compile(
    r"(?i)(?:[?&#;]|&amp;|\\u0026)(?:state|redirect_uri|grant_type|code_verifier"
    r"|session_state)=|callback|redirect|oauth|authori[sz]e|/cb\b|/auth\b")


def _url_around(text: str, start: int, end: int) -> str:
    """The run of URL characters holding `start`..`end` (at most `_REACH` each way)."""
    lo = max(0, start - _REACH)
    first = max([text.rfind(c, lo, start) + 1 for c in _URL_ENDS] + [lo])
    after = _URL_END.search(text, end, min(len(text), end + _REACH))
    return text[first:after.start() if after else min(len(text), end + _REACH)]


def _ok(match: re.Match[str]) -> bool:
    text, start = match.string, match.start()
    if _AFTER.search(text, max(0, start - 6), start) is None:
        return False
    plain = unescape(match.group("s"))
    if len(plain) < 10 or len(set(plain)) < 6 or is_placeholder(plain):
        return False
    return _OAUTH.search(_url_around(text, start, match.end())) is not None


DETECTOR = Detector(
    name="oauth_code",
    description="OAuth authorization codes in callback URLs and token requests.",
    patterns=(
        Pattern(
            "oauth_code",
            r"code=(?P<s>" + _VALUE + r"{10,2048})(?!" + _VALUE + ")",
            anchors=("code=",),
            at_anchor=True,
            check=_ok,
            priority=CONTEXTUAL,
        ),
    ),
)
