"""Detector: values given to secret-named keys, in every common syntax.

The key must contain a secret word (password, secret, token, api key, key...) that is not
part of another word (`tokenizer`, `monkey`) nor qualified by a non-secret suffix
(`password_file`, `token_type`): `redact/secret_names.py` says which keys qualify. This
module owns the contexts, each with value extraction that knows its quoting (a value is
neither cut short nor refused for its characters):

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
    token_shaped,
    type_name,
    word_share,
)
from cctrace.redact.secret_names import (
    CLOSE,
    KEY,
    KEYWORDS,
    after_escape,
    full_key,
    key_ok,
    name_start,
    password_slot,
    shape_ok,
    weak_key,
)
from cctrace.redact.stoplist import (
    is_placeholder,
    looks_like_code,
    password_value,
    plausible_secret,
    ssh_public_key,
    unquoted_secret,
)

# Assignment operators, optionally after a type (`string`, `: str`, `String`, Rust's `:
# &str`, `: &'static str`, Visual Basic's `As String`). A word after a closing quote is
# the next attribute of a tag (`name="password" autocomplete="..."`), not a type.
_TYPE = (
    r"(?:[ \t]*:[ \t]*&?(?:'static[ \t]+)?[A-Za-z_][\w.<>\[\]?|]{0,30}(?=[ \t]*=)"
    r"|(?<![\"'])[ \t]+(?:as[ \t]+)?[A-Za-z_][\w.<>\[\]]{0,30}(?=[ \t]+:?=|:=))?"
)
# (A spaced arrow is a log's mapping, `resolved API_TOKEN -> ...`; a glued one is a
# pointer's member, `tok->token->next`. R assigns with a spaced `<-` or `<<-`.)
_OP = (r"[ \t]*(?:=>|:::=|::=|:=|\?=|\+=|\.=|=|:|(?<=[ \t])->(?=[ \t])|(?<=[ \t])<<?-(?=[ \t]))"
       r"[ \t]*")
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
# Not cut at a `.properties` escape either (`\:`, `\=`, `\#`, `\!`: a password holding
# that character); other backslashes end it (`\n`, `\"` of a JSON string). A NUL ends it
# too: it separates `/proc/*/environ`'s and `env -0`'s variables.
_UVAL = (r"(?![=>\s\"'`\\\x00])(?P<s>(?:[^\s\"'`\\\x00]|\\[:=#!]){0,511}"
         r"(?:[^\s\"'`\\\x00,;)\]}>]|\\[:=#!]))")

_ENV_KEY = re.compile(r"[A-Z0-9_.\-]+")



def _quoted_ok(match: re.Match[str]) -> bool:
    if not key_ok(match) or _between_strings(match):
        return False
    value = match.group("s")
    if not shape_ok(match, value):
        return False
    if weak_key(match):
        return looks_random(value, 16) and plausible_secret(value, quoted=True, min_len=16)
    if password_slot(match):
        return password_value(value, quoted=True, env=False)
    return plausible_secret(value, quoted=True, min_len=6)


def _between_strings(match: re.Match[str]) -> bool:
    """`expect "password:"; send "x"`: the key sits inside a string (`"password:"`) that
    the quote seeming to open the value closes; what lies between two strings is code.
    Told apart from `"password: \\"x\\""` (a string holding an escaped quote) by the
    backslashes before each quote."""
    text = match.string
    if "fb" in match.re.groupindex and match.group("fb"):
        return False  # `getattr(s, "API_TOKEN", None) or "x"`: the read's fallback, code
    i = name_start(text, match.start("k"))
    opener = text[i - 1:i]
    if opener not in ("\"", "'"):
        return False
    level = _escapes(text, i - 1)
    quotes = [at for at in range(match.end("k"), match.start("s"))
              if text[at] == opener and _escapes(text, at) == level]
    return len(quotes) == 1  # `"password": "x"` has two: the key's close, the value's open


def _escapes(text: str, at: int) -> int:
    """How many backslashes stand right before `text[at]`, counted up to 4: a quote
    between a key and its value has at most 3 (the operator's `\\{0,3}`), so a longer run
    can match none of them and need not be walked."""
    n = 0
    while n < 4 and at - n > 0 and text[at - n - 1] == "\\":
        n += 1
    return n


def _unquoted_ok(match: re.Match[str]) -> bool:
    if not key_ok(match):
        return False
    value = match.group("s")
    if not shape_ok(match, value) or _alias(match, value) or _in_code(match, value):
        return False
    if weak_key(match):
        return looks_random(value, 16) and unquoted_secret(value, env=False)
    env = (_ENV_KEY.fullmatch(full_key(match)) is not None and not _subscript(match)
           ) or _log_pair(match)
    if password_slot(match):
        return password_value(value, quoted=False, env=env)
    return unquoted_secret(value, env=env)


def _alias(match: re.Match[str], value: str) -> bool:
    """The value names the key itself: `x=x` (a keyword argument passed on), `_DSAKey =
    DSAKey`, `KeyWithSerialization = Key`, `X = module.X`. A secret is not a piece of the
    name of the variable holding it."""
    if _NAME_PATH.fullmatch(value) is None:
        return False
    last = value.rpartition(".")[2].lstrip("_")
    return len(last) >= 4 and last in full_key(match)


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
    i = name_start(text, match.start("k"))
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
    i = name_start(text, start)
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
    i = name_start(text, start)
    if i > 0 and text[i - 1] not in " \t|/`'\"\n" and not after_escape(text, i):
        return False
    cell = match.group("cell")
    lead = LEAD.fullmatch(text, line_start(text, i) or 0, i)
    if lead is not None and lead.group("define"):
        # A C macro (`#define WIFI_PASSWORD "..."`): a quoted value is a string constant,
        # judged as a quoted assignment's; anything else is code (`OBJ_X509,35L`).
        # A value spelling the macro's own name (`SN_id_it_revPassphrase "id-it-revPassphrase"`)
        # is a name.
        own = _ALNUM_ONLY.sub("", match.group("s").lower())
        name = _ALNUM_ONLY.sub("", full_key(match).lower())
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
    if not key_ok(match):
        return False
    value = match.group("s")
    if len(value) < 6 or not shape_ok(match, value) or (
            weak_key(match) and not looks_random(value, 16)):
        return False
    return lone_value(value, password_slot(match), full_key(match))


# Hex of a SHA-1 or SHA-256's length in either case: a digest or a GPG fingerprint
# (`ENV GPG_KEY 7169605F...`) far more often than a key, with no operator saying otherwise.
HEX_DIGEST = re.compile(r"[0-9a-fA-F]{40}|[0-9a-fA-F]{64}")


def _word_ok(match: re.Match[str]) -> bool:
    """`the token <value>`, `ENV API_TOKEN <value>`, `api_key <value>`: no operator, one
    blank, so only a value that reads as drawn is one: not a word-made name
    (`sec_PKCS12SecretBag`, `NID_X9_62_id_ecPublicKey`: a C declaration or macro), a call,
    a digest, a placeholder or a filler."""
    text, value = match.string, match.group("s").rstrip("=")
    if text[match.end() : match.end() + 1] == "(" or not key_ok(match):
        return False
    if (word_share(value) > 0.25 or value in full_key(match) or ssh_public_key(value)
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


# Before an unquoted key of a pair: a tuple's opening brace (Erlang's `{password, "..."}`,
# Elixir's `{:password, "..."}`).
_TUPLE_OPEN = re.compile(r"\{[ \t]*:?\Z")
# The value a read falls back to when the variable is unset: JavaScript's and C#'s `||` /
# `??`, the elvis `?:` of Kotlin, Groovy and PHP, Python's and Lua's `or`, Ruby's block,
# Java's `Optional.orElse("...")`, Rust's `.unwrap_or("...")`, Scala's `.getOrElse("...")`,
# Python's conditional (`token if token else "..."`, `... is not None else "..."`), and a
# read given an empty default before the fallback (`getattr(s, "API_TOKEN", None) or "..."`).
_FALLBACK = (r"(?P<fb>[ \t]*,[ \t]*(?:None|nil|null|NULL|undefined)[ \t]*\)[ \t]*"
             r"(?:or|\|\||\?\?)[ \t]+"
             r"|[)\]}]?[ \t]*(?:\|\||\?\?|\?:|or(?=[ \t]))[ \t]*"
             r"|[ \t]+(?:is[ \t]+not[ \t]+none[ \t]+)?else[ \t]+"
             r"|\)[ \t]*\{[ \t]*"
             r"|\){1,3}\.(?:or_?else|unwrap_or|get_?or_?else|or_?default)\([ \t]*)")


def _pair_ok(match: re.Match[str]) -> bool:
    """("KEY", "value") pairs: lists of names (`'token_bytes', 'token_hex'`) are not. An
    unquoted key must open a tuple (`f(token, "...")` passes a variable) or be read with a
    fallback (`process.env.API_KEY || "..."`)."""
    value, text, start = match.group("s"), match.string, match.start("k")
    if match.group("kq") is None and match.group("fb") is None:
        i = name_start(text, start)
        if _TUPLE_OPEN.search(text, max(0, i - 4), i) is None:
            return False
    if text[start - 1 : start] == "/":
        return False  # `"kadmin/passwd", "kadmin/server"`: the "key" is a path
    if type_name(value) and type_name(full_key(match)):
        return False  # `'TKTokenKeychainKey', 'TKTokenPasswordAuthOperation'`: type names
    if _in_list(text, name_start(text, start), match.end()):
        return False
    return _quoted_ok(match) and (looks_random(value, 12) or not looks_like_identifier(value))


# A list of names is no pair: a string element before the key's (a pair's name opens its
# call or tuple), or one after the value's in a list no call opens (`["EXPAND", "EXPASS",
# "*EXPORT"]`); a call may go on (`setenv("API_KEY", "...", "User")`).
_ELEMENT_BEFORE = re.compile(r"[\"'][ \t]*,(?:[ \t]|\r?\n|\\n){0,40}\\{0,3}[\"']\Z")
_ELEMENT_AFTER = re.compile(r"[ \t]*,(?:[ \t]|\r?\n|\\n){0,40}\\{0,3}[\"']")
_LIST_OPEN = re.compile(r"(?<![\w)\]])[\[({][ \t]*\\{0,3}[\"']\Z")


def _in_list(text: str, key: int, end: int) -> bool:
    """The quoted key at `key` (its value's string ending at `end`) is one of a list's."""
    before = max(0, key - 64)
    return (_ELEMENT_BEFORE.search(text, before, key) is not None
            or (_LIST_OPEN.search(text, before, key) is not None
                and _ELEMENT_AFTER.match(text, end) is not None))


def _element_ok(match: re.Match[str]) -> bool:
    """`<...token>value</...token>`: the keyword sits inside an opening tag."""
    text, start = match.string, match.start("k")
    i = name_start(text, start, "_.-:")
    if i == 0 or text[i - 1] != "<":
        return False
    if not key_ok(match):
        return False
    value = match.group("s").strip()
    if not shape_ok(match, value):
        return False
    if weak_key(match):
        return looks_random(value, 16)
    if password_slot(match):
        return password_value(value, quoted=True, env=False)
    return plausible_secret(value, quoted=True, min_len=6)


_PATTERNS = (
    # key = "value" (all quote styles, a type between key and operator allowed)
    # (`@"..."`: an Objective-C string object, a C# verbatim string)
    Pattern("generic_secret", KEY + CLOSE + _TYPE + _OP + r"(?:[bruf]{0,2}|@)" + _QVAL,
            anchors=KEYWORDS, at_anchor=True, check=_quoted_ok, priority=GENERIC),
    # key = value (unquoted: env files, YAML, INI, properties, logs, flags in configs)
    Pattern("generic_secret", KEY + CLOSE + _TYPE + _OP + _UVAL,
            anchors=KEYWORDS, at_anchor=True, check=_unquoted_ok, priority=GENERIC),
    # ("KEY", "value"): setProperty, env defaults, dict/tuple pairs; Erlang's and Elixir's
    # tuples (`{password, "..."}`, an Erlang binary `<<"...">>`); the fallback of a read
    # (`process.env.API_KEY || "..."`, `getenv('API_KEY') ?: '...'`, `config("DB_PASSWORD",
    # default="...")`, Ruby's `ENV.fetch("API_KEY") { "..." }`)
    Pattern("generic_secret", KEY + r"(?P<kq>\\{0,3}[\"'])?"
            r"(?:[ \t]*,[ \t]*(?:default[ \t]*[=:][ \t]*)?|" + _FALLBACK + r")(?:<<)?" + _QVAL,
            anchors=KEYWORDS, at_anchor=True, check=_pair_ok, priority=GENERIC),
    # key="Password" value="..." / "name": "token", "value": "..."
    Pattern("generic_secret", KEY + r"\\{0,3}[\"'][ \t]*,?[ \t]*\\{0,3}[\"']?value\\{0,3}"
            r"[\"']?[ \t]*[=:][ \t]*" + _QVAL,
            anchors=KEYWORDS, at_anchor=True, check=_quoted_ok, priority=GENERIC),
    # One pattern for two contexts (a pattern more is a `match` more at every keyword hit):
    # - a row of a table or `column -t`: `name | value`, `name<TAB>value`, `NAME   value`;
    # - a value cut by its line's end, never a find but a near miss (`redact.views`) that
    #   opens a wrap window when the line is a wrapped one: a quote left open (`"ghToken":
    #   "ghp_`), `KEY=` glued (env, logs, flags) or a spaced arrow before it. A spaced
    #   `key = value` ending a line of code is not tried.
    Pattern("generic_secret", KEY + CLOSE + r"(?:(?P<cell>[`'\"]?(?:[ \t]*\|[ \t]*|\t[ \t]*"
            r"| {2,}| (?=[\"']))[`'\"]?(?![=:]))"
            r"|[ \t]*(?:=>|:=|=|:)[ \t]*\\{0,3}[\"'`]|=|[ \t]+->[ \t]+)"
            r"(?P<s>[^\s|`'\"\\\x00]{1,512})[`'\"]?[ \t]*(?=\||\r?\n|\\n|$)",
            anchors=KEYWORDS, at_anchor=True, check=_cell_ok, priority=GENERIC),
    # `the token <drawn>`, `ENV API_TOKEN <drawn>`: one blank and a token that reads as drawn
    Pattern("generic_secret", KEY + r" (?P<s>[A-Za-z0-9][A-Za-z0-9_\-+/=]{15,255})"
            r"(?![A-Za-z0-9_\-+/=@]|\.[A-Za-z0-9])",
            anchors=KEYWORDS, at_anchor=True, check=_word_ok, priority=GENERIC),
    # <xToken>value</xToken>, the value possibly on its own line
    Pattern("generic_secret", KEY + r"(?:[ \t][^<>\n]{0,200})?>[ \t\r\n]*"
            r"(?P<s>[^<\r\n]{1,512}?)[ \t\r\n]*</",
            anchors=KEYWORDS, at_anchor=True, check=_element_ok, priority=GENERIC),
)

DETECTOR = Detector(
    name="generic_assignment",
    description="Secret-named keys given a value, in code, config, env files, XML and logs.",
    patterns=_PATTERNS,
)
