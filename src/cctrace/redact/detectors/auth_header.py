"""Detector: HTTP `Authorization` headers and bare `Bearer`/`Basic` credentials.

Catches `Authorization: Bearer x`, `-H "Authorization: token x"`, JSON header maps and
`Basic` credentials (checked to decode to `user:password`); and cookies in `Set-Cookie:` /
`Cookie:` headers (`curl -v`, HTTP dumps): a session-named cookie's value whatever it looks
like, any other cookie's when it reads as drawn (`lang=en-US` stays); and the password of
an HTTP auth pair given in code (`requests.get(url, auth=("deploy", "..."))`,
`HTTPBasicAuth("deploy", "...")`, Go's `SetBasicAuth(user, "...")`, OkHttp's
`Credentials.basic("u", "...")`, Guzzle's `'auth' => ['u', '...']`), and of the calls
that take a login and its password as arguments (`smtp.login("me", "...")`, `new
PDO($dsn, 'root', '...')`). Rust's, C#'s and Ruby's clients take a bearer token as its own
argument (`.bearer_auth("...")`, `AuthenticationHeaderValue("Bearer", "...")`).
"""

from __future__ import annotations

import base64
import binascii
import re

from cctrace.redact.detectors.base import STRUCTURAL, Detector, Pattern, shannon_entropy
from cctrace.redact.randomness import looks_random
from cctrace.redact.stoplist import is_placeholder, looks_like_code, password_value, unescape

# A string literal's prefix before the header value's quote: Python `f"Token {x}"` written
# with the token inline, `r"..."`, `b"..."`, C# `$"..."` / `@"..."`.
_STRING_PREFIX = r"(?:(?:[rbuf]{1,2}|[@$]{1,2})(?=\\{0,3}[\"']))?"


def _token_ok(value: str) -> bool:
    return not is_placeholder(value) and shannon_entropy(value) >= 3.0


def _header_ok(match: re.Match[str]) -> bool:
    """Without an auth scheme word, `authorization = headers.get(...)` is code, not data;
    a value opening a call is code whatever precedes it (C#'s `Authorization = new
    AuthenticationHeaderValue(...)` reads `new` as the scheme)."""
    if match.string[match.end("s"):match.end("s") + 1] == "(":
        return False
    return match.group("scheme") is not None or not looks_like_code(match.group("s"))


def _basic_ok(value: str) -> bool:
    # Padding is re-derived from the length: a value written with one `=` too many
    # (`dXNlcjpwYXM==`) is still the same credential.
    body = value.rstrip("=")
    try:
        raw = base64.b64decode(body + "=" * (-len(body) % 4), validate=True)
        text = raw.decode("utf-8")
    except (ValueError, binascii.Error, UnicodeDecodeError):
        return False
    return ":" in text and text.isprintable()


# Cookie names that say the value is a credential (`session`, `connect.sid`, `auth_token`,
# `remember_user_token`, `PHPSESSID`, `__Host-jwt`).
_SESSION_NAME = re.compile(r"(?i)sess|sid|token|auth|jwt|remember|login|secret|key|csrf")
_PAIR = re.compile(r"\s*([^=;\s]{1,64})=([^;]*)")


def cookie_ok(name: str, value: str) -> bool:
    """A cookie's value is a credential: 8+ characters, no placeholder, and a session-like
    name (`_SESSION_NAME`) or a value that reads as drawn."""
    value = value.strip().strip('"')
    if len(value) < 8 or is_placeholder(value):
        return False
    return _SESSION_NAME.search(name) is not None or looks_random(unescape(value), 16)


def _pair_password_ok(value: str) -> bool:
    """The second string of an auth pair: any typed value that is not a placeholder."""
    return not is_placeholder(value)  # `$PASS`, `${PW}` are placeholders; `$3cret!` is not


def _same_quotes(match: re.Match[str]) -> bool:
    """Each string of an auth pair closes with the quote (and JSON escaping) it opened
    with. Checked here, not by a back-reference in the pattern: `redact.gates` cannot
    translate one, and `auth` then could not be a gated anchor. A string holds no quote
    nor backslash, so where each quote run starts and ends is fixed by the text: the
    pattern and this check accept exactly what `(?P=q)` / `(?P=r)` accepted."""
    if match.group("q") != match.group("qe") or match.group("r") != match.group("re"):
        return False
    # After a name (`SetBasicAuth(user, "...")`) the call may be any `...auth(x, "...")`
    # (`oauth(client, "https://...")`): the string must read as a typed password.
    return match.group("q") is not None or password_value(match.group("s"), quoted=True,
                                                          env=False)


# Calls taking a login and its password as arguments. The password is the second argument
# (`smtp.login("me", "pw")`, `NetworkCredential("me", "pw")`, `oci_connect("u", "pw")`) or
# the third (`new PDO($dsn, 'root', 'pw')`, `mysqli_connect("h", "u", "pw")`,
# `DriverManager.getConnection(url, "u", "pw")`, `signInWithEmailAndPassword(auth, e, "pw")`,
# Perl's `DBI->connect($dsn, "u", "pw")`).
_SECOND = ("login", "networkcredential", "passwordauthentication", "usernamepasswordcredentials",
           "usernamepasswordauthenticationtoken", "passwordcredential", "simple_bind_s",
           "simple_bind", "bind_s", "basicawscredentials", "oci_connect", "ocilogon")
_THIRD = ("pdo", "mysql_connect", "mysqli_connect", "mysqli", "mssql_connect", "getconnection",
          "pymysql.connect", "mysqldb.connect", "signinwithemailandpassword",
          "createuserwithemailandpassword", "ftp_login", "ldap_bind", "imap_open",
          "ssh2_auth_password", "dbi->connect", "dbi->connect_cached")
# An argument before the password: a string, or a name, attribute or PHP variable.
_ARG = r"(?:\\{0,3}[\"'][^\"'\n\\]{0,256}\\{0,3}[\"']|[$\w.\[\]>\-]{1,128})"
_PW_ARG = (r"(?P<r>\\{0,3}[\"'])(?P<s>[^\"'\n\\]{4,256})(?P<re>\\{0,3}[\"'])"
           r"(?=[ \t]*[,).])")


def _call_password_ok(match: re.Match[str]) -> bool:
    """The password argument closes with the quote it opened with and is one a person
    may have chosen (no placeholder, reference or code name: `stoplist.password_value`)."""
    return (match.group("r") == match.group("re")
            and password_value(match.group("s"), quoted=True, env=False))


# A bearer token given as its own string argument: after the scheme's string
# (C#'s `AuthenticationHeaderValue("Bearer", "...")`, Faraday's `:authorization, 'Bearer',
# '...'`) or to a call naming the scheme (reqwest's `.bearer_auth("...")`).
_BEARER_ARG = (r"bearer(?:\\{0,3}[\"'][ \t]*,|_auth[ \t]*\(|(?P<atom>[ \t]*,))[ \t]*"
               r"(?P<r>\\{0,3}[\"'])"
               r"(?P<s>[A-Za-z0-9._~+/\-]{16,4096}=*)(?P<re>\\{0,3}[\"'])")


def _quotes_close(match: re.Match[str]) -> bool:
    return match.group("r") == match.group("re")


def _bearer_arg_ok(match: re.Match[str]) -> bool:
    """After the scheme's string or call; after a bare `bearer,` only as Elixir's atom in
    a tuple (`auth: {:bearer, "..."}`): `f(bearer, "...")` passes a variable."""
    text, start = match.string, match.start()
    if match.group("atom") is not None and _ATOM_OPEN.search(text, max(0, start - 4),
                                                              start) is None:
        return False
    return _quotes_close(match)


_ATOM_OPEN = re.compile(r"\{[ \t]?:\Z")
# Elixir's and Erlang's scheme tuples: `{:basic, "user", "..."}`, `{:basic, "user:..."}`.
_TUPLE_OPEN = r"\{[ \t]?:(?:basic|digest)[ \t]*,[ \t]*"
_USER_STR = r"(?P<q>\\{0,3}[\"'])[^\"'\n\\:]{1,128}"
_PW_STR = r"(?P<r>\\{0,3}[\"'])(?P<s>[^\"'\n\\]{4,256})(?P<re>\\{0,3}[\"'])[ \t]*\}"


def _set_cookie_ok(match: re.Match[str]) -> bool:
    return cookie_ok(match.group("n"), match.group("s"))


def _cookie_header_ok(match: re.Match[str]) -> bool:
    """A `Cookie:` header is redacted whole when any of its pairs is a credential."""
    return any(cookie_ok(n, v) for n, v in _PAIR.findall(match.group("s")))


DETECTOR = Detector(
    name="auth_header",
    description="Authorization headers, Bearer tokens and Basic credentials.",
    patterns=(
        Pattern(
            "authorization_header",
            r"(?:proxy-)?authorization\\{0,3}[\"']?\s*[:=]\s*" + _STRING_PREFIX
            + r"\\{0,3}[\"']?\s*"
            r"(?:(?P<scheme>bearer|basic|token|bot|apikey|api-key|sso-key|key|ssws"
            r"|[A-Za-z][A-Za-z0-9_\-]{1,24})\s+)?"
            r"(?P<s>[A-Za-z0-9._~+/=:\-]{8,4096})",
            anchors=("authorization",),
            at_anchor=True,
            validate=_token_ok,
            check=_header_ok,
            priority=STRUCTURAL - 5,
        ),
        Pattern(
            "bearer_token",
            r"bearer\s+(?P<s>[A-Za-z0-9._~+/\-]{16,4096}=*)",
            anchors=("bearer ",),
            at_anchor=True,
            validate=_token_ok,
            priority=STRUCTURAL - 5,
        ),
        Pattern(
            "basic_auth",
            r"basic\s+(?P<s>[A-Za-z0-9+/]{8,1024}={0,2})(?![A-Za-z0-9+/=])",
            anchors=("basic ",),
            at_anchor=True,
            validate=_basic_ok,
            priority=STRUCTURAL,
        ),
        Pattern(
            "basic_auth",
            r"(?:auth|httpbasicauth|httpdigestauth|basicauth|credentials\.basic)[ \t]*"
            r"(?:=[ \t]*|\\{0,3}[\"'][ \t]*=>[ \t]*(?=\[)|:[ \t]*(?=\{))?(?:[(\[{]|[ \t])[ \t]*"
            r"(?:(?P<q>\\{0,3}[\"'])[^\"'\n\\]{1,128}(?P<qe>\\{0,3}[\"'])|[\w.$]{1,64})"
            r"[ \t]*,[ \t]*(?:Some\()?"
            r"(?P<r>\\{0,3}[\"'])(?P<s>[^\"'\n\\]{4,256})(?P<re>\\{0,3}[\"'])[ \t]*"
            r"(?:[)\]}]|(?=[;\r\n\"]|\\[rn]|$))",
            anchors=("auth", "httpbasicauth", "httpdigestauth", "basicauth",
                     "credentials.basic"),
            at_anchor=True,
            validate=_pair_password_ok,
            check=_same_quotes,
            priority=STRUCTURAL,
        ),
        Pattern(
            "bearer_token",
            _BEARER_ARG,
            anchors=("bearer",),
            at_anchor=True,
            validate=_token_ok,
            check=_bearer_arg_ok,
            priority=STRUCTURAL - 5,
        ),
        Pattern(
            "basic_auth",
            _TUPLE_OPEN + _USER_STR + r"(?P<qe>\\{0,3}[\"'])[ \t]*,[ \t]*" + _PW_STR,
            anchors=("{:basic", "{:digest", "{ :basic", "{ :digest"),
            at_anchor=True,
            validate=_pair_password_ok,
            check=_same_quotes,
            priority=STRUCTURAL,
        ),
        Pattern(
            "basic_auth",
            _TUPLE_OPEN + r"(?P<r>\\{0,3}[\"'])[^\"'\n\\:]{1,128}:(?P<s>[^\"'\n\\]{4,256})"
            r"(?P<re>\\{0,3}[\"'])[ \t]*\}",
            anchors=("{:basic", "{:digest", "{ :basic", "{ :digest"),
            at_anchor=True,
            validate=_pair_password_ok,
            check=_quotes_close,
            priority=STRUCTURAL,
        ),
        Pattern(
            "basic_auth",
            r"curlopt_userpwd[ \t]*,[ \t]*(?P<r>\\{0,3}[\"'])[^\"':\n\\]{1,128}:"
            r"(?P<s>[^\"'\n\\]{4,256})(?P<re>\\{0,3}[\"'])",
            anchors=("curlopt_userpwd",),
            at_anchor=True,
            validate=_pair_password_ok,
            check=_quotes_close,
            priority=STRUCTURAL,
        ),
        Pattern(
            "session_cookie",
            r"set-cookie[ \t]*:[ \t]*(?P<n>[^=;\s]{1,64})=(?P<s>\"?[^;\s\"]{1,4096}\"?)",
            anchors=("set-cookie",),
            at_anchor=True,
            check=_set_cookie_ok,
            priority=STRUCTURAL,
        ),
        Pattern(
            "session_cookie",
            r"(?<![\w-])cookie[ \t]*:[ \t]*(?P<s>[^=;\s]{1,64}=[^\r\n'\"]{1,4096})",
            anchors=("cookie:", "cookie :"),
            at_anchor=True,
            check=_cookie_header_ok,
            priority=STRUCTURAL,
        ),
        Pattern(
            "call_password",
            r"(?<![\w$])(?:" + "|".join(re.escape(n) for n in _SECOND) + r")[ \t]*\([ \t]*"
            + _ARG + r"[ \t]*,[ \t]*" + _PW_ARG,
            anchors=_SECOND,
            at_anchor=True,
            check=_call_password_ok,
            priority=STRUCTURAL,
        ),
        Pattern(
            "call_password",
            r"(?<![\w$])(?:" + "|".join(re.escape(n) for n in _THIRD) + r")[ \t]*\([ \t]*"
            + _ARG + r"[ \t]*,[ \t]*" + _ARG + r"[ \t]*,[ \t]*" + _PW_ARG,
            anchors=_THIRD,
            at_anchor=True,
            check=_call_password_ok,
            priority=STRUCTURAL,
        ),
    ),
)
