"""Detector: passwords embedded in URLs (`scheme://user:password@host`).

Covers database and broker connection URLs too (`postgres://`, `mongodb+srv://`,
`redis://:pw@`, `amqp://`). Only the password is redacted, so the URL stays readable;
placeholders (`$PASSWORD`, `<password>`, `***`) are left alone. A token given as the whole
user part (`https://<token>@github.com/org/repo.git`, how git remotes carry access tokens)
is redacted when it reads as drawn, not typed: user names stay.
"""

from __future__ import annotations

from cctrace.redact.detectors.base import STRUCTURAL, Detector, Pattern
from cctrace.redact.randomness import looks_random
from cctrace.redact.stoplist import is_placeholder, unescape


def _password_ok(value: str) -> bool:
    # 1-3 characters (`https://a:b@`, `abc:xyz@`, `abc:123@` in docs of URL parsing) is
    # a documentation stub: no service or database accepts a password that short.
    return len(value) >= 4 and not is_placeholder(value)  # `pass`: a placeholder word


def _user_token_ok(value: str) -> bool:
    """A user part that is a drawn token (URL-decoded first: `%2F` is a token's `/`). Hex
    counts too: a git SHA never stands before `@` in a URL, a 40-hex access token does."""
    return looks_random(unescape(value), 16) and not is_placeholder(value)




# A password character. People paste passwords unencoded, and the URL's parsers read them so:
# a `#` before the `@` (`postgres://app:Dye#13@db`) and an `@` before another `@` (the
# last `@` ends the user part, WHATWG and libpq alike) are the password's. A `?` is not:
# an address in the query (`?to=a@b.io`) would join the password to the host.
_PASSWORD = r"(?:[^\s:@/?\"'<>\\\[\]]|@(?=[^\s:@/?\"'<>\\\[\]]*@))"


DETECTOR = Detector(
    name="url_credentials",
    description="Passwords in URLs and connection URLs (scheme://user:password@host).",
    patterns=(
        Pattern(
            "url_password",
            r"://(?P<u>[^\s:@/?#\"'<>\\\[\]]{0,128}):(?P<s>" + _PASSWORD + r"{1,4096})"
            r"@(?=[A-Za-z0-9_.\-\[])",
            anchors=("://",),
            at_anchor=True,
            validate=_password_ok,
            priority=STRUCTURAL,
        ),
        Pattern(
            "url_password",
            # the host after `@` must be a host name (a dot in it) or an IPv6 literal
            r"://(?P<s>[^\s:@/?#\"'<>\\\[\]]{16,4096})@(?=[A-Za-z0-9_\-]+\.[A-Za-z0-9]|\[)",
            anchors=("://",),
            at_anchor=True,
            validate=_user_token_ok,
            priority=STRUCTURAL,
        ),
    ),
)
