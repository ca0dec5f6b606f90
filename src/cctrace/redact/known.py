"""Known secrets: exact values harvested at run time, matched literally in several encodings.

Sources: environment variables whose names look secret (`*_KEY`, `*_TOKEN`, `*_SECRET`,
`*PASSWORD*`, `*_PAT`, `*CREDENTIAL*`...), the project's `.env*` files, and cctrace's own
keys from `Config`. Short or low-entropy values are ignored (they would match everywhere).
Each value is also matched URL-encoded, JSON-escaped and base64-encoded (at any byte
alignment, so `base64("user:" + value)` is caught). Values live in memory only: they are
never stored, logged or shown.
"""

from __future__ import annotations

import base64
import json
import os
import re
from collections.abc import Iterable, Iterator, Mapping
from itertools import chain, islice
from urllib.parse import quote, quote_plus

from cctrace.redact.detectors.base import char_classes, shannon_entropy
from cctrace.redact.randomness import looks_like_identifier
from cctrace.redact.stoplist import is_placeholder

MIN_LEN = 8

SECRET_NAME = re.compile(
    r"(?i)(?:^|_)(?:KEY|KEYS|TOKEN|TOKENS|SECRET|SECRETS|PAT|PASS|PASSWD|PASSWORD|PWD"
    r"|PASSPHRASE|CREDENTIAL|CREDENTIALS|CREDS|AUTH|APIKEY|DSN|COOKIE|SESSION|SIG"
    r"|SIGNATURE|PRIVATE)(?:_|$)|PASSWORD|SECRET|TOKEN|CREDENTIAL|APIKEY"
)
# Names that match the shape but hold no secret.
NOT_SECRET_NAMES = frozenset(
    {"PWD", "OLDPWD", "SSH_AUTH_SOCK", "GPG_AGENT_INFO", "XAUTHORITY", "KEYTIMEOUT",
     "HISTCONTROL", "TOKENIZERS_PARALLELISM", "PASSWORD_STORE_DIR"}
)
_NOT_SECRET_SUFFIX = re.compile(r"(?i)_(?:FILE|PATH|DIR|URL_TEMPLATE|ID|NAME|TYPE|HOST|PORT)$")
_DOTENV_SKIP = re.compile(r"(?i)\.(?:example|sample|template|dist|defaults?)$")


def usable(value: str) -> bool:
    """Long and random enough to match literally without hitting ordinary text."""
    v = value.strip()
    if len(v) < MIN_LEN or is_placeholder(v) or os.path.isabs(v):
        return False
    return shannon_entropy(v) >= 2.8 or (char_classes(v) >= 3 and len(v) >= 10)


def secret_name(name: str) -> bool:
    return (
        name.upper() not in NOT_SECRET_NAMES
        and not _NOT_SECRET_SUFFIX.search(name)
        and SECRET_NAME.search(name) is not None
    )


def from_env(env: Mapping[str, str]) -> list[str]:
    return [v.strip() for k, v in env.items() if secret_name(k) and usable(v)]


_DOTENV_KEY = re.compile(r"[ \t]*(?:export[ \t]+)?([A-Za-z_][A-Za-z0-9_.\-]*)[ \t]*[=:][ \t]*")
_DQ_ESCAPES = {"n": "\n", "r": "\r", "t": "\t", '"': '"', "\\": "\\", "$": "$", "'": "'"}


def parse_dotenv(text: str) -> list[tuple[str, str]]:
    """(key, value) pairs of a `.env` file, parsed the way dotenv libraries do: `export`
    prefixes, blanks around `=`, single quotes literal, double quotes with `\\n \\t \\" \\\\`
    escapes, both able to span lines, and unquoted values ending at a ` #` comment."""
    out: list[tuple[str, str]] = []
    pos, n = 0, len(text)
    while pos < n:
        end = text.find("\n", pos)
        end = n if end < 0 else end
        m = _DOTENV_KEY.match(text, pos, end)
        if m is None or text[pos:end].lstrip().startswith("#"):
            pos = end + 1
            continue
        key, i = m.group(1), m.end()
        quote = text[i : i + 1]
        if quote in ("'", '"'):
            value, j = _quoted(text, i + 1, quote)
            if j < 0:  # unterminated: take the rest of the line as it is
                value, j = text[i + 1 : end], end
            pos = text.find("\n", j)
            pos = n if pos < 0 else pos + 1
        else:
            raw = text[i:end]
            cut = re.search(r"[ \t]#", raw)
            value = (raw[: cut.start()] if cut else raw).strip()
            pos = end + 1
        out.append((key, value))
    return out


def _quoted(text: str, i: int, quote: str) -> tuple[str, int]:
    """The value of a quoted string starting after its opening quote, and the offset just
    past its closing quote (-1: none)."""
    if quote == "'":
        j = text.find("'", i)
        return (text[i:j], j + 1) if j >= 0 else ("", -1)
    parts: list[str] = []
    while i < len(text):
        c = text[i]
        if c == "\\" and i + 1 < len(text):
            nxt = text[i + 1]
            parts.append(_DQ_ESCAPES.get(nxt, "\\" + nxt))
            i += 2
        elif c == '"':
            return "".join(parts), i + 1
        else:
            parts.append(c)
            i += 1
    return "", -1


def from_dotenv_text(text: str) -> list[str]:
    """Values of a `.env` file: secret-named keys, plus any long high-entropy value."""
    out = []
    for key, value in parse_dotenv(text):
        value = value.strip()
        if not usable(value):
            continue
        if secret_name(key) or (len(value) >= 16 and shannon_entropy(value) >= 3.5):
            out.append(value)
            # A multi-line value (a PEM key in double quotes) is also known line by line.
            out.extend(line.strip() for line in value.splitlines()[1:-1]
                       if usable(line.strip()) and len(line.strip()) >= 16)
    return out


# A line number Claude Code's Read puts before each line (`     1→`, 2.1.x's `1\t`).
_LINE_NUMBER = re.compile(r"(?m)^[ \t]*\d{1,9}(?:→|\t)")
# A token that may be a value on its own: no blanks, quotes or assignment punctuation.
_TOKEN = re.compile(r"[^\s\"'`=:,;()\[\]{}<>|]{16,512}")
# Values learned from one withheld text, at most.
WITHHELD_VALUES = 256


def from_withheld_text(text: str) -> list[str]:
    """Values worth sweeping from a file's content the capture policy withheld (the model
    saw it and may repeat it): what `from_dotenv_text` takes of its `NAME=value` lines,
    then any long high-entropy token that is no identifier (a key, a password, a random
    id; not `consectetur_adipiscing_elit`, `ami-0abc...`); at most `WITHHELD_VALUES`,
    ordinary words and short values never."""
    plain = _LINE_NUMBER.sub("", text)
    tokens = (t for t in _TOKEN.findall(plain) if usable(t) and shannon_entropy(t) >= 3.5
              and not looks_like_identifier(t))
    return list(islice(_unique(chain(from_dotenv_text(plain), tokens)), WITHHELD_VALUES))


def _unique(values: Iterable[str]) -> Iterator[str]:
    seen: set[str] = set()
    for value in values:
        if value not in seen:
            seen.add(value)
            yield value


def from_dotenv_files(cwd: str) -> list[str]:
    """Every `.env` / `.env.*` / `.envrc` file directly in `cwd` (examples and templates
    skipped). direnv's `.envrc` is a shell script, but the secrets in it are `export
    NAME=value` lines, which the dotenv parser reads; its other lines have no `=` key."""
    out: list[str] = []
    try:
        names = os.listdir(cwd)
    except OSError:
        return out
    for name in sorted(names):
        if name not in (".env", ".envrc") and not name.startswith(".env.") \
                or _DOTENV_SKIP.search(name):
            continue
        path = os.path.join(cwd, name)
        try:
            if not os.path.isfile(path) or os.path.getsize(path) > 1_000_000:
                continue
            with open(path, encoding="utf-8", errors="replace") as fh:
                out.extend(from_dotenv_text(fh.read()))
        except OSError:
            continue
    return out


def from_config(config: object) -> list[str]:
    """cctrace's own credentials: Langfuse keys and OTLP header values."""
    values: list[str] = []
    for attr in ("langfuse_secret_key", "langfuse_public_key"):
        v = getattr(config, attr, None)
        if isinstance(v, str):
            values.append(v)
    headers = getattr(config, "otlp_headers", None) or {}
    for v in headers.values():
        if isinstance(v, str):
            values.append(v)
            values.extend(v.split()[1:2])  # "Basic xxx" / "Bearer xxx": the credential too
    return [v.strip() for v in values if usable(v)]


def _b64_aligned(raw: bytes) -> Iterable[str]:
    """base64 of `raw` placed at each of the 3 byte offsets, minus edge characters that
    depend on the unknown neighbouring bytes; each must occur in any base64 text holding
    `raw`."""
    for shift in range(3):
        enc = base64.b64encode(b"\0" * shift + raw).decode("ascii")
        first = -(-shift * 8 // 6)  # first char whose bits all come from raw
        last = (shift + len(raw)) * 8 // 6  # chars fully inside raw end here
        core = enc[first:last]
        if len(core) >= MIN_LEN:
            yield core
            yield core.replace("+", "-").replace("/", "_")


def encodings(value: str) -> set[str]:
    """The literal forms under which `value` may appear in text."""
    forms = {value, quote(value, safe=""), quote_plus(value), quote(value)}
    esc = json.dumps(value)[1:-1]
    forms.update({esc, json.dumps(esc)[1:-1], json.dumps(value, ensure_ascii=False)[1:-1]})
    raw = value.encode("utf-8")
    b64 = base64.b64encode(raw).decode("ascii")
    forms.update({b64, b64.rstrip("="), base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")})
    forms.update(_b64_aligned(raw))
    return {f for f in forms if len(f) >= MIN_LEN}


def literals(values: Iterable[str]) -> list[str]:
    """All encoded forms of all values, longest first, without duplicates."""
    out: set[str] = set()
    for v in values:
        if usable(v):
            out |= encodings(v)
    return sorted(out, key=lambda s: (-len(s), s))
