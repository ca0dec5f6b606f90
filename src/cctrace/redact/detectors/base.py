"""The shape every detector module shares: `Pattern`, `Detector` and small validators.

A detector module exposes one `DETECTOR`; each of its `Pattern`s names a secret type, a
regex (the secret is the group named `s`, else the whole match), the lowercase literal
anchors the engine's prefilter looks for before running the regex, and an optional
validator (checksum, entropy, stop-list) run on the candidate value. Everything here is pure.
"""

from __future__ import annotations

import base64
import binascii
import math
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

# Priorities: when candidates overlap, the merged span takes the best one's type.
CHECKSUM = 90
SPECIFIC = 70
CONTEXTUAL = 50
STRUCTURAL = 40
GENERIC = 20
PII = 10


@dataclass(frozen=True)
class Pattern:
    """One secret format.

    `anchors`: lowercase literals, one of which must occur in the lowercased text for the
    regex to run at all (empty: always run). With `at_anchor`, the regex is compiled
    case-insensitive and tried only where an anchor occurs (`regex.match` at that offset),
    which keeps keyword-led generic rules cheap on large text.
    `boundary`: the character before the match must not be alphanumeric (a JSON `\\n`
    escape counts as a boundary), checked in Python so the regex can start with its literal;
    not asked of an `expand` pattern, whose function judges the context itself.
    """

    type: str
    regex: str
    anchors: tuple[str, ...] = ()
    validate: Callable[[str], bool] | None = None
    priority: int = SPECIFIC
    at_anchor: bool = False
    boundary: bool = False
    flags: int = 0
    # Optional veto on the whole match (key names, quoting); `validate` sees the value only.
    check: Callable[[re.Match[str]], bool] | None = None
    # A match that stands for several values (a table's header naming a secret column):
    # the spans to redact, each already judged; `s`, `validate` and `check` are not used.
    expand: Callable[[re.Match[str]], list[tuple[int, int]]] | None = None


@dataclass(frozen=True)
class Detector:
    """A named group of patterns; `pii` detectors only run when PII redaction is on."""

    name: str
    patterns: tuple[Pattern, ...]
    pii: bool = False
    description: str = ""
    tags: tuple[str, ...] = field(default_factory=tuple)


# --- character classes shared by many formats -------------------------------------------
# Right boundaries: the token must not run on into more token characters.
END_ALNUM = r"(?![A-Za-z0-9])"
END_WORD = r"(?![A-Za-z0-9_-])"
END_B64 = r"(?![A-Za-z0-9+/=_-])"
# A line break, real or escaped in a JSON string once or more (`\n`, `\r\n`, `\\n`: a
# tool result holding JSON, inside a transcript line).
LINE_BREAK = r"(?:\r?\n|(?:\\+r)?\\+n)"

BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"


def line_start(text: str, at: int, window: int = 0) -> int | None:
    """Where the line holding offset `at` starts: after a newline or its JSON escape (`\\n`
    in a string holding a tool's output), looked for from `window` on; None when it starts
    out of sight (before a `window` above 0)."""
    esc = text.rfind("\\n", window, at)
    cut = max(text.rfind("\n", window, at) + 1, esc + 2 if esc >= 0 else 0)
    if cut > 0:
        return cut
    return 0 if window == 0 else None


def shannon_entropy(value: str) -> float:
    """Bits per character of `value` (0.0 for the empty string)."""
    if not value:
        return 0.0
    n = len(value)
    return -sum(c / n * math.log2(c / n) for c in Counter(value).values())


_ASCII_CLASSES = (
    re.compile(r"[a-z]"), re.compile(r"[A-Z]"), re.compile(r"[0-9]"),
    re.compile(r"[^A-Za-z0-9]"),
)


def char_classes(value: str) -> int:
    """How many of lower, upper, digit, other appear in `value`."""
    if value.isascii():
        # The same four questions answered by the regex engine: a value cut from a long
        # run (`token=token=...`) is read in C, not one Python step per character.
        return sum(rx.search(value) is not None for rx in _ASCII_CLASSES)
    return (
        any(c.islower() for c in value)
        + any(c.isupper() for c in value)
        + any(c.isdigit() for c in value)
        + any(not c.isalnum() for c in value)
    )


def base62_encode(number: int, width: int = 6) -> str:
    out = ""
    while number:
        number, rem = divmod(number, 62)
        out = BASE62[rem] + out
    return out.rjust(width, "0")


def crc32_base62_ok(token: str, prefix_len: int) -> bool:
    """GitHub/npm style: the last 6 chars are base62(CRC32(body between prefix and them))."""
    body, check = token[prefix_len:-6], token[-6:]
    return base62_encode(binascii.crc32(body.encode("ascii", "replace"))) == check


def luhn_ok(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = ord(ch) - 48
        if i % 2:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return total % 10 == 0


def entropy_at_least(bits: float, min_len: int = 0) -> Callable[[str], bool]:
    def check(value: str) -> bool:
        return len(value) >= min_len and shannon_entropy(value) >= bits

    return check


_HEX = re.compile(r"[0-9a-fA-F]+")


def not_all_hex_zero(value: str) -> bool:
    return bool(value.strip("0-_"))


def is_hex(value: str) -> bool:
    return _HEX.fullmatch(value) is not None


# Between a key that names a secret and its value: closing quote (maybe JSON-escaped),
# `=`, `:`, `:=`, `=>` or blanks, then an opening quote (maybe a bytes/raw prefix).
SEP = r"""(?:\\{0,3}["'])?\]?\s*(?:=>|:=|=|:|\s)\s*(?:[bru]{0,2}\\{0,3}["'`])?"""


def crc_ok(token: str) -> bool:
    """GitHub classic and npm tokens: 4-char prefix, 30 random chars, 6-char CRC32."""
    return crc32_base62_ok(token, 4)


def mixed_case_random(value: str) -> bool:
    """Random-looking letters: both cases and high entropy (rules out identifiers)."""
    return (
        any(c.isupper() for c in value)
        and any(c.islower() for c in value)
        and shannon_entropy(value) >= 3.5
    )


def random40(value: str) -> bool:
    return shannon_entropy(value) >= 4.0 and char_classes(value) >= 3


def random_hex(value: str) -> bool:
    digits = value[2:] if value[:2].upper() in ("SK", "AC") else value.rsplit("-", 1)[-1]
    return shannon_entropy(digits) >= 3.0


def random_hex_prefix(value: str) -> bool:
    """`<prefix><hex>` or `<hex>-<suffix>`: the 32 hex digits must look random."""
    m = re.search(r"[0-9a-f]{32}", value)
    return m is not None and shannon_entropy(m.group()) >= 3.0


def random_lower(value: str) -> bool:
    return shannon_entropy(value) >= 3.5 and any(c.isdigit() for c in value)


def not_example_aws(value: str) -> bool:
    """AWS documents `...EXAMPLE` ids; those are not secrets."""
    return not value.endswith("EXAMPLE") and shannon_entropy(value[4:]) >= 3.0


def macaroon_ok(token: str) -> bool:
    """PyPI tokens are `pypi-` + base64url(macaroon v2): check the binary framing."""
    body = token[5:]
    try:
        data = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
    except (ValueError, binascii.Error):
        return False
    if data[:3] != b"\x02\x01\x08" and data[:3] != b"\x02\x01\x0d":
        return False
    loc_end = 3 + data[2]
    return len(data) > loc_end + 36 and data[loc_end] == 0x02 and data[-34:-32] == b"\x06\x20"
