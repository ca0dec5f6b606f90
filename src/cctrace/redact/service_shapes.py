"""Per-service key shapes: what a key of a named service can look like, and the matcher.

A service's name beside a value, or a slot named after a service (`iconfinder = '...'`,
`infuraKey := "..."`), is the only thing that says the value is that service's key; a value
of the wrong length or alphabet for that service cannot authenticate to it and leaks
nothing of it. This module owns the table (`cctrace/data/service_shapes.txt`, our own form,
one line per service, transcribed from public scanners' documented key formats and parsed
here) and answers one question: does this value fit one of this service's shapes? The answer
is `None` (no opinion) for a service the table does not know, or knows only loosely: any
value, a compound credential (an id and a secret beside each other, so a value may be either
part), or a format only a live call can check. Standard library only; the table is read and
compiled once, on first use.

Shape grammar (one or more alternatives joined by ` | `): `[prefix:<lit>] <class> [<length>]
[suffix:<lit>]`, classes `hex HEX xhex digits lower lalnum ualnum alnum word url b64 uuid jwt
set:<chars>`, length `N`, `N-M` or `N+` (required except for `uuid` and `jwt`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

# Character classes of the grammar, as regex classes. Lower-case `hex` is what scanners
# match (`[a-f0-9]`); mixed-case hex is `xhex`.
CLASSES: dict[str, str] = {
    "hex": "0-9a-f",
    "HEX": "0-9A-F",
    "xhex": "0-9a-fA-F",
    "digits": "0-9",
    "lower": "a-z",
    "lalnum": "a-z0-9",
    "ualnum": "A-Z0-9",
    "alnum": "A-Za-z0-9",
    "word": "A-Za-z0-9_",
    "url": "A-Za-z0-9_\\-",
    "b64": "A-Za-z0-9+/=",
}
# Whole-value classes: their structure is fixed, a length is optional (a bound on the
# whole value when given).
_UUID = "[0-9A-Za-z]{8}-[0-9A-Za-z]{4}-[0-9A-Za-z]{4}-[0-9A-Za-z]{4}-[0-9A-Za-z]{12}"
_JWT = "[A-Za-z0-9_\\-]+\\.[A-Za-z0-9_\\-]+\\.[A-Za-z0-9_\\-]*"
# Notes that make a row too loose to judge a value by (see the module docstring).
UNSURE_FLAGS = ("compound", "verify-only")
_LENGTH = re.compile(r"(\d+)(?:-(\d+)|(\+))?")
_NAME = re.compile(r"[a-z0-9]+")
MAX_LEN = 4096


class ShapeError(ValueError):
    """A shape or table row that does not follow the grammar; the message says where."""


@dataclass(frozen=True)
class ServiceShape:
    """One service's row: its shape alternatives (canonical text), the compiled matcher,
    and why it is unsure (empty when the shapes decide)."""

    name: str
    shape: str
    regex: re.Pattern[str] | None
    unsure: str

    @property
    def sure(self) -> bool:
        return self.regex is not None and not self.unsure


def _set_class(chars: str) -> str:
    """`A-Za-z0-9%` -> a regex class body: `X-Y` between two letters or two digits is a
    range, every other character (a `-` at either end included) is itself."""
    out: list[str] = []
    i = 0
    while i < len(chars):
        a = chars[i]
        if i + 2 < len(chars) and chars[i + 1] == "-" and _range_ok(a, chars[i + 2]):
            out.append(f"{a}-{chars[i + 2]}")
            i += 3
            continue
        out.append(re.escape(a))
        i += 1
    return "".join(out)


def _range_ok(a: str, b: str) -> bool:
    same = (a.isdigit() and b.isdigit()) or (a.islower() and b.islower()) or (
        a.isupper() and b.isupper())
    return a.isascii() and b.isascii() and same and a <= b


def _length(text: str) -> str:
    m = _LENGTH.fullmatch(text)
    if m is None:
        raise ShapeError(f"bad length {text!r} (want N, N-M or N+)")
    low = int(m.group(1))
    if m.group(3):
        high = ""
    elif m.group(2):
        high = m.group(2)
        if int(high) < low:
            raise ShapeError(f"bad length {text!r}: {high} < {low}")
    else:
        high = str(low)
    if low == 0 or (high and int(high) > MAX_LEN):
        raise ShapeError(f"bad length {text!r}: must be 1..{MAX_LEN}")
    return f"{{{low},{high}}}" if high != str(low) else f"{{{low}}}"


def alternative_regex(alt: str) -> str:
    """One alternative (`prefix:aio_ alnum 28`) as a regex for `fullmatch`."""
    words = alt.split()
    prefix = suffix = ""
    if words and words[0].startswith("prefix:"):
        prefix = words.pop(0)[len("prefix:"):]
        if not prefix:
            raise ShapeError(f"{alt!r}: empty prefix")
    if words and words[-1].startswith("suffix:"):
        suffix = words.pop()[len("suffix:"):]
        if not suffix:
            raise ShapeError(f"{alt!r}: empty suffix")
    if not words or len(words) > 2:
        raise ShapeError(f"{alt!r}: want [prefix:X] CLASS [LENGTH] [suffix:X]")
    cls = words[0]
    try:
        length = _length(words[1]) if len(words) == 2 else ""
    except ShapeError as exc:
        raise ShapeError(f"{alt!r}: {exc}") from None
    if cls in ("uuid", "jwt"):
        body = _UUID if cls == "uuid" else _JWT
        if length:
            body = f"(?=[^\\s]{length}$){body}"
    elif cls in CLASSES or cls.startswith("set:"):
        chars = CLASSES.get(cls) or _set_class(cls[len("set:"):])
        if not chars:
            raise ShapeError(f"{alt!r}: empty set")
        if not length:
            raise ShapeError(f"{alt!r}: class {cls} needs a length")
        body = f"[{chars}]{length}"
    else:
        raise ShapeError(f"{alt!r}: unknown class {cls!r}")
    return re.escape(prefix) + body + re.escape(suffix)


def compile_shape(shape: str) -> re.Pattern[str] | None:
    """A row's shape (alternatives joined by ` | `) compiled; `None` for `any`/`unknown`."""
    shape = shape.strip()
    if shape in ("any", "unknown"):
        return None
    if not shape:
        raise ShapeError("empty shape")
    alts = [a.strip() for a in shape.split(" | ")]
    return re.compile("|".join(f"(?:{alternative_regex(a)})" for a in alts))


def parse_row(line: str) -> ServiceShape:
    """`name<TAB>shape<TAB>flags` (our table's line) -> a ServiceShape, or ShapeError."""
    cols = line.rstrip("\n").split("\t")
    if len(cols) not in (2, 3):
        raise ShapeError(f"want 2 or 3 tab-separated columns, got {len(cols)}")
    name, shape = cols[0], cols[1]
    flags = cols[2].split(",") if len(cols) == 3 and cols[2] else []
    if not _NAME.fullmatch(name):
        raise ShapeError(f"bad service name {name!r}")
    bad = [f for f in flags if f not in (*UNSURE_FLAGS, "checksum")]
    if bad:
        raise ShapeError(f"{name}: unknown flag {bad[0]!r}")
    regex = compile_shape(shape)
    unsure = ",".join(f for f in flags if f in UNSURE_FLAGS)
    return ServiceShape(name, shape, regex, unsure if regex is not None else "any")


def parse_table(text: str) -> dict[str, ServiceShape]:
    """The whole table; a bad row raises ShapeError naming its line number."""
    table: dict[str, ServiceShape] = {}
    for no, line in enumerate(text.splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        try:
            row = parse_row(line)
        except ShapeError as exc:
            raise ShapeError(f"line {no}: {exc}") from None
        if row.name in table:
            raise ShapeError(f"line {no}: {row.name} listed twice")
        table[row.name] = row
    return table


@lru_cache(maxsize=1)
def table() -> dict[str, ServiceShape]:
    """The shipped table, parsed once."""
    text = resources.files("cctrace").joinpath("data/service_shapes.txt").read_text("utf-8")
    return parse_table(text)


def fits(service: str, value: str) -> bool | None:
    """Whether `value` can be a key of `service`: True or False when the table is sure of
    the service's shapes, None when it has no opinion. The shape must be the whole value
    (its prefix and suffix included); a trailing `=` padding is tried both ways."""
    row = table().get(service)
    if row is None or not row.sure:
        return None
    assert row.regex is not None
    return row.regex.fullmatch(value) is not None or (
        value.endswith("=") and row.regex.fullmatch(value.rstrip("=")) is not None)


# What may follow a service's name glued to it and still name that service's key
# (`betterstackToken`, `iexcloudkey`); any other lower-case tail is another name
# (`mailjetsms`, `lessannoyingcrm`) whose keys the table does not describe.
_KEY_WORDS = ("key", "token", "apikey", "apitoken", "api", "secret", "pat")


def named_service(word: str) -> str | None:
    """The table's service a word starting with a service's name names (`BetterStackToken`
    -> `betterstack`), or None: not in the table, or glued to another lower-case word."""
    low = word.lower()
    names = table()
    for end in range(min(len(low), 40), 1, -1):
        if low[:end] in names:
            rest = word[end:]
            if not rest or rest.lower() in _KEY_WORDS or (
                rest[0].isupper() and word[end - 1].islower()
            ):
                return low[:end]
            return None
    return None

