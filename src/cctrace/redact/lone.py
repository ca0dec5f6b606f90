"""Values with little or no context: whether a value that only its surroundings call a
secret (a table column named `password`, a file named `db-password.txt`, a sentence about
`API_KEY`) is one, and which surroundings name a secret at all.

No key sits right before such a value, so the usual gates (`stoplist`, `randomness`) are
asked with the strictest reading of the value (unquoted, not an env-style line): a bare
word, code, a path, a placeholder or a reference stays. On top of that the look-alikes a
reader of a trace needs stay whole: git SHAs, UUIDs, content digests and SRI integrity
strings, dates, version numbers. A value the context calls a password is kept to those
rules only (people choose passwords); one it calls a token, key or secret must also read as
drawn or mix three character classes. Pure functions.
"""

from __future__ import annotations

import re

from cctrace.redact.detectors.base import char_classes
from cctrace.redact.randomness import is_digest, looks_random
from cctrace.redact.stoplist import password_value
from cctrace.redact.views import decode_text

# Base64 this long that decodes to printable text is an encoded document, not a key (a
# random key decodes to binary; a shorter run decodes to text by chance).
TEXT_B64 = 16
# Public strings that read as random or as typed data: SRI integrity (`sha512-<b64>`),
# dates and times, version numbers, plain numbers with separators (amounts, ids, sizes),
# relative file paths (`config/prod.yaml`: a value moved to a file, not the value).
_PUBLIC = re.compile(
    r"(?i)(?:sha(?:1|256|384|512)|md5)[-:]"
    r"|\d{4}-\d{2}-\d{2}(?:[T ][\d:.]+Z?)?$"
    r"|v?\d+(?:\.\d+){1,3}(?:[-+][\w.]+)?$"
    r"|[\d.,:/ _-]+$"
    r"|[\w.\-]*/[\w./\-]*\.[a-z]{1,5}$"
)
# "Password" in the languages a table header or a label is written in, where the word is
# no other one (`parola` is also "word", `clave` "key", `passe` "pass" in French).
_OTHER_PASSWORDS = frozenset({"passwort", "kennwort", "wachtwoord", "contraseña", "contrasena",
                              "senha", "hasło", "haslo", "lösenord", "salasana", "adgangskode"})
# Words that name a secret inside a name (`DB_PASSWORD`, `api-key`, `signingKey`,
# `secrets/pg-password.txt`, `GITHUB_PAT`, `TS_AUTHKEY`): a secret word not running on
# into another lower-case word (`keyboard`, `tokenizer`, `passport`, `path`), nor after one
# (`monkey`, `bypass`, `hotkey`, `compat`) unless glued to a known qualifier (`apikey`,
# `privkey`, `authkey`) or joined by `_-./ ` or case.
_SECRET_NAME = re.compile(
    r"(?:^|(?<=[^a-z])|(?<=api)|(?<=priv)|(?<=access)|(?<=secret)|(?<=master)|(?<=sign)"
    r"|(?<=auth)(?=key))"
    r"(?P<w>password|passwd|passphrase|pwd|pass|secret|token|credentials|credential|creds|key"
    r"|auth|pat|" + "|".join(sorted(_OTHER_PASSWORDS)) + r")(?![a-z])"
)
# What a SHA-length hex string is called when it is public.
_HEX_KEY = re.compile(r"[0-9a-f]{40}|[0-9a-f]{64}")
_HEX_DIGITS = re.compile(r"[0-9a-fA-F]+")
_DIGEST_WORDS = re.compile(
    r"(?i)commit|\bsha|\brev|hash|digest|checksum|\bref\b|\bhead\b|merge|tag|\bpin")
_PASSWORD_WORDS = frozenset({"password", "passwd", "passphrase", "pwd", "pass"}) | _OTHER_PASSWORDS
# Lower-case boundaries at case changes: `signingKey` -> `signing_key`, and after an
# acronym: `SMTPPassword` -> `SMTP_Password`.
_HUMP = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")
# A file extension, or the encoding a value was stored in (`API_KEY_B64`, `keyBase64`).
_EXTENSION = re.compile(r"(?:\.[a-z0-9]{1,5})+$|[_\-]?(?:base64|b64)$")
# What may surround a name in a header or a sentence: blanks, markdown emphasis, quotes.
_EDGES = " \t_-.:*`'\""


def secret_word(name: str) -> str:
    """The secret word `name` holds as a word of its own (`password`, `token`, `key`...),
    or "" (`keyboard`, `monkey`, `tokens_used` hold none: a plural counts things)."""
    m = _SECRET_NAME.search(_HUMP.sub("_", name).lower())
    return m.group("w") if m else ""


def names_secret(name: str) -> str:
    """The secret word a name ends with (`DB_PASSWORD`, `db password`, `master-key.txt`,
    `signingKey`: a file extension does not count), or "": a name going on past its secret
    word names something about the secret (`password_policy.md`, `token expiry`)."""
    low = _HUMP.sub("_", name.strip(_EDGES)).lower()
    low = _EXTENSION.sub("", low)
    ends = [m for m in _SECRET_NAME.finditer(low) if m.end() == len(low)]
    return ends[0].group("w") if ends else ""


def is_password_word(word: str) -> bool:
    """Whether a secret word from `secret_word` names a password (chosen, not drawn)."""
    return word in _PASSWORD_WORDS


# `primary key`, `sort key`, `public key`, `cache key`: a key that is no secret. At most
# 11 letters and 4 blanks: `_PUBLIC_BEFORE` characters before `key` hold any match.
_PUBLIC_KEY = re.compile(
    r"(?i)(?:primary|foreign|sort|partition|composite|unique|public|publishable|cache|hash"
    r"|idempotency|lookup|dict|map|row|index|any)[ \t]{1,4}$")
_PUBLIC_BEFORE = 16


def public_key_before(text: str, start: int) -> bool:
    """The word before the `key` at `start` makes it a key that is no secret."""
    return _PUBLIC_KEY.search(text, max(0, start - _PUBLIC_BEFORE), start) is not None


def lone_value(value: str, password: bool, context: str) -> bool:
    """Whether `value`, called a secret only by its surroundings, is one: a password (when
    `password`) or a drawn token, never a look-alike a trace needs. `context` is the text
    that called it a secret (a header, a sentence, a command): 40 or 64 hex digits there
    are a key unless it speaks of commits or digests (then a git SHA or a checksum).
    Lengths (6-512) and placeholders are `stoplist.password_value`'s, asked below."""
    if is_digest(value) and not (_HEX_KEY.fullmatch(value) and not _DIGEST_WORDS.search(context)):
        return False
    if _PUBLIC.match(value) or not password_value(value, False, False):
        return False
    if len(value) >= TEXT_B64 and decode_text(value) is not None:
        return False  # base64 of ordinary text: a banner, a JSON document
    # Hex of 16+ with letters and digits: keys are issued so (a 64-bit session secret); a
    # name rarely is (`deadbeef` words have no digits).
    return (password or looks_random(value, 12) or char_classes(value) >= 3
            or (len(value) >= 16 and _HEX_DIGITS.fullmatch(value) is not None
                and not value.isalpha()))  # (all digits is `_PUBLIC`'s)
