"""Values that look like secrets by position but are not: placeholders and code references.

Used by the generic detectors (assignments, CLI flags, URL passwords, headers) to keep false
positives down: `changeme`, `${VAR}`, `<password>`, `xxx`, `os.environ[...]`, `getpass()`,
template expressions, and our own `[REDACTED:...]` markers. Pure functions only.
"""

from __future__ import annotations

import base64
import binascii
import html
import re
from functools import lru_cache

from cctrace.redact.detectors.base import char_classes, shannon_entropy
from cctrace.redact.randomness import looks_like_identifier, looks_random, type_name

PLACEHOLDER_WORDS = frozenset(
    """
    changeme change_me changeit password passwd pass secret secrets token apikey api_key key
    example sample placeholder redacted removed hidden masked none null nil true false yes no
    undefined default dummy fake test testing foo bar baz qux foobar todo tbd fixme required
    optional string str bytes int value values your_password yourpassword mypassword
    my_password mysecret my_secret your_token your_api_key letmein admin root user username
    name guest anonymous notasecret not_a_secret insecure unset empty env environment config
    settings secret_key private_key access_token refresh_token auth credentials abc abcd
    abcdef
    """.split()
)

_PLACEHOLDER_RES = [
    re.compile(p)
    for p in (
        r"^\$\{?[A-Za-z_][A-Za-z0-9_]*(?::?-[^}]*)?\}?$",  # $VAR, ${VAR}, ${VAR:-x}
        r"^\$\(.*\)$",  # $(command)
        r"^%[A-Za-z_][A-Za-z0-9_]*%$",  # %VAR%
        r"^<[^<>]*>$",  # <password>
        r"^[^<]*>$|^\[[A-Za-z0-9_ \-]+\]$",  # the end of <user:password>, [PASSWORD]
        r"^\{\{.*\}\}$|^\{%.*%\}$",  # templates
        r"^\{[A-Za-z_][A-Za-z0-9_.]*\}$",  # {password}
        r"^%\([A-Za-z_][A-Za-z0-9_]*\)[sdr]$|^%[sd]$",  # %(password)s, %(TOKEN_2)s
        r"^(.)\1+$",  # xxxx, ****, ....
        r"^[xX*._\-#?]+$",
        r"(?i)^(?:x{3,}|\*{3,}|\.{3,})",

        r"(?i)^(?:process\.env|import\.meta\.env|ENV\[|System\.getenv|secrets\.|vault:|keyring)",
        r"^\[REDACTED",
        # `your_token`, `my-secret`, `the_key`, `yourtoken`; not an upper-case run that
        # merely starts with A/AN/MY (`AKIAPTTDYTBNOXPQPWJC`, `MYZQKXW...`), and glued only
        # when it names a credential: `avalanche`, `mystery`, `therapy` are chosen passwords.
        r"(?i:your|my|some|the|an?)(?:[_\-](?i:[a-z_\-]*)"
        r"|[a-z]*(?:pass|pwd|secret|token|key|cred|auth|login|user|name|value|here)[a-z_\-]*)$",

        # References to a secret kept elsewhere: not the secret itself.
        r"(?i)^(?:op|vault|sm|ssm|secretsmanager|gcpsm|azkv|akv|keyvault|awssm|doppler"
        r"|infisical|bws)://",
        # Any store whose scheme names a vault or secret manager (`azurekeyvault://`,
        # `gcpsecretmanager://`), and the colon forms (`secretsmanager:prod/x`, `ssm:/p`).
        r"(?i)^[a-z0-9+.-]*(?:vault|secret|kms)[a-z0-9+.-]*://",
        r"(?i)^(?:secretsmanager|ssm|awskms|gcpkms|azurekeyvault):[\w/]",
        r"(?i)^arn:aws[\w-]*:",
        r"^\$\{[^}]*\}",  # ${ssm:/path}, ${{ secrets.X }}, ${VAR}suffix
        r"^\$[A-Za-z_][A-Za-z0-9_]*$",
        r"^\$(?:env\([A-Za-z_]\w*\)|ENV\{[A-Za-z_]\w*\})$",  # Tcl's $env(PW), Perl's $ENV{PW}
        r"(?i)^(?:secret|kv|vault)/(?:data/)?[\w./-]+$",  # vault paths
        r"^ENC\[|^vault:v\d+:|^AgA[A-Za-z0-9+/]{20}",  # SOPS, Vault transit, sealed secrets
        # Google Secret Manager resource names (what `gcloud secrets` and CSI drivers take).
        r"^projects/[\w.-]+/secrets/[\w.-]+(?:/versions/[\w.-]+)?$",
        r"^`|^\$\(|^\$\{|^\{[A-Za-z_][\w.]*\}?$|^<[A-Za-z/!?]",  # commands, templates, markup
    )
]

# Unquoted values that are code, not data: attribute access, calls, subscripts, type hints.
_CODE_RE = re.compile(
    r"^[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*(?:\(|\[|\.\.\.|$)"
)


# Words for "secret", "password" and "key" in the languages docs are written in: a value made
# of nothing else (`passwort`, `geheim$parole`, `secret-password`, `contraseña`) names what it
# stands for, as `password` and `secret` do in English docs. Any other part (a digit, a word
# of one's own) makes it a chosen password again: `geheim123`, `secret$tangerine`.
_NAME_WORDS = frozenset(
    """
    secret secrets password passwords passwd pass passphrase pwd token tokens key keys apikey
    credential credentials geheim geheimnis passwort kennwort schluessel schlüssel parole
    motdepasse mdp clé cle secreto contraseña contrasena clave segreto chiave senha segredo
    chave wachtwoord sleutel haslo hasło sekret tajne hemlig losenord lösenord passord
    hemmelig adgangskode salasana sifre şifre gizli пароль секрет ключ 密码 密碼 秘密 パスワード
    """.split()
)
_NAME_SEP = re.compile(r"[-_.$:+ ]+")


def _names_only(low: str) -> bool:
    """`low` (lower case) is one or more words for a secret joined by `-_.$:+ `."""
    return all(part in _NAME_WORDS for part in _NAME_SEP.split(low))


# Anywhere in the value (checked on the lower-cased text with `in`, then confirmed).
_PLACEHOLDER_PARTS = ("example", "placeholder", "changeme", "dummy", "redacted", "xxxxx",
                      "replace_me", "replace-me", "replaceme")
# A value as it reads inside XML (`&lt;password&gt;`), Go's JSON (`\u003cpassword\u003e`)
# or a URL (`%3Cpassword%3E`, `op%3A%2F%2F...`): the placeholder or reference it escapes.
_ESCAPED = re.compile(r"&(?:lt|gt|amp|quot|apos|#\d{1,5});|\\u00[0-9a-fA-F]{2}|%[0-9A-Fa-f]{2}")
_ENV_CALL = re.compile(r"(?i)(?:^|[._\[(])(?:os\.)?(?:environ|getenv|getpass|env)\b")


# Values that are source text, not data (code nobody here wrote: third-party packages, C
# headers, Perl, docs): a format field inside the value (`{password!r}`, `{key}/{scope}`,
# `%(name)s`, `${base}`), regex source (`(?:key|pwd)`, `[a-z0-9]{64}`, `\\d+`), a variable
# reference of Perl, PHP or shell (`$opt{password}`, `$CPAN::Config->{pw}`, `!$pass`,
# `$insta::secret`), POD markup (`C<$pass>`), a generic type (`PassInfoMixin<X>`), a
# number literal (`0x00010000`), a version or OID (`1.302103`, `1.2.840.113549.1.9.4`),
# documented alternatives (`true|false`). A password holds none of these shapes whole.
_SOURCE_TEXT = re.compile(
    r"\{[A-Za-z_][\w.]{2,}(?:\[[^\]{}]*\])?(?:![rsa])?(?::[^{}]{0,20})?\}"  # {name!r}
    r"|^\{[A-Za-z_]\w*(?:![rsa])?$|\{[A-Za-z_]\w*![rsa]"  # a field cut at its `}`
    r"|%\([A-Za-z_]\w*\)[sdrifx]|\$\{[A-Za-z_][\w.]*\}"  # %(name)s, ${name} inside
    r"|\{\.[A-Za-z_][\w.\[\]]*\}"  # a JSONPath template: {.accessToken}
    r"|\(\?(?:[:=!]|<[=!A-Za-z]|P<)"  # regex groups: (?:..), (?=..), (?P<name>..)
    r"|\[[^\]\s]{1,40}\](?:\{\d+(?:,\d*)?\}|[+*])"  # a class with a quantifier: [a-f0-9]{48}
    r"|\\[dwsDWS](?:[+*?]|\{\d)"  # \d+, \w{3}
)
_SOURCE_WHOLE = re.compile(
    r"!?\$[A-Za-z_]\w*(?:(?:::\w+)*(?:->|::|\{|\[)|$)"  # $var, $a::b, $x->{..}, $h{..}
    r"|[@%][A-Za-z_]\w*(?:->|\{|\[)"  # @list[..], %hash{..}
    r"|[BCEFILSXZ]<"  # POD markup: C<$pass>, I<required>
    r"|[A-Za-z_][\w:.]{2,}<[\w:.<>, *&]*>?$"  # a generic / template type: Mixin<T>
    r"|0[xX][0-9a-fA-F]{1,16}(?![0-9a-zA-Z])"  # a number literal
    r"|\d+(?:\.\d+)+$"  # a version, an OID, a decimal
    r"|[a-z]+(?:\|[a-z]+)+$"  # documented alternatives: true|false
    # a type annotation run on without blanks: `secret: str,secret_version: str`
    r"|(?:str|bytes|int|float|bool|dict|list|tuple|object|Any|None|Optional)[,)\]|=\[]"
)


def source_text(value: str) -> bool:
    """A value that is source text (a format field, regex, variable reference, markup,
    generic type, number literal, version or alternatives), not data: see above."""
    return _SOURCE_WHOLE.match(value) is not None or _SOURCE_TEXT.search(value) is not None


@lru_cache(maxsize=4096)
def is_placeholder(value: str) -> bool:
    """True for a value that stands for a secret rather than being one."""
    v = value.strip().strip("\"'`")
    if not v:
        return True
    low = v.lower()
    if low in PLACEHOLDER_WORDS or any(part in low for part in _PLACEHOLDER_PARTS):
        return True
    # Only the part before a `&`: a value not cut at `&` may run on into the parameters
    # after it (`api_key=<key>&url=#{url}`), which are not the key's.
    if _names_only(low) or source_text(v.partition("&")[0]):
        return True
    if ("env" in low or "getpass" in low) and _ENV_CALL.search(v):
        return True
    # Every other pattern is anchored at the start: `match`, never a scan of the value.
    if any(p.match(v) for p in _PLACEHOLDER_RES):
        return True
    # Markdown emphasis around a placeholder (`Password: **required**`, a docs table's
    # `| token | *optional* |`): the words inside are what it says.
    emphasis = _EMPHASIS.fullmatch(v)
    if emphasis is not None and is_placeholder(emphasis.group(2)):
        return True
    plain = unescape(v)
    return plain != v and is_placeholder(plain)


_EMPHASIS = re.compile(r"(\*\*?|__?|~~)([^*_~].*?)\1")


def unescape(value: str) -> str:
    """`value` with XML entities, `\\u00XX` escapes and URL %-escapes decoded (each once)."""
    if "&" not in value and "\\" not in value and "%" not in value:
        return value
    return _ESCAPED.sub(_unescape_one, value)


def _unescape_one(m: re.Match[str]) -> str:
    tok = m.group()
    if tok[0] == "%":
        return chr(int(tok[1:], 16))
    if tok[0] == "\\":
        return chr(int(tok[4:], 16))  # `\u00` then two hex digits
    return html.unescape(tok)  # named and numeric entities


def looks_like_code(value: str) -> bool:
    """An unquoted reference to something else: a call, subscript, attribute access or
    identifier (`self.token`, `get_pw()`, `config.api_key`, `DEFAULT_TOKEN`), told from
    random strings by `redact.randomness`, not by case or underscores."""
    if value[:1] in "([{" or "(" in value:
        return True
    if not _CODE_RE.match(value):
        return False
    if "." in value or "[" in value:
        # A dotted path of names is code; `s.ZC9Ecf4M5g9o34Q6RkzGsj0z` (Vault) is not.
        return not any(looks_random(part, 12) and not type_name(part)
                       for part in re.split(r"[.\[\]]", value))
    return looks_like_identifier(value)


@lru_cache(maxsize=4096)
def plausible_secret(value: str, quoted: bool, min_len: int = 8) -> bool:
    """The entropy / shape gate for values found only by their key name."""
    if len(value) > 512:
        # Only the token-alphabet branch of a quoted value gets here (a long OAuth token).
        return quoted and len(value) <= 4096 and _LONG_TOKEN.fullmatch(value) is not None \
            and looks_random(value[:512], 12)
    if len(value) < min_len or is_placeholder(value):
        return False
    if value.isdigit():
        # A long number in a secret slot is an id-shaped secret (client ids, PINs of
        # services); short ones are ports, counts and years.
        return len(value) >= 12 and shannon_entropy(value) >= 2.5
    if not quoted and looks_like_code(value):
        return False
    if looks_random(value, 12):
        return True
    ent = shannon_entropy(value)
    classes = char_classes(value)
    if ent >= 3.5 and classes >= 2:
        return True
    return ent >= 2.5 and classes >= 3


_LONG_TOKEN = re.compile(r"[A-Za-z0-9_\-.+/=~]+")
_PATH = re.compile(r"~?/|\.{1,2}/|[A-Za-z]:\\|[a-z][a-z0-9+.-]*://")


def bare_reference(value: str) -> str:
    """What an unquoted value in a secret slot points at instead of being data, for
    `unquoted_secret` and `password_value` alike: `"path"` (a path or URL that is not
    itself random: `pwd: /home/user/project`, `token_url: https://...`), `"call"` (code with
    a call, subscript or dotted path: code in any kind of line), `"name"` (a bare
    identifier: code outside env-style lines, where each caller weighs it), or `""`."""
    if _PATH.match(value) and not looks_random(value, 12):
        return "path"
    if not looks_like_code(value):
        return ""
    return "call" if any(c in value for c in ".([") else "name"


@lru_cache(maxsize=4096)
def unquoted_secret(value: str, env: bool) -> bool:
    """An unquoted value after a secret-named key. In env-style lines (upper-case keys:
    dotenv, shell, CI variables, logs) a bare word is data; elsewhere it may be a name.
    Calls, subscripts and dotted paths of names are code in both."""
    if len(value) < 6 or len(value) > 512 or is_placeholder(value):
        return False
    ref = bare_reference(value)
    if ref in ("path", "call") or (ref == "name" and not env):
        return False
    if looks_random(value, 12):
        return True
    if not env and len(value) < 8:
        return False
    ent = shannon_entropy(value)
    classes = char_classes(value)
    return (ent >= 3.0 and classes >= 2) or (ent >= 2.5 and classes >= 3)


@lru_cache(maxsize=4096)
def password_value(value: str, quoted: bool, env: bool) -> bool:
    """A value given to a password key (`DB_PASSWORD=summer2024summer`, `"password":
    "dragon12"`): people choose passwords, so no randomness is asked, only that the value is
    not a placeholder, a reference, a path or (unquoted, outside env-style lines) code."""
    if len(value) < 6 or len(value) > 512 or is_placeholder(value):
        return False
    if value.isdigit():
        return True  # a PIN or a numeric password; counts and ports have other keys
    if _KEY_AGAIN.search(value):
        return False  # `password="password="...`: text about assignments, not a value
    if quoted:
        # `"PWD": "/home/me/project"` (the shell's working directory, in `env` output and
        # crash reports): an absolute path of two or more parts is a path, not a password.
        return _ABS_PATH.fullmatch(value) is None or looks_random(value, 12)
    core = value.rstrip(")]}:,;")
    if core != value and (len(core) < 6 or is_placeholder(core) or looks_like_code(core)):
        return False  # `def read(self, pwd=None):`, `f(password=pw),`
    ref = bare_reference(value)
    if ref != "name":
        return ref == ""  # data, not a path or code with a call, subscript or dot
    # A bare name is data in env-style lines; in YAML / INI `password: hunter2hunter2` is
    # data too, but `password: userPassword`, `pass: new_password`, `password: password`
    # are names in code.
    return env or not (value.isalpha() or "_" in value or _HUMP.search(value) is not None)


_HUMP = re.compile(r"[a-z][A-Z]")
_ABS_PATH = re.compile(r"/[\w.\-]+(?:/[\w.\-]+)+/?")
_KEY_AGAIN = re.compile(r"(?i)(?:pass|pwd|secret|token|key)\w*[ \t]*[:=]")


# Host names (`project-one-12345.hasura.app`) and ticket-style stubs (`API-1234`,
# `spu-1234`): values a key-named slot holds that no service issues as a key.
_HOST = re.compile(r"(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,6}")
_STUB = re.compile(r"[A-Za-z]{2,8}[-_][0-9]{1,6}")


def name_not_secret(value: str) -> bool:
    """A host name, a `<PREFIX>-1234` stub, a phrase naming what it stands for, a list of
    plain parameters or an encoded placeholder credential: not a secret, in any key slot
    but a password one (a password is whatever was typed)."""
    return (_HOST.fullmatch(value) is not None or _STUB.fullmatch(value) is not None
            or self_described(value) or parameter_list(value) or encoded_placeholder(value))


# A phrase holding the word for what it stands for (`a-string-secret-at-least-256-bits-long`,
# jwt.io's sample; `prod-api-key-2`, `my-webhook-secret-here`) describes a secret; an
# issued token has no such part, and a chosen passphrase (`correct-horse-battery-staple`)
# does not name itself.
_DESCRIBED = re.compile(r"[a-z0-9]+(?:[-_. ][a-z0-9]+){2,}")
_DESC_SEP = re.compile(r"[-_. ]")
_DESC_WORDS = frozenset(
    "secret secrets password passwd token key apikey credential credentials".split())


def self_described(value: str) -> bool:
    """Three or more parts of letters or of digits, joined by `-_. `, one of them a word
    for a secret (`secret`, `password`, `token`, `key`, ...)."""
    low = value.lower()
    if not _DESCRIBED.fullmatch(low):
        return False
    parts = _DESC_SEP.split(low)
    return (any(p in _DESC_WORDS for p in parts)
            and all(p.isalpha() or p.isdigit() for p in parts))


# `st=2025-03-04T07:24:52Z&se=2025-04-04T15:24:52Z&spr=https&sv=2022-11-02&sr=c`: an Azure
# SAS token without its `sig=` is a list of parameters, none of them secret.
_PARAM = re.compile(r"[A-Za-z_][\w.\-]*=([^&=]{0,24})")
_TIMESTAMP = re.compile(
    r"\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?")


def parameter_list(value: str) -> bool:
    """Two or more `name=value` pairs joined by `&`, every value at most 24 characters and
    a timestamp or not random (`randomness.looks_random` reads a timestamp as drawn)."""
    parts = value.split("&")
    if len(parts) < 2:
        return False
    for part in parts:
        m = _PARAM.fullmatch(part)
        if m is None:
            return False
        v = m.group(1)
        if _TIMESTAMP.fullmatch(v) is None and looks_random(v, 12):
            return False
    return True


_BASE64 = re.compile(r"[A-Za-z0-9+/]{8,}={0,2}")
_USER_PASS = re.compile(r"[\x21-\x7e]{1,64}:([\x21-\x7e]{1,64})")


def encoded_placeholder(value: str) -> bool:
    """Base64 of `user:<placeholder>` (`bXlfdXNlcm5hbWU6bXlfcGFzc3dvcmQ=` is
    `my_username:my_password`, a docker `auth` example): the credential it encodes is a
    placeholder, so it is one too."""
    # 172 characters encode the longest pair `_USER_PASS` takes (64 + 1 + 64): longer
    # values are not decoded at all. `_BASE64` leaves the decoder nothing to discard, and
    # it refuses a length that is not a multiple of 4 (padding) by itself.
    if len(value) > 172 or _BASE64.fullmatch(value) is None:
        return False
    try:
        text = base64.b64decode(value).decode("ascii")
    except (binascii.Error, ValueError):  # UnicodeDecodeError is a ValueError
        return False
    m = _USER_PASS.fullmatch(text)
    return m is not None and is_placeholder(m.group(1))


# The types an SSH public key blob names first (`AAAAC3NzaC1lZDI1NTE5...` is a 4-byte
# length then `ssh-ed25519`): what `ssh-keygen` prints to share, not a secret.
_SSH_TYPES = (b"ssh-", b"ecdsa-", b"sk-ssh-", b"sk-ecdsa-")


def ssh_public_key(value: str) -> bool:
    """Whether `value` is the base64 of an SSH public key (its type named after a length)."""
    if not value.startswith("AAAA"):
        return False
    try:
        head = base64.b64decode(value[:24], validate=True)
    except (ValueError, binascii.Error):
        return False
    return head[4:].startswith(_SSH_TYPES)

