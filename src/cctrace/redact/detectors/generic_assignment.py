"""Detector: values given to secret-named keys, in every common syntax.

The key must contain a secret word (password, secret, token, api key, key...) that is not
part of another word (`tokenizer`, `monkey`) nor qualified by a non-secret suffix
(`password_file`, `token_type`). Contexts, each with value extraction that knows its
quoting (a value is neither cut short nor refused for its characters):

- assignment: `k = v`, `k: v`, `k := v`, `k => v`, Makefile `?=` `::=` `:::=` `+=`, PHP
  `.=`, with or without quotes (`"`, `'`, backticks, JSON-escaped `\\"`, `\\uXXXX` inside),
  a type between key and operator (`var xToken string = "..."`, `apiKey: string = "..."`),
  dotenv/shell/INI/TOML/YAML/properties lines, log lines (`[DEBUG] Using API_KEY=...`);
- argument pairs: `System.setProperty("X_TOKEN", "...")`, `env("API_KEY", "...")`;
- name/value pairs: `<add key="Password" value="..."/>`, `{"name": "token", "value": "..."}`;
- table rows: `db_password | ...` (psql, markdown, MySQL boxes), `NAME<TAB>value`, `column
  -t`'s `NAME    value`, the value judged as one only its surroundings call secret;
- XML elements, also spanning lines: `<xToken>\\n  ...\\n</xToken>`.
- one blank and no operator (`the token <value>`, `ENV API_TOKEN <value>`): a value that
  reads as drawn only (`ENV NAME value` commands are `detectors/env_command.py`'s).

The value gate depends on how strongly the key says "secret": password/secret/token keys
take any value that is not a placeholder, a reference or (unquoted, outside env-style
upper-case keys) a code identifier; bare `key`/`auth` keys take only random-looking values
(`redact.randomness`).
"""

from __future__ import annotations

import re

from cctrace.redact.detectors.base import GENERIC, Detector, Pattern, line_start
from cctrace.redact.lone import lone_value, public_key_before
from cctrace.redact.randomness import (
    has_sequence,
    is_digest,
    keyboard_run,
    looks_like_identifier,
    looks_random,
    mostly_words,
    reads_as_words,
    token_shaped,
    token_value,
    type_name,
    word_share,
)
from cctrace.redact.stoplist import (
    is_placeholder,
    looks_like_code,
    name_not_secret,
    password_value,
    plausible_secret,
    ssh_public_key,
    unquoted_secret,
)
from cctrace.redact.views import wrapped_at

# Prefix-free (`pass` covers password/passwd/passphrase, `auth` covers auth_key), so each
# offset triggers each pattern once and the patterns share one gate (engine plan). Every
# spelling `_KW` takes has its own anchor: found only at its `key` anchor, `signingKey`
# would be a bare (weak) key that asks for 16 random characters.
KEYWORDS = (
    "pass", "pwd", "secret", "token", "api_key", "apikey", "api-key", "access_key",
    "accesskey", "access-key", "private_key", "privatekey", "private-key", "credential",
    "signing_key", "signingkey", "signing-key", "encryption_key", "encryptionkey",
    "encryption-key", "master_key", "masterkey", "master-key", "key", "auth",
)
_KW = (
    r"(?P<kw>password|passwd|passphrase|pwd|secret|token|api[_\-]?key|access[_\-]?key"
    r"|private[_\-]?key|auth[_\-]?key|credential|signing[_\-]?key|encryption[_\-]?key"
    r"|master[_\-]?key|key|pass|auth)"
)
# Keywords that alone say little: the value must look random.
WEAK = frozenset({"key", "auth"})
# What may follow a key in any of the patterns below: punctuation (a quote, `=`, `:`, `>`,
# `,`), or a word then `=` (a type: `xToken string =`; a tag attribute: `<token type="`).
# Part of the shared leading part too: `token` in a sentence fails here, once, after
# looking at one word, instead of in each pattern.
_FOLLOW = (r"(?=[ \t]*[^\sA-Za-z0-9]|\t|  "
           r"|[ \t]+[A-Za-z_][\w.<>\[\]:\-]{0,30}[ \t]*:?="
           r"| [A-Za-z0-9][A-Za-z0-9_\-+/=]{15})")
# A plural keyword names a count or a collection (`input_tokens`, `max_tokens`, `keys`),
# never one secret: refused in the shared leading part, so the engine's gate drops it
# with one match (usage records repeat `*_tokens` thousands of times per transcript).
# `credentials` ending the name is the exception: one login's secret goes by it (`credentials =
# "<40 hex>"`, a Kubernetes secret's `credentials:` key, `CREDENTIALS=` in a container).
_KEY = (r"(?P<k>" + _KW + r"(?:(?<=credential)(?=[sS](?![\w.\-]))|(?![sS](?![A-Za-z0-9])))"
        r"[A-Za-z0-9_.\-]{0,40})"
        + _FOLLOW)
_CLOSE = r"(?:\\{0,3}[\"'])?\]?"
# Assignment operators, optionally after a type (`string`, `: str`, `String`).
_TYPE = (
    r"(?:[ \t]*:[ \t]*[A-Za-z_][\w.<>\[\]?|]{0,30}(?=[ \t]*=)"
    r"|[ \t]+[A-Za-z_][\w.<>\[\]]{0,30}(?=[ \t]*:?=))?"
)
# (A spaced arrow is a log's mapping, `resolved API_TOKEN -> ...`; a glued one is a
# pointer's member, `tok->token->next`.)
_OP = r"[ \t]*(?:=>|:::=|::=|:=|\?=|\+=|\.=|=|:|(?<=[ \t])->(?=[ \t]))[ \t]*"
# A quoted value: any character but the closing quote and line breaks; escapes that are
# part of the value (`\u0026`, `\/`) are kept inside it.
# Longer than 512 only in a token's alphabet: OAuth access tokens and JWTs of 800-1000
# characters are issued (`token = 'eyJ0eXAi...'`), prose and code of that length are not.
_QVAL = (
    r"(?P<q>\\{0,3}[\"'`])(?P<s>(?:(?!(?P=q))[^\r\n\\]|\\u[0-9a-fA-F]{4}|\\/){1,512}?"
    r"|[A-Za-z0-9_\-.+/=~]{513,4096}(?=(?P=q)))(?P=q)"
)
# An unquoted value runs to whitespace or a quote; it may not end in punctuation that
# closes the surrounding code (`f(token=abc)`, `{"k": v},`).
# Not cut at `&`: the value may itself be a query string (an Azure SAS token's `&sig=`), and
# redacting the parameters after a key costs less than leaking half a signature.
_UVAL = r"(?![=>\s\"'`\\])(?P<s>[^\s\"'`\\]{0,511}[^\s\"'`\\,;)\]}>])"

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
# Qualifiers that make a key-named value public or structural, not a credential.
PUBLIC_NAME = re.compile(
    r"(?i)(?:^|[^a-z])(?:public|publishable|primary|foreign|sort|partition|idempotency"
    r"|csrf|xsrf|authenticity|cache|hash|next|page|continuation|cursor|lock|unique)"
    r"(?:[^a-z]|$)|(?:public|primary|foreign|csrf|xsrf|authenticity|idempotency)(?=[A-Z_-])"
    r"|[a-z](?:Hash|Id|Name|Type|Path)$"
)
_ENV_KEY = re.compile(r"[A-Z0-9_.\-]+")


# What a key may end with after its keyword when the value is stored encoded
# (`NewrelicKeyBase64`, `DOCKERHUB_PAT_B64`): the encoding, not another word.
_ENCODED = re.compile(r"(?i)[_\-]?(?:base64|b64)")


def _key_ok(match: re.Match[str]) -> bool:
    key, kw = match.group("k"), match.group("kw").lower()
    rest = key[len(kw) :]
    if _ENCODED.fullmatch(rest):
        rest = ""
    text, start = match.string, match.start("k")
    # `tokenizer`, `secretary`, `keyboard`: the secret word runs on into another word.
    if rest[:1].islower() and not re.match(r"s(?:$|[^a-z])", rest):
        return False
    if start > 0 and (text[start - 1].islower() or text[start - 1].isupper()) and not (
            _after_escape(text, start)):
        first = text[start]  # a letter without case (CJK, kana) ends a word: `我的Key`
        # `apiKey`, `APIKEY`, and an acronym before a lower-case keyword: `AESkey`, `HMACkey`.
        camel = first.isupper() or (
            first.islower() and text[start - 1].isupper()
            and start > 1 and text[start - 2].isupper())
        # `monkey`, `bypass`, `oauth`: a short keyword inside a word, not at a camelCase
        # boundary (`apiKey`, `APIKEY`); long ones may be glued (`dbpassword`).
        if not camel and kw in ("key", "pass", "auth", "pwd") and not (
            kw == "key" and _KEY_COMPOUND.search(text, max(0, start - 8), start)
        ):
            return False
    if start > 4 and text[start - 1] == ":" and _in_arn(text, start):
        return False  # `arn:aws:secretsmanager:...:secret:prod/db-AbCdEf`: a name, not a value
    if _scoped(text, start, match.end("k")):
        return False  # `llvm::Pass::run`, `'Test2::Event::Pass' =>`, `stop_token::_State`
    if kw in ("key", "pass", "auth") and rest[:1].isalpha():
        return False  # `KeyMeshing`, `keyValue`, `passive`, `authority`
    if kw in ("key", "pass", "auth") and rest[:1] == "-" and rest[1:2].islower():
        return False  # `key-value`, `pass-through`
    if PUBLIC_NAME.search(_full_key(match)):
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


def _after_escape(text: str, i: int) -> bool:
    """`text[:i]` ends with an escaped line break or tab (`\\n`, `\\r`, `\\t` in a JSON
    string holding a tool's output): a name starting at `i` is not glued to the `n`."""
    return text[i - 2 : i - 1] == "\\" and text[i - 1 : i] in ("n", "r", "t")


def _name_start(text: str, start: int, more: str = "_.-") -> int:
    """Where the name holding the keyword at `start` begins: back over letters, digits and
    `more`, not past an escaped line break (`x\\npassword` names `password`)."""
    i = start
    while i > 0 and (text[i - 1].isalnum() or text[i - 1] in more) and not _after_escape(text, i):
        i -= 1
    return i


def _full_key(match: re.Match[str]) -> str:
    """The key name including what precedes the keyword (`adafruit_` of `adafruit_TOKEN`)."""
    text, start = match.string, match.start("k")
    return text[_name_start(text, start):start] + match.group("k")


def _weak(match: re.Match[str]) -> bool:
    """Bare `key`/`auth`, or a long keyword glued to a lower-case word (`jsonwebtoken`):
    the value must look random."""
    if match.group("kw").lower() in WEAK:
        return True
    text, start = match.string, match.start("k")
    return (start > 0 and text[start - 1].islower() and text[start].islower()
            and not _after_escape(text, start))


def _token_slot(match: re.Match[str]) -> bool:
    """A token/key/auth slot, not a password/secret/credential one: its value must be
    shaped like an issued token (`randomness.token_value`), while a password may hold any
    symbol or space."""
    kw = match.group("kw").lower()
    return not kw.startswith(("pass", "pwd", "secret", "credential"))


def _shape_ok(match: re.Match[str], value: str) -> bool:
    if _password_slot(match):
        return True  # a password is whatever was typed: words and names included
    value = value.strip()
    if _token_slot(match) and (not token_value(value) or reads_as_words(value)
                               or mostly_words(value)):
        # An issued token is neither symbols nor words (`Content-Type`, `X-Api-Key`); a
        # secret/credential slot may hold a chosen phrase, so only token slots ask.
        return False
    return not name_not_secret(value)  # a host name, `API-1234`


def _password_slot(match: re.Match[str]) -> bool:
    return match.group("kw").lower().startswith(("pass", "pwd"))


def _quoted_ok(match: re.Match[str]) -> bool:
    if not _key_ok(match):
        return False
    value = match.group("s")
    if not _shape_ok(match, value):
        return False
    if _weak(match):
        return looks_random(value, 16) and plausible_secret(value, quoted=True, min_len=16)
    if _password_slot(match):
        return password_value(value, quoted=True, env=False)
    return plausible_secret(value, quoted=True, min_len=6)


def _unquoted_ok(match: re.Match[str]) -> bool:
    if not _key_ok(match):
        return False
    value = match.group("s")
    if not _shape_ok(match, value) or _alias(match, value) or _in_code(match, value):
        return False
    if _weak(match):
        return looks_random(value, 16) and unquoted_secret(value, env=False)
    env = (_ENV_KEY.fullmatch(_full_key(match)) is not None and not _subscript(match)
           ) or _log_pair(match)
    if _password_slot(match):
        return password_value(value, quoted=False, env=env)
    return unquoted_secret(value, env=env)


def _alias(match: re.Match[str], value: str) -> bool:
    """The value names the key itself: `x=x` (a keyword argument passed on), `_DSAKey =
    DSAKey`, `KeyWithSerialization = Key`, `X = module.X`. A secret is not a piece of the
    name of the variable holding it."""
    if _NAME_PATH.fullmatch(value) is None:
        return False
    last = value.rpartition(".")[2].lstrip("_")
    return len(last) >= 4 and last in _full_key(match)


_NAME_PATH = re.compile(r"[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*")


# After an unquoted name: an operator and an operand (`SEC_ERROR_BASE + 15,`, `BIT << 3`):
# the name is a term of an expression, an enum or a constant. Not `&&` / `||`: a shell
# line goes on after a real value (`TOKEN=x && ./run`).
_OPERATOR_AFTER = re.compile(r"[ \t]+(?:[-+*/%]|<<|>>)[ \t]+[\w(]")
# After a one-word value: more words (`@ATTR_PASSWORD: attribute for passing ...`,
# `pageToken: Optional. A page token, ...` in a docstring's field list): a sentence in a
# comment or docstring, not a value.
_SENTENCE_AFTER = re.compile(r"[ \t]+[a-z]{2,}[ \t]+[a-z]{2,}")
_SENTENCE_NEXT = re.compile(r"[ \t]+[A-Za-z]+[.,;:]?[ \t]+[A-Za-z]{2,}")


# What follows a type in a signature or an annotated field: `,`, `)`, `]`, `| None`,
# `= default`, `->`. Not the end of the line: YAML's `api_token: <token>` ends there.
_ANNOTATION_END = re.compile(r"[ \t]*(?:[,)\]]|\|[ \t]*\w|=[^=]|->)")


def _in_code(match: re.Match[str], value: str) -> bool:
    """The unquoted value is a term of an expression, a type annotation or an attribute
    (`credential: credentials.Credential):`), or the first word of a sentence."""
    text, end = match.string, match.end()
    if _OPERATOR_AFTER.match(text, end) and looks_like_identifier(value):
        return True  # a name in an expression; a drawn value before `+` stays a value
    if _ANNOTATION_END.match(text, end) and type_name(value):
        return True  # `private_key: PrivateKeyTypes | None,`, `shrink_pass: ShrinkPass, *`
    core = value.rstrip("):")  # `credentials.Credential):` ends a signature
    if core != value and core and looks_like_code(core):
        return True
    if value[:-1].isalpha() and value[-1] == "." and _SENTENCE_NEXT.match(text, end):
        return True  # `Required. Input only.`: a word ending a sentence, another after it
    return value.isalpha() and _SENTENCE_AFTER.match(text, end) is not None


def _subscript(match: re.Match[str]) -> bool:
    """An upper-case key inside a subscript or a dict literal (`x[CREDENTIAL_KEY] = y`,
    `{SECRET_NAME: helpers}`): a constant of code, not an env-style line."""
    text = match.string
    i = _name_start(text, match.start("k"))
    return text[i - 1 : i] in ("[", "{")


# A value then `,` and the line's end: an argument of a call written one per line
# (`    passphrase=password_bytes,`), not a log pair.
_ARGUMENT_END = re.compile(r",[ \t]*(?:\r?\n|$)")


def _log_pair(match: re.Match[str]) -> bool:
    """`key=value` with no blanks, not a keyword argument (`f(token=x)`, a call's argument
    on a line of its own): a log line, query string or flag, where the value is data."""
    text, start, vstart = match.string, match.start("k"), match.start("s")
    if text[vstart - 1 : vstart] != "=" or text[vstart - 2 : vstart - 1] in (" ", "\t"):
        return False
    if _ARGUMENT_END.match(text, match.end()):
        return False
    i = _name_start(text, start)
    return text[i - 1 : i] not in ("(", ",") and text[i - 2 : i] != ", "


# What may lead a line before `NAME value` with no operator: a C macro, a Dockerfile's
# `ENV` in its legacy form, csh's `setenv`, `set` (fish's `set -gx`, Tcl).
LEAD = re.compile(r"[ \t]*(?:(?P<define>#[ \t]*define)|ENV|(?i:setenv|set)(?:[ \t]+-[A-Za-z]+)*)"
                  r"[ \t]+")
_ALNUM_ONLY = re.compile(r"[^a-z0-9]+")


def _cell_ok(match: re.Match[str]) -> bool:
    """`name | value`, `name<TAB>value`, `NAME    value`: a row of a table, of `column -t`
    or of tab-separated output. The name starts its cell (or ends a path: `/prod/api/
    db_password`); the value, with no operator to say it is one, is judged as a value only
    its surroundings call secret (`redact.lone.lone_value`): words, paths, digests, ids,
    dates and placeholders stay."""
    if match.group("cell") is None:
        return False  # a value cut by its line's end: a near miss at most (see below)
    text, start = match.string, match.start("k")
    i = _name_start(text, start)
    if i > 0 and text[i - 1] not in " \t|/`'\"\n" and not _after_escape(text, i):
        return False
    cell = match.group("cell")
    lead = LEAD.fullmatch(text, line_start(text, i) or 0, i)
    if lead is not None and lead.group("define"):
        # A C macro (`#define WIFI_PASSWORD "..."`): a quoted value is a string constant,
        # judged as a quoted assignment's; anything else is code (`OBJ_X509,35L`).
        # A value spelling the macro's own name (`SN_id_it_revPassphrase "id-it-revPassphrase"`)
        # is a name.
        own = _ALNUM_ONLY.sub("", match.group("s").lower())
        name = _ALNUM_ONLY.sub("", _full_key(match).lower())
        return cell.endswith(("\"", "'")) and own not in name and _quoted_ok(match)
    if (lead is None and text[i - 1 : i] == " "
            and text[i - 2 : i - 1] not in ("", " ", "\t", "|", "\n")
            and cell.strip(" `'\"") == ""):
        # Columns made of blanks only: one blank after a word is code, not a column
        # (`var dbPassword    string`), unless the word is a command that assigns that way
        # (`ENV API_TOKEN    value`, `setenv`, fish's `set -gx`); such a cell starts its
        # line or follows another column. With `|` or a tab the cells are marked
        # (`sanity auth token | value`).
        return False
    if not _key_ok(match):
        return False
    value = match.group("s")
    if len(value) < 6 or not _shape_ok(match, value) or (
            _weak(match) and not looks_random(value, 16)):
        return False
    return lone_value(value, _password_slot(match), _full_key(match))


# Hex of a SHA-1 or SHA-256's length in either case: a digest or a GPG fingerprint
# (`ENV GPG_KEY 7169605F...`) far more often than a key, with no operator saying otherwise.
HEX_DIGEST = re.compile(r"[0-9a-fA-F]{40}|[0-9a-fA-F]{64}")


def _word_ok(match: re.Match[str]) -> bool:
    """`the token <value>`, `ENV API_TOKEN <value>`, `api_key <value>`: no operator, one
    blank, so only a value that reads as drawn is one: not a word-made name
    (`sec_PKCS12SecretBag`, `NID_X9_62_id_ecPublicKey`: a C declaration or macro), a call,
    a digest, a placeholder or a filler."""
    text, value = match.string, match.group("s").rstrip("=")
    if text[match.end() : match.end() + 1] == "(" or not _key_ok(match):
        return False
    if (word_share(value) > 0.25 or value in _full_key(match) or ssh_public_key(value)
            or public_key_before(text, match.start("k"))):
        return False  # a name, its own key's, an SSH public key, `the public key <value>`
    if (is_digest(value) or HEX_DIGEST.fullmatch(value) or is_placeholder(value)
            or has_sequence(value) or keyboard_run(value)):
        return False
    start = match.start("k")
    lead = LEAD.match(text, line_start(text, start) or 0)
    if lead is not None and lead.group("define"):
        return False  # `#define EVP_PKEY_EC NID_X9_62_id_ecPublicKey`: code
    return token_shaped(match.group("s")) and looks_random(value, 16)


def _pair_ok(match: re.Match[str]) -> bool:
    """("KEY", "value") pairs: lists of names (`'token_bytes', 'token_hex'`) are not."""
    value = match.group("s")
    if match.string[match.start("k") - 1 : match.start("k")] == "/":
        return False  # `"kadmin/passwd", "kadmin/server"`: the "key" is a path
    if type_name(value) and type_name(_full_key(match)):
        return False  # `'TKTokenKeychainKey', 'TKTokenPasswordAuthOperation'`: type names
    return _quoted_ok(match) and (looks_random(value, 12) or not looks_like_identifier(value))


def _element_ok(match: re.Match[str]) -> bool:
    """`<...token>value</...token>`: the keyword sits inside an opening tag."""
    text, start = match.string, match.start("k")
    i = _name_start(text, start, "_.-:")
    if i == 0 or text[i - 1] != "<":
        return False
    if not _key_ok(match):
        return False
    value = match.group("s").strip()
    if not _shape_ok(match, value):
        return False
    if _weak(match):
        return looks_random(value, 16)
    if _password_slot(match):
        return password_value(value, quoted=True, env=False)
    return plausible_secret(value, quoted=True, min_len=6)


_PATTERNS = (
    # key = "value" (all quote styles, a type between key and operator allowed)
    Pattern("generic_secret", _KEY + _CLOSE + _TYPE + _OP + r"(?:[bruf]{0,2})" + _QVAL,
            anchors=KEYWORDS, at_anchor=True, check=_quoted_ok, priority=GENERIC),
    # key = value (unquoted: env files, YAML, INI, properties, logs, flags in configs)
    Pattern("generic_secret", _KEY + _CLOSE + _TYPE + _OP + _UVAL,
            anchors=KEYWORDS, at_anchor=True, check=_unquoted_ok, priority=GENERIC),
    # ("KEY", "value"): setProperty, env defaults, dict/tuple pairs
    Pattern("generic_secret", _KEY + r"\\{0,3}[\"'][ \t]*,[ \t]*" + _QVAL,
            anchors=KEYWORDS, at_anchor=True, check=_pair_ok, priority=GENERIC),
    # key="Password" value="..." / "name": "token", "value": "..."
    Pattern("generic_secret", _KEY + r"\\{0,3}[\"'][ \t]*,?[ \t]*\\{0,3}[\"']?value\\{0,3}"
            r"[\"']?[ \t]*[=:][ \t]*" + _QVAL,
            anchors=KEYWORDS, at_anchor=True, check=_quoted_ok, priority=GENERIC),
    # One pattern for two contexts (a pattern more is a `match` more at every keyword hit):
    # - a row of a table or `column -t`: `name | value`, `name<TAB>value`, `NAME   value`;
    # - a value cut by its line's end, never a find but a near miss (`redact.views`) that
    #   opens a wrap window when the line is a wrapped one: a quote left open (`"ghToken":
    #   "ghp_`), `KEY=` glued (env, logs, flags) or a spaced arrow before it. A spaced
    #   `key = value` ending a line of code is not tried.
    Pattern("generic_secret", _KEY + _CLOSE + r"(?:(?P<cell>[`'\"]?(?:[ \t]*\|[ \t]*|\t[ \t]*"
            r"| {2,}| (?=[\"']))[`'\"]?(?![=:]))"
            r"|[ \t]*(?:=>|:=|=|:)[ \t]*\\{0,3}[\"'`]|=|[ \t]+->[ \t]+)"
            r"(?P<s>[^\s|`'\"\\]{1,512})[`'\"]?[ \t]*(?=\||\r?\n|\\n|$)",
            anchors=KEYWORDS, at_anchor=True, check=_cell_ok, priority=GENERIC),
    # `the token <drawn>`, `ENV API_TOKEN <drawn>`: one blank and a token that reads as drawn
    Pattern("generic_secret", _KEY + r" (?P<s>[A-Za-z0-9][A-Za-z0-9_\-+/=]{15,255})"
            r"(?![A-Za-z0-9_\-+/=@]|\.[A-Za-z0-9])",
            anchors=KEYWORDS, at_anchor=True, check=_word_ok, priority=GENERIC),
    # <xToken>value</xToken>, the value possibly on its own line
    Pattern("generic_secret", _KEY + r"(?:[ \t][^<>\n]{0,200})?>[ \t\r\n]*"
            r"(?P<s>[^<\r\n]{1,512}?)[ \t\r\n]*</",
            anchors=KEYWORDS, at_anchor=True, check=_element_ok, priority=GENERIC),
)

DETECTOR = Detector(
    name="generic_assignment",
    description="Secret-named keys given a value, in code, config, env files, XML and logs.",
    patterns=_PATTERNS,
)
