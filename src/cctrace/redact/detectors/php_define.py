"""Detector: keys and salts defined as PHP constants (`define('AUTH_KEY', '...')`).

`wp-config.php` holds eight of them (`AUTH_KEY`, `SECURE_AUTH_SALT`, `NONCE_KEY`, ...),
each 64 characters drawn from letters, digits and nearly every ASCII symbol (`|`, `#`, `~`,
`$`, `[`...), which the token-slot gate of the generic rule rejects as "not an issued
token" and which no rule took at all under a `_SALT` name; other PHP applications keep
their keys the same way. A constant whose name ends in `KEY` or `SALT` and whose quoted
value has no blank and is drawn (40+ characters of all four classes at high entropy, or
16+ that `looks_random`) is taken; WordPress's sample `'put your unique phrase here'`, a
cache key's name (`'user_cache_v2'`), references and placeholders stay.
"""

from __future__ import annotations

import re

from cctrace.redact.detectors.base import (
    STRUCTURAL,
    Detector,
    Pattern,
    char_classes,
    shannon_entropy,
)
from cctrace.redact.randomness import looks_random
from cctrace.redact.stoplist import is_placeholder


def _ok(match: re.Match[str]) -> bool:
    value = match.group("s")
    if char_classes(value) < 3:
        return False
    # A salt drawn from every printable class holds `{...}` or `%s`-like runs by chance,
    # which read as format fields; 40+ characters of all four classes at high entropy
    # are a drawn value, not a template.
    if len(value) >= 40 and char_classes(value) == 4 and shannon_entropy(value) >= 4.5:
        return True
    # Shorter or plainer: only a drawn-looking value (`define('CACHE_KEY', 'user_cache_v2')`
    # names a slot, it is no key).
    return looks_random(value, 16) and not is_placeholder(value)


DETECTOR = Detector(
    name="php_define",
    description="Keys and salts of PHP `define()` constants (wp-config.php).",
    patterns=(
        Pattern(
            "php_secret_constant",
            # Quotes may be JSON-escaped (`\\"`); a value ends at its own quote.
            r"define[ \t]*\([ \t]*(?P<q1>\\{0,3}['\"])[A-Za-z0-9_]*(?:KEY|SALT)(?P=q1)[ \t]*,"
            r"[ \t]*(?P<q>\\{0,3}['\"])(?P<s>(?:(?!(?P=q))(?:\\[^\s]|[^\s\\])){16,512})"
            r"(?P=q)[ \t]*\)",
            anchors=("define(", "define (", "define\t("),
            at_anchor=True,
            boundary=True,
            check=_ok,
            priority=STRUCTURAL,
        ),
    ),
)
