"""Detector: credentials written in sentences, in prompts and in model text.

"the staging admin password is X", "pw: X", "Passwort ist X", "mot de passe : X",
"login is admin / X", "credentials: admin:X", "passphrase X", "PIN 4821", "the token is X",
"your Foo key is X". The word must be followed by a verb or colon (`is`, `was`, `:`, `=`,
`set to`, `ist`, `est`, `es`, `é`, `è`...) or, for password words, directly by the value.
The value must look like a credential, not like the next word of the sentence (`password
is required`): two character classes or a random-looking string, and no placeholder. One
word may name a quoted value alone ("try again with token `X`"): the value must then read
as drawn (`redact.lone.lone_value`), and a `primary`/`sort`/`public` key is no secret.
"""

from __future__ import annotations

import re

from cctrace.redact.detectors.base import CONTEXTUAL, GENERIC, Detector, Pattern, char_classes
from cctrace.redact.lone import lone_value, public_key_before
from cctrace.redact.randomness import looks_random, reads_as_words
from cctrace.redact.stoplist import is_placeholder, looks_like_code, self_described

# The value: quoted (blanks allowed inside: `"Summer 2024!"`), or up to whitespace; trailing
# sentence punctuation is not part of it. The sentence may end the JSON string that holds
# it (a tool result printed as JSON: `"... password is X"`, a shell's `'... is X'`), and
# its quotes may be escaped (`password is \"X\"` in a JSON string). An unquoted value does
# not start with an escaped line break: `Password:\nLogin Succeeded` is a prompt, then output.
_VALUE = (
    r"(?:\\{1,3}(?=[\"']))?(?P<q>[\"'`“‘])?"
    r"(?P<s>(?(q)[^\"'`“”‘’\r\n]{4,128}?|(?!\\{1,3}[nrt])[^\s\"'`“”‘’]{4,128}?))"
    r"(?(q)\\{0,3}(?P=q))"
    r"[”’]?(?=\*{0,2}[.,;:)\]]*(?:\s|$|<|\\n|\\?[\"']))"
)
# Markdown emphasis around a label (`**Password:** X`, `__Password__: X`).
_MD = r"(?:\*{1,2}|_{1,2})?"
# A verb, a colon or an arrow; or an opening parenthesis after a blank ("the DB password
# (X) is..."; `password('New password: ')` is a call). A verb starts a word: the qualifier
# before it may end inside one (`password for 'Unicode-MailList-Archives'` holds `ist`).
_VERB = (
    _MD + r"[ \t]*(?:\b(?:is|was|will[ \t]+be|should[ \t]+be|has[ \t]+been[ \t]+"
    r"(?:set|changed|reset)[ \t]+to|set[ \t]+to|changed[ \t]+to|reset[ \t]+to|now|ist|lautet"
    r"|est|es|é|è|era|är|er|jest|je|on)\b[ \t]*:?|:|->|→|(?<=[ \t])\()" + _MD
    + r"[ \t]*(?:\*{1,2})?"
)
_PASSWORD_WORDS = (
    r"(?:password|passwd|passphrase|pass[ \t]+phrase|pw|pwd|passcode|passwort|kennwort"
    r"|mot[ \t]+de[ \t]+passe|contrase(?:ñ|n)a|clave|senha|wachtwoord|hasło|haslo|lösenord"
    r"|adgangskode|salasana|parola|heslo)"
)
# "Credentials" in other languages, for `Zugangsdaten: admin / X`.
_CREDENTIAL_WORDS = r"zugangsdaten|credenziali|credenciales|credenciais|inloggegevens|identifiants"
# Up to a few words between the secret word and the verb: "password for the db is X"; not
# past a clause's comma ("password to X, please change it on first login": `on` is a verb
# in Polish, and the one match tried at the anchor took it).
_QUALIFIER_WORDS = (
    r"[ \t]+(?:(?:for|of|on|to|f(?:ü|u)r|pour|para|de|del|do|da|van|voor)[ \t]+"
    r"|(?:dell|dall|nell|d)['’])[^\s:=,]{1,40}(?:[ \t]+[^\s:=,]{1,40}){0,3}?"
)
_QUALIFIER = r"(?:" + _QUALIFIER_WORDS + r")?"


def _value_ok(match: re.Match[str], chosen: bool = False) -> bool:
    """The value a sentence gives a secret word; with `chosen` (a password word), letters
    mixed with digits pass even when they could be a code name (`chosen_password`)."""
    if match.string[match.start() - 1 : match.start()] in ("$", "@", "%"):
        return False  # `$pw->name`, `%password`: a variable named like the word
    return sentence_value(match.group("s"), chosen)


def sentence_value(value: str, chosen: bool) -> bool:
    """Whether `value`, given to a secret word in a sentence, reads as a credential: not a
    placeholder, a filler word, code, a path, words or a prompt (see `_value_ok`)."""
    if " " in value and (_WORDS_ONLY.fullmatch(value) or value.rstrip().endswith(":")):
        return False  # `"not set yet"`, `'New password: '`: words or a prompt in quotes
    bare = value.strip("*_")
    if bare != value and (bare.isalpha() or is_placeholder(bare)):
        return False  # `**required**`: a word in markdown emphasis
    if is_placeholder(value) or value.lower() in _FILLER or (
            looks_like_code(value) and not (chosen and chosen_password(value))):
        return False
    core = value.rstrip(".,;:)]}")
    if core != value and (len(core) < 4 or core.isalpha() or is_placeholder(core)
                          or _SENTENCE.match(core)):
        return False  # `password: str)`, `password is bad.`, `key is 255.`: not a value
    if _PATHLIKE.match(value):
        return False
    if looks_random(value, 12):
        return True
    return char_classes(value) >= 2 and not value.isalpha() and not _SENTENCE.match(value)


# A phrase that is itself the secret: a passphrase, a wallet's seed or recovery phrase
# (`seed phrase: abandon ability able ...`), 3-24 words of letters to the line's end. Words
# that hold a sentence together are never in one (BIP39's list has none of them; `use`,
# `above`, `protect` are in it, so they are not here): "the passphrase is used to encrypt
# the key" stays.
_PHRASE_WORDS = (r"(?:passphrase|pass[ \t]+phrase|seed[ \t]+phrase|recovery[ \t]+phrase"
                 r"|secret[ \t]+phrase|mnemonic(?:[ \t]+phrase)?)")
# A qualifier (`passphrase for the key is ...`) asks for its verb or colon after it.
_PHRASE = (_PHRASE_WORDS + r"(?:" + _QUALIFIER_WORDS + r"(?=[ \t]+(?:is|was)\b|[ \t]*[:=]))?"
           r"(?:[ \t]+(?:is|was))?[ \t]*[:=]?[ \t]*(?P<q>[\"'`])?"
           r"(?P<s>[A-Za-z]{2,16}(?:[ \t]+[A-Za-z]{2,16}){2,23})(?(q)(?P=q))"
           r"(?=[ \t]*(?:[.;]|\r?\n|\\{1,3}n|\\?\"|$))")
_GLUE = frozenset("""the a an to of and or is are was be been by for in on at with it its this that
    these those your you we our my their his her as from into not no must should can will may
    using protects protecting encrypt encrypts which what when where how if then than so do
    does see below here there required optional""".split())


def _phrase_ok(match: re.Match[str]) -> bool:
    """No word that holds a sentence together, and not all one word repeated."""
    words = match.group("s").lower().split()
    return not any(w in _GLUE for w in words) and len(set(words)) > 1


# "Use `X` as the password", "with 'X' as your passphrase": the value comes before the
# word. The match is the phrase; `_before_as` finds the value before it on its line.
_AS_PASSWORD = (r"as[ \t]+(?:(?:the|your|a|an|my|our|its|their)[ \t]+)?(?:[a-z]{2,20}[ \t]+)?"
                r"(?:password|passphrase|passwd|passcode|pw)\b")
# What ends right before the phrase: a quoted string (4-128 characters, no quote inside,
# one line) or a word, then blanks.
# "X is the admin password (for the staging box)": the value before the statement, which
# names the password and then ends its clause (`X is the password field` is not one).
_IS_PASSWORD = (r"(?:is|was)[ \t]+(?:the|my|our|your|its|their)[ \t]+(?:[\w\-]{2,20}[ \t]+){0,2}?"
                r"(?:password|passphrase|passwd|passcode|pw)" + _QUALIFIER
                + r"(?=[ \t]*(?:[.,;!)]|\r?\n|\\n|\\?\"|$))")
_BEFORE = re.compile(r"(?:[`\"'\u201c\u2018](?P<q>[^`\"'\u201c\u201d\u2018\u2019\r\n]{4,128})"
                     r"[`\"'\u201d\u2019]|(?<![^\s\"'])(?P<w>[^\s`\"'\u201c\u201d\u2018\u2019]{4,128}))"
                     r"[ \t]+\Z")
# How far back the value may start.
_BEFORE_WINDOW = 140


def _before_as(match: re.Match[str]) -> list[tuple[int, int]]:
    """The span of the value right before `as the password` on its line, judged as a
    password given in a sentence (`sentence_value`)."""
    at = match.start()
    found = _BEFORE.search(match.string, max(0, at - _BEFORE_WINDOW), at)
    if found is None:
        return []
    group = "q" if found.group("q") is not None else "w"
    if not sentence_value(found.group(group), chosen=True):
        return []
    return [found.span(group)]


# "user admin pass X", "username bob, password X": a user name, then a password word and its
# value, with no verb (`user bob: ...` is not taken: a colon there starts other text).
_USER_PASS = (r"user(?:name)?[ \t]*[:=]?[ \t]+(?P<u>[\w.@+\-]{1,64})[ \t]*[,;]?[ \t]+"
              r"(?:password|pass|pwd|pw)[ \t]*[:=]?[ \t]*" + _VALUE)
# "use admin:X to log in": the login glued with a colon, before the phrase that says so.
_TO_LOG_IN = r"to[ \t]+(?:log[ \t]?in|sign[ \t]?in|logon|authenticate)\b"
_LOGIN_BEFORE = re.compile(r"(?<!\S)[\"'`]?(?P<u>[\w.@+\-]{1,64}):(?P<s>[^\s\"'`]{4,128}?)"
                           r"[\"'`]?[ \t]+\Z")


def _login_before(match: re.Match[str]) -> list[tuple[int, int]]:
    """The password of the `user:password` word right before `to log in`."""
    at = match.start()
    found = _LOGIN_BEFORE.search(match.string, max(0, at - _BEFORE_WINDOW), at)
    if found is None or is_placeholder(found.group(0).strip()):
        return []  # `user:<password>`: a placeholder (`https://host`: a path, below)
    if not sentence_value(found.group("s"), chosen=True):
        return []
    return [found.span("s")]


_WORDS_ONLY = re.compile(r"[A-Za-z ]+")
# Letters mixed with digits, nothing else (`hunter2Secret`, `Summer2024`, `Tr0ub4dor`): a
# code name may look so too, but right after "password is" people write the password they
# chose. Names of hashes, encodings and types stay (`the password is sha256` ... hashed).
_CHOSEN = re.compile(r"(?=[A-Za-z]*[0-9])(?=[0-9]*[A-Za-z])[A-Za-z0-9]{6,64}")
_TECH = frozenset("""base32 base58 base64 sha1 sha224 sha256 sha384 sha512 sha3 md4 md5 utf8
    utf16 utf32 argon2 argon2i argon2d argon2id pbkdf2 aes128 aes192 aes256 rsa2048 rsa4096
    x509 ed25519 p256 p384 p521 int32 int64 uint32 uint64 float32 float64 http2 oauth2 ipv4
    ipv6 pkcs12 pkcs8 totp2fa""".split())


def chosen_password(value: str) -> bool:
    """Whether `value` (trailing sentence punctuation aside) mixes letters and digits
    only, as a chosen password does, and is no hash, encoding or type name."""
    core = value.rstrip(".,;:)]}")
    return _CHOSEN.fullmatch(core) is not None and core.lower() not in _TECH


def _password_ok(match: re.Match[str]) -> bool:
    return _value_ok(match, chosen=True)


def _secret_value_ok(match: re.Match[str]) -> bool:
    """`secret is "a-string-secret-at-least-256-bits-long"` describes a secret (jwt.io's
    sample); a password statement keeps whatever was typed. After `key is` / `token is`
    the value must not read as words (`the key is lower-case`, `token is write-protected`):
    keys and tokens are issued, not phrased; a secret may be a chosen phrase."""
    value = match.group("s")
    if not _value_ok(match) or self_described(value):
        return False
    core = value.rstrip(".,;:)]}")
    return not (match.group(0)[:3].lower() in ("key", "tok")
                and (reads_as_words(core) or _HYPHENATED.fullmatch(core) is not None))


# Lower-case letters joined by hyphens (`un-changed`, `greater-than-or-equal`): words.
_HYPHENATED = re.compile(r"[a-z]+(?:-[a-z]+)+")


def _password_direct_ok(match: re.Match[str]) -> bool:
    """`password X` with no verb: only values that cannot be an ordinary word."""
    value = match.group("s")
    return _value_ok(match, chosen=True) and (looks_random(value, 10) or char_classes(value) >= 3)


def _login_ok(match: re.Match[str]) -> bool:
    """`credentials: user:X`, unless `user:X` is a reference (`vault:secret/data/db`,
    `arn:aws:...`, `op://...`): a store's scheme reads as a user name before a colon."""
    value = match.group("s")
    if not any(c.isalnum() for c in match.group("u")):
        return False  # `docker login --password-stdin`: `--` is a flag's dashes, not a user
    if match.group("slash") and not (chosen_password(value) or looks_random(value, 12)
                                     or char_classes(value) >= 3):
        return False  # `admin/X` glued: a path (`aws/prod-db`) unless X reads as a password
    return _value_ok(match, chosen=True) and not is_placeholder(
        f"{match.group('u')}:{match.group('s')}")


def _word_value_ok(match: re.Match[str]) -> bool:
    """`token `X``, `key 'X'`: one word names the value, so the value must be one only
    its surroundings call secret (`redact.lone.lone_value`: drawn, or mixing three
    character classes; never a word, path, digest or id), and a `key` must not be a public
    one (`primary key`, `sort key`)."""
    text, start = match.string, match.start()
    if match.group("w").lower() == "key" and public_key_before(text, start):
        return False
    return (lone_value(match.group("s"), False, text[max(0, start - 80):start])
            and _secret_value_ok(match))


# Words that follow "password is" in ordinary prose.
_FILLER = frozenset(
    """required incorrect invalid wrong correct missing empty expired valid set unset
    optional needed stored hashed encrypted hidden shown changed reset weak strong too
    not the a an your my our their this that here there below above same different""".split()
)
# A path or a URL is what `pwd:` prints, not a credential.
_PATHLIKE = re.compile(
    r"^(?:~?/|\.{1,2}/|[A-Za-z]:\\|[a-z][a-z0-9+.-]*://)|^[\w.\-]*/[\w./\-]*\.[a-z]{1,5}$"
)
# A value that is the start of a sentence part rather than a credential (`e.g.`, `i.e.`).
# A quantity (`32bit`, `255`, `16-byte`, `500ms`) is a size, not a credential.
_SENTENCE = re.compile(r"(?i)^(?:e\.g|i\.e|etc|n/a|tbd|todo)\.?$|^\d{1,3}(?:[.,]\d+)?%?$"
                       r"|^\d+-?(?:bits?|bytes?|[kmgt]i?b|ms|chars?|characters?|digits?)$")

DETECTOR = Detector(
    name="prose",
    description="Passwords, PINs and keys given in sentences (several languages).",
    patterns=(
        Pattern(
            "prose_password",
            # `to`: "set the admin password to X" (the verb came before the word).
            # `auf`, `sur`, `a`, `naar`, `su`, `para`: the same in German, French, Spanish,
            # Dutch, Italian, Portuguese ("das Passwort auf X gesetzt").
            _PASSWORD_WORDS + _QUALIFIER + r"(?:" + _VERB
            + r"|[ \t]+(?:to|auf|sur|a|naar|su|para)[ \t]+)" + _VALUE,
            anchors=("password", "passwd", "passphrase", "pass phrase", "pw", "pwd",
                     "passcode", "passwort", "kennwort", "mot de passe", "contrase",
                     "clave", "senha", "wachtwoord", "haslo", "hasło", "lösenord",
                     "adgangskode",
                     "salasana", "parola", "heslo"),
            at_anchor=True,
            boundary=True,
            check=_password_ok,
            priority=CONTEXTUAL,
        ),
        Pattern(
            "prose_password",
            # (`pw` too: "the root pw X", "ssh in with pw X")
            r"(?:password|passphrase|passwd|pw)[ \t]+" + _VALUE,
            anchors=("password", "passphrase", "passwd", "pw"),
            at_anchor=True,
            boundary=True,
            check=_password_direct_ok,
            priority=CONTEXTUAL,
        ),
        Pattern(
            "prose_pin",
                    r"(?:pin|pin[ \t]+code|pin[ \t]+number|pin-code|code[ \t]+pin)(?:" + _VERB
            + r"|[ \t]+)(?P<s>\d{4,8})\b(?![-/.:]\d)",  # not a date, time or version
            anchors=("pin",),
            at_anchor=True,
            boundary=True,
            priority=CONTEXTUAL,
        ),
        Pattern(
            "prose_secret",
            # Anchored on the phrase itself (`token is`): the bare words are everywhere.
            r"(?:token|secret|key)[ \t]+(?:is|was|ist|est|es|é|è)\b[ \t]*:?[ \t]*" + _VALUE,
            anchors=tuple(f"{w} {v}" for w in ("token", "secret", "key")
                          for v in ("is", "was", "ist", "est", "es", "é", "è")),
            at_anchor=True,
            check=_secret_value_ok,
            priority=CONTEXTUAL,
        ),
        Pattern(
            "prose_secret",
            # A markdown label, bold around the colon (`**Token:** X`, `- **API key**: X`):
            # the emphasis keeps it from reading as an assignment.
            r"(?:token|secret|key)(?::\*{1,2}|\*{1,2}:)[ \t]*" + _VALUE,
            anchors=tuple(f"{w}{m}" for w in ("token", "secret", "key")
                          for m in (":**", ":*", "**:", "*:")),
            at_anchor=True,
            check=_secret_value_ok,
            priority=CONTEXTUAL,
        ),
        Pattern(
            "prose_word_secret",
            # One word right before a quoted value: "try again with token `X`". Anchored on
            # the word and the quote: on the bare keywords (generic_assignment's gated
            # anchors) any further gate expression cost 8-13 % of redaction CPU on
            # transcript fields, and unquoted ("use key X") is left to the value's own shape.
            # Quotes escaped alike on both sides are a JSON string's (`{:api-key \"X\"}` of
            # Clojure in a tool result); a backslash ends the value.
            r"(?P<w>token|secret|key)[ \t](?P<e>\\{0,3})[\"'`“‘](?P<s>[^\s\"'`“”‘’\\]{8,256})"
            r"(?P=e)[\"'`”’]",
            anchors=tuple(f"{w} {q}" for w in ("token", "secret", "key")
                          for q in ("`", "\"", "'", "“", "‘", "\\")),
            at_anchor=True,
            boundary=True,
            check=_word_value_ok,
            # the weakest context: any other detector's type wins where both find
            priority=GENERIC,
        ),
        Pattern(
            "prose_login",
            r"(?:login|log[ \t]+in|logon|sign[ \t]+in|credentials|creds|username[ \t]+and"
            r"[ \t]+password|user[ \t]*/[ \t]*pass(?:word)?|" + _CREDENTIAL_WORDS + r")"
            r"(?![\w.\-/])(?:[ \t]+(?:is|are|with|as))?"
            r"[ \t]*:?[ \t]*(?:[\"'`]|\*\*)?(?P<u>[\w.@+\-]{1,64})(?:[\"'`]|\*\*)?"
            r"(?:[ \t]+/[ \t]+|(?P<slash>/)|:|[ \t]*,?[ \t]*(?:password|pass|pw)[ \t]*:?[ \t]*"
            r"|[ \t]+(?:and|with)[ \t]+(?:password|pass|pw)?[ \t]*:?[ \t]*)(?:\*\*)?" + _VALUE,
            anchors=("login", "log in", "logon", "sign in", "credentials", "creds",
                     "username and password", "user/pass", "user / pass", "zugangsdaten",
                     "credenziali", "credenciales", "credenciais", "inloggegevens",
                     "identifiants"),
            at_anchor=True,
            boundary=True,
            check=_login_ok,
            priority=CONTEXTUAL,
        ),
        Pattern(
            "prose_password",
            _PHRASE,
            anchors=("passphrase", "pass phrase", "seed phrase", "recovery phrase",
                     "secret phrase", "mnemonic"),
            at_anchor=True,
            boundary=True,
            check=_phrase_ok,
            priority=CONTEXTUAL,
        ),
        Pattern(
            "prose_password",
            _IS_PASSWORD,
            # (`is the` is also where `is their` is: anchors stay prefix-free)
            anchors=tuple(f"{v} {a}" for v in ("is", "was")
                          for a in ("the", "my", "our", "your", "its")),
            at_anchor=True,
            expand=_before_as,
            priority=CONTEXTUAL,
        ),
        Pattern(
            "prose_login",
            _USER_PASS,
            anchors=("user",),
            at_anchor=True,
            boundary=True,
            check=_password_ok,
            priority=CONTEXTUAL,
        ),
        Pattern(
            "prose_login",
            _TO_LOG_IN,
            anchors=("to log", "to sign", "to logon", "to authenticate"),
            at_anchor=True,
            expand=_login_before,
            priority=CONTEXTUAL,
        ),
        Pattern(
            "prose_password",
            _AS_PASSWORD,
            # (`as the` is also where `as their` is: anchors stay prefix-free)
            anchors=("as the", "as your", "as a ", "as an ", "as my", "as our", "as its",
                     "as password", "as passphrase", "as passwd", "as passcode", "as pw"),
            at_anchor=True,
            # (no `boundary`: an `expand` pattern's function judges the context, and
            # `_before_as` asks for a blank before `as`: `Xk9...has the password` stays)
            expand=_before_as,
            priority=CONTEXTUAL,
        ),
    ),
)
