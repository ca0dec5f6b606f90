"""Secret-named keys: which names call the value given to them a secret, and how strongly.

A key holds a secret word (password, secret, token, api key, key, auth, credential...) that
does not run on into another word (`tokenizer`, `monkey`, `passive`), is not qualified as
public or structural (`public_key`, `cache_key`, `tokenHash`) nor by a non-secret suffix
(`password_file`, `token_type`), and is not part of a scoped name or an ARN. `KEY` is the
regex part every keyed pattern starts with (`KEYWORDS` its anchors), `key_ok` the check of
its match, and the slot functions say what the key asks of its value: a password takes
whatever was typed, a token slot an issued token's shape, a weak key (`key`, `auth`) a
random-looking value. Used by `detectors/generic_assignment.py` and the detectors that
share its keys.
"""

from __future__ import annotations

import re

from cctrace.redact.randomness import mostly_words, reads_as_words, token_value
from cctrace.redact.stoplist import name_not_secret
from cctrace.redact.views import wrapped_at

# Prefix-free (`pass` covers password/passwd/passphrase, `auth` covers auth_key), so each
# offset triggers each pattern once and the patterns share one gate (engine plan). Every
# spelling `KW` takes has its own anchor: found only at its `key` anchor, `signingKey`
# would be a bare (weak) key that asks for 16 random characters.
KEYWORDS = (
    "pass", "pwd", "secret", "token", "api_key", "apikey", "api-key", "access_key",
    "accesskey", "access-key", "private_key", "privatekey", "private-key", "credential",
    "signing", "encryption_key", "encryptionkey", "encryption-key", "master_key",
    "masterkey", "master-key", "hmac", "salt", "key", "auth",
)
KW = (
    r"(?P<kw>password|passwd|passphrase|pwd|secret|token|api[_\-]?key|access[_\-]?key"
    r"|private[_\-]?key|auth[_\-]?key|credential|signing[_\-]?key|encryption[_\-]?key"
    r"|master[_\-]?key|signing|hmac|salt|key|pass|auth)"
)
# Keywords that alone say little: the value must look random. A signing secret, an HMAC
# key and a salt go by the bare word (`STRIPE_WEBHOOK_SIGNING`, `WEBHOOK_HMAC`,
# `PASSWORD_SALT`): drawn values, while the same words name settings that are no secret
# (`SIGNING_ALGORITHM=RS256`, `SALT_ROUNDS=12`, `HMAC_ALGO=sha256`).
_WEAK_WORDS = ("signing", "hmac", "salt")
WEAK = frozenset({"key", "auth", *_WEAK_WORDS})
# What may follow a key in any of the patterns below: punctuation (a quote, `=`, `:`, `>`,
# `,`), or a word then `=` (a type: `xToken string =`, Visual Basic's `password As String =`;
# a tag attribute: `<token type="`), or Python's `else` of a conditional falling back to a
# value (`token if token else "..."`). A word glued to an unquoted value is neither
# (`--secret id=npmrc,src=...`, a BuildKit mount's spec).
# Part of the shared leading part too: `token` in a sentence fails here, once, after
# looking at one word, instead of in each pattern.
_FOLLOW = (r"(?=[ \t]*[^\sA-Za-z0-9]|\t|  "
           r"|[ \t]+(?:as[ \t]+)?[A-Za-z_][\w.<>\[\]:\-]{0,30}(?:[ \t]+:?=|:?=\\{0,3}[\"']|:=)"
           r"|[ \t]+(?:is[ \t]+not[ \t]+none[ \t]+)?else[ \t]"
           r"| [A-Za-z0-9][A-Za-z0-9_\-+/=]{15})")
# A plural keyword names a count or a collection (`input_tokens`, `max_tokens`, `keys`),
# never one secret: refused in the shared leading part, so the engine's gate drops it
# with one match (usage records repeat `*_tokens` thousands of times per transcript).
# `credentials` ending the name is the exception: one login's secret goes by it (`credentials =
# "<40 hex>"`, a Kubernetes secret's `credentials:` key, `CREDENTIALS=` in a container).
KEY = (r"(?P<k>" + KW + r"(?:(?<=credential)(?=[sS](?![\w.\-]))|(?![sS](?![A-Za-z0-9])))"
        r"[A-Za-z0-9_.\-]{0,40})"
        + _FOLLOW)
CLOSE = r"(?:\\{0,3}[\"'])?\]?"

_NON_SECRET_SUFFIX = tuple(dict.fromkeys("""
    file path dir name names field fields type types len length prompt label hint format
    pattern regex re url uri endpoint env var id ids count size timeout ttl expiry
    expires expiration mode policy required enabled reset changed set class cls kind
    index idx pos chars min max manager handler store provider callback func fn method
    cache strength validator input form version source header headers param params
    prefix suffix location limit option options flag attr key_id keyid arn ref scope
    scopes usage host port user username login email hash_algorithm placeholder example
    description doc help text message error exception test tests map mapping code event
    events list frame space spaces alias algorithm algo bits config configuration
    time timestamp encryption digest checksum md5 sha1 sha256 sha384 sha512
    """.split()))
# Words glued before `key` that keep it a secret key (`skey`, `apikey`, `privkey`);
# `monkey`, `hotkey`, `pubkey` are not.
_KEY_COMPOUND = re.compile(
    r"(?i)(?:^|[^a-z])(?:s|i|api|secret|priv|private|access|auth|master|client|app|sign"
    r"|signing|enc|admin|license|licence|account|service)$"
)
# Words glued before `pass` / `pwd` that keep it a password (`remotepass` of offlineimap,
# `rootpw`-style `rootpass`, `dbpass`, `smtppass`); `bypass`, `compass`, `surpass` are not.
_PASS_COMPOUND = re.compile(
    r"(?i)(?:^|[^a-z]|\\n)(?:remote|root|db|admin|user|mail|smtp|imap|ldap|bind|ftp|sudo)$"
)
# Qualifiers that make a key-named value public or structural, not a credential
# (`existingSecret: db-credentials`, Helm charts' name of a Secret made beforehand).
PUBLIC_NAME = re.compile(
    r"(?i)(?:^|[^a-z])(?:public|publishable|primary|foreign|sort|partition|idempotency"
    r"|csrf|xsrf|authenticity|cache|hash|next|page|continuation|cursor|lock|unique|existing)"
    r"(?:[^a-z]|$)|(?:public|primary|foreign|csrf|xsrf|authenticity|idempotency|existing)"
    r"(?=[A-Z_-])"
    r"|[a-z](?:Hash|Id|Name|Type|Path)$"
    # git's `user.signingkey` picks a key by its id or public key file, holding no secret.
    r"|(?:^|[^a-z])user\.signingkey$"
)


# What a key may end with after its keyword when the value is stored encoded
# (`NewrelicKeyBase64`, `DOCKERHUB_PAT_B64`): the encoding, not another word.
_ENCODED = re.compile(r"(?i)[_\-]?(?:base64|b64)")


def key_ok(match: re.Match[str]) -> bool:
    key, kw = match.group("k"), match.group("kw").lower()
    rest = key[len(kw) :]
    if _ENCODED.fullmatch(rest):
        rest = ""
    text, start = match.string, match.start("k")
    # `tokenizer`, `secretary`, `keyboard`: the secret word runs on into another word.
    if rest[:1].islower() and not re.match(r"s(?:$|[^a-z])", rest):
        return False
    if start > 0 and (text[start - 1].islower() or text[start - 1].isupper()) and not (
            after_escape(text, start)):
        first = text[start]  # a letter without case (CJK, kana) ends a word: `我的Key`
        # `apiKey`, `APIKEY`, and an acronym before a lower-case keyword: `AESkey`, `HMACkey`.
        camel = first.isupper() or (
            first.islower() and text[start - 1].isupper()
            and start > 1 and text[start - 2].isupper())
        # `monkey`, `bypass`, `oauth`: a short keyword inside a word, not at a camelCase
        # boundary (`apiKey`, `APIKEY`); long ones may be glued (`dbpassword`).
        # (`designing`, `basalt`: the weak words too, and `DESIGNING` in capitals: only a
        # hump joins them, `stripeSigning`.)
        if kw in _WEAK_WORDS and not (first.isupper() and text[start - 1].islower()):
            return False
        if not camel and kw in ("key", "pass", "auth", "pwd") and not (
            (kw == "key" and _KEY_COMPOUND.search(text, max(0, start - 8), start))
            or (kw != "auth" and _PASS_COMPOUND.search(text, max(0, start - 8), start))
        ):
            return False
    if start > 4 and text[start - 1] == ":" and _in_arn(text, start):
        return False  # `arn:aws:secretsmanager:...:secret:prod/db-AbCdEf`: a name, not a value
    if _scoped(text, start, match.end("k")):
        return False  # `llvm::Pass::run`, `'Test2::Event::Pass' =>`, `stop_token::_State`
    if kw in ("key", "pass", "auth", *_WEAK_WORDS) and rest[:1].isalpha():
        return False  # `KeyMeshing`, `keyValue`, `passive`, `authority`, `SaltStack`
    if kw in ("key", "pass", "auth") and rest[:1] == "-" and rest[1:2].islower():
        return False  # `key-value`, `pass-through`
    if PUBLIC_NAME.search(full_key(match)):
        return False
    return not key.rstrip("_.-").lower().endswith(_NON_SECRET_SUFFIX)


def _scoped(text: str, start: int, end: int) -> bool:
    """The key is a part of a C++, Rust or Perl scoped name: `::` before the name it ends
    (`Pod::Simple::PullParserEndToken`), or right after it not starting an assignment
    (`::=` is Makefile's)."""
    return (_SCOPE_BEFORE.search(text, max(0, start - 64), start) is not None
            or _SCOPE_AFTER.match(text, end) is not None)


_SCOPE_BEFORE = re.compile(r"::\w*$")
_SCOPE_AFTER = re.compile(r"[_.\-]*::(?!=)")


_ARN_START = re.compile(r"(?i)arn:[a-z0-9-]+:[^\s\"'`]*$")


def _in_arn(text: str, start: int) -> bool:
    """The key is a resource-type field of an ARN (`...:secret:name`, `...:key/id`), on
    its line or on the line a terminal wrapped it from (`fold`: `...:123\n456:secret:x`)."""
    if _ARN_START.search(text, max(0, start - 200), start) is not None:
        return True
    nl = text.rfind("\n", 0, start)
    if nl <= 0 or not wrapped_at(text, nl):
        return False
    # the line the wrap cut, joined to what precedes the key on this one
    line = text[text.rfind("\n", 0, nl) + 1:nl]
    return _ARN_START.search(line + text[nl + 1:start]) is not None


def after_escape(text: str, i: int) -> bool:
    """`text[:i]` ends with an escaped line break or tab (`\\n`, `\\r`, `\\t` in a JSON
    string holding a tool's output): a name starting at `i` is not glued to the `n`."""
    return text[i - 2 : i - 1] == "\\" and text[i - 1 : i] in ("n", "r", "t")


def name_start(text: str, start: int, more: str = "_.-") -> int:
    """Where the name holding the keyword at `start` begins: back over letters, digits and
    `more`, not past an escaped line break (`x\\npassword` names `password`)."""
    i = start
    while i > 0 and (text[i - 1].isalnum() or text[i - 1] in more) and not after_escape(text, i):
        i -= 1
    return i


def full_key(match: re.Match[str]) -> str:
    """The key name including what precedes the keyword (`adafruit_` of `adafruit_TOKEN`)."""
    text, start = match.string, match.start("k")
    return text[name_start(text, start):start] + match.group("k")


def weak_key(match: re.Match[str]) -> bool:
    """Bare `key`/`auth`, or a long keyword glued to a lower-case word (`jsonwebtoken`):
    the value must look random. A short `pass` / `pwd` glued to its owner (`remotepass`,
    `rootpwd`: `_PASS_COMPOUND`) is a password still."""
    if match.group("kw").lower() in WEAK:
        return True
    text, start = match.string, match.start("k")
    return (start > 0 and text[start - 1].islower() and text[start].islower()
            and not after_escape(text, start)
            and not (match.group("kw").lower() in ("pass", "pwd")
                     and _PASS_COMPOUND.search(text, max(0, start - 8), start)))


def token_slot(match: re.Match[str]) -> bool:
    """A token/key/auth slot, not a password/secret/credential one: its value must be
    shaped like an issued token (`randomness.token_value`), while a password may hold any
    symbol or space."""
    kw = match.group("kw").lower()
    return not kw.startswith(("pass", "pwd", "secret", "credential"))


def shape_ok(match: re.Match[str], value: str) -> bool:
    if password_slot(match):
        return True  # a password is whatever was typed: words and names included
    value = value.strip()
    if token_slot(match) and (not token_value(value) or reads_as_words(value)
                               or mostly_words(value)):
        # An issued token is neither symbols nor words (`Content-Type`, `X-Api-Key`); a
        # secret/credential slot may hold a chosen phrase, so only token slots ask.
        return False
    return not name_not_secret(value)  # a host name, `API-1234`


def password_slot(match: re.Match[str]) -> bool:
    return match.group("kw").lower().startswith(("pass", "pwd"))
