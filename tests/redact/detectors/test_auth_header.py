"""`detectors/auth_header.py`: which header values are tokens (3.0+ bits, no placeholder),
when a scheme-less `authorization` value is code, which `Basic` values decode to
`user:password`, and which type an `Authorization: Basic/Bearer` header takes."""

from __future__ import annotations

import base64
import re

import pytest

from cctrace.redact import registry
from cctrace.redact.engine import Finding, SecretRedactor
from cctrace.redact.stoplist import is_placeholder


def _alone() -> SecretRedactor:
    return SecretRedactor([registry.load("auth_header")], b"k" * 32)


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode().rstrip("=")


def _finds(text: str, value: str, typ: str) -> None:
    at = text.index(value)
    assert _alone().explain(text) == [Finding(typ, "auth_header", at, at + len(value))]


def _none(text: str) -> None:
    r = _alone()
    assert r.explain(text) == []
    assert r.redact_text(text) == text


def test_bearer_entropy_bound() -> None:
    _finds("sent Bearer 0123456701234567 ok", "0123456701234567", "bearer_token")  # 3.0
    _none("sent Bearer 0123456001234560 ok")                                        # 2.8
    _none("sent Bearer your-api-token-goes-here ok")  # a placeholder, 3.6 bits


def test_scheme_less_authorization_value() -> None:
    _finds("authorization: Zk3jQ9xLm2Pq8Rt5", "Zk3jQ9xLm2Pq8Rt5", "authorization_header")
    _none("authorization = self.access_token")
    # with a scheme the value is taken even when it reads like code
    _finds("Authorization: Token self.access_token", "self.access_token",
           "authorization_header")


@pytest.mark.parametrize("cred", [b"user:pass", b"user:pas", b"user:pa", b"u:password12"])
def test_basic_decodes_to_user_and_password(cred: bytes) -> None:
    value = _b64(cred)  # unpadded, every length mod 4
    _finds(f"Basic {value} ok", value, "basic_auth")


@pytest.mark.parametrize("cred", [b"user:pas", b"user:pass", b"u:password12", "user:pw×".encode()])
def test_basic_with_padding_written_too_long(cred: bytes) -> None:
    # `dXNlcjpwYXM==`: one `=` more than the length calls for is still the credential
    # (`user:pw×` ends its base64 in `X`: only `=` may be stripped, or a byte of `×` goes).
    value = _b64(cred) + "=="
    _finds(f"Basic {value} ok", value, "basic_auth")
    out = _alone().redact_text(f"Authorization: Basic {value}\n")
    assert _b64(cred)[:12] not in out and "[REDACTED:" in out


def test_basic_that_is_not_a_credential() -> None:
    _none("Basic abcdefgh ok")                              # bytes, not UTF-8
    _none(f"Basic {_b64(b'hello world, no colon')} ok")     # no colon
    _none(f"Basic {_b64(b'user:pass' + bytes([7]))} ok")    # not printable
    assert len({len(_b64(c)) % 4 for c in (b"user:pass", b"user:pas", b"user:pa")}) == 3


def test_which_type_an_authorization_header_takes() -> None:
    basic = _b64(b"deploy:S3cret-pw")
    text = f"Authorization: Basic {basic}"
    assert _alone().explain(text) == [Finding("basic_auth", "auth_header", 21, 21 + len(basic))]
    tok = "Zk3jQ9xLm2Pq8Rt5Zk3j"
    text = f"Authorization: Bearer {tok}"
    assert _alone().explain(text) == \
        [Finding("authorization_header", "auth_header", 22, 22 + len(tok))]


# --- cookies (layouts benchmark, issue 13) ----------------------------------------------
@pytest.mark.parametrize("text, value", [
    ("< Set-Cookie: session=5bdd670b22edc83e34812e7cd695a6f4; Path=/; HttpOnly\n",
     "5bdd670b22edc83e34812e7cd695a6f4"),
    ("< set-cookie: PHPSESSID=FalconGranite_62; path=/\n", "FalconGranite_62"),   # chosen
    ("Set-Cookie: connect.sid=RocketDragon%4075; Path=/", "RocketDragon%4075"),
    ("Set-Cookie: remember_token=Tr0ub4do", "Tr0ub4do"),                        # 8 chars
    ("Set-Cookie: prefs=Kq8Zr2Lk9Vb4Nm7X; Path=/", "Kq8Zr2Lk9Vb4Nm7X"),         # drawn
    ('Set-Cookie: __Host-jwt="Kq8Zr2Lk9Vb4Nm7X.ab"; Secure', '"Kq8Zr2Lk9Vb4Nm7X.ab"'),
    ("> Cookie: lang=en-US; sid=2nXUUtRnEIzNZlzcQyfzZgUrmN\n",
     "lang=en-US; sid=2nXUUtRnEIzNZlzcQyfzZgUrmN"),
    ("> cookie : theme=dark; csrftoken=Maple-3480x\n", "theme=dark; csrftoken=Maple-3480x"),
])
def test_cookie_credentials(text: str, value: str) -> None:
    _finds(text, value, "session_cookie")


@pytest.mark.parametrize("text", [
    "Set-Cookie: session=abcdefg; Path=/",                 # 7 chars
    "Set-Cookie: lang=en-US-variant; Path=/",              # not session-named, typed
    "Set-Cookie: prefs=Kq8Zr2Lk9Vb4Nm7; Path=/",           # 15 drawn chars: too short
    "Set-Cookie: session=<session-id>; Path=/",            # a placeholder
    "Set-Cookie: session=${SESSION}; Path=/",
    "> Cookie: lang=en-US; theme=dark-mode-enabled\n",
    "> Cookie: sid=changeme\n",
    "X-Set-Cookie-Policy: strict\n",
    "my-cookie: sid=2nXUUtRnEIzNZlzcQyfzZgUrmN\n",          # not the Cookie header
    "document.cookie = 'sid=2nXUUtRnEIzNZlzcQyfzZgUrmN'\n",
])
def test_cookies_that_are_not_credentials(text: str) -> None:
    _none(text)


# --- HTTP auth pairs in code -------------------------------------------------------------
@pytest.mark.parametrize("text, value", [
    ('requests.get(url, auth=("deploy", "x4M2DOMd+EDRk0W3"), timeout=10)', "x4M2DOMd+EDRk0W3"),
    ("requests.get(url, auth = ('deploy', 'Summer2024!'))", "Summer2024!"),
    ('session.auth = HTTPBasicAuth("deploy", "Tr0ub4dor&3")', "Tr0ub4dor&3"),
    ('HTTPDigestAuth( "u" , "Tr0ub4dor&3" )', "Tr0ub4dor&3"),
    ('client = BasicAuth("u", "p4ss")', "p4ss"),                              # 4 chars
    ("auth=('deploy', \"mixed-quotes\")", "mixed-quotes"),
    ('auth=("deploy", "$3cret!pw")', "$3cret!pw"),                           # not a $VAR
    ('{"code": "auth=(\\"deploy\\", \\"Tr0ub4dor&3\\")"}', "Tr0ub4dor&3"),    # JSON
    # probes-8: a name for the user, a typed password (it was refused as no literal pair)
    ('auth=(user, "Tr0ub4dor&3")', "Tr0ub4dor&3"),
])
def test_auth_pairs_in_code(text: str, value: str) -> None:
    _finds(text, value, "basic_auth")


@pytest.mark.parametrize("text", [
    'auth=("deploy", "pw1")',                 # 3 chars
    'auth=("deploy", "${DEPLOY_PASSWORD}")',
    'auth=("deploy", "$PASS")',
    'auth=("deploy", password)',              # a name, not a value
    'oauth(client, "https://accounts.example.com/o/oauth2")',  # a name, then no password
    'get_auth(request, "default")',
    'author("deploy", "Tr0ub4dor&3")',
])
def test_auth_pairs_that_are_not_credentials(text: str) -> None:
    _none(text)


# The pair's pattern as it was with back-references (`(?P=q)`, `(?P=r)`), which
# `redact.gates` cannot translate: the pattern without them plus `_same_quotes` must
# find exactly what this found, for every way of quoting each string.
_BACKREF_PAIR = re.compile(
    r"(?:auth|httpbasicauth|httpdigestauth|basicauth)[ \t]*(?:=[ \t]*)?\([ \t]*"
    r"(?P<q>\\{0,3}[\"'])[^\"'\n\\]{1,128}(?P=q)[ \t]*,[ \t]*(?P<r>\\{0,3}[\"'])"
    r"(?P<s>[^\"'\n\\]{4,256})(?P=r)[ \t]*\)", re.IGNORECASE)
# No backslash, one to three (JSON-escaped once, twice, thrice), four (one too many).
_QUOTES = [b + q for b in ("", "\\", "\\\\", "\\\\\\", "\\\\\\\\") for q in "\"'"]


def _old_pair(text: str) -> list[Finding]:
    m = _BACKREF_PAIR.match(text)
    if m is None or is_placeholder(m.group("s")):
        return []
    return [Finding("basic_auth", "auth_header", m.start("s"), m.end("s"))]


@pytest.mark.parametrize("q1", _QUOTES)
@pytest.mark.parametrize("q2", _QUOTES)
def test_auth_pair_quotes_match_as_with_back_references(q1: str, q2: str) -> None:
    red = _alone()
    found = 0
    for e1 in _QUOTES:
        for e2 in _QUOTES:
            text = f"auth=({q1}deploy{e1}, {q2}Tr0ub4dor&3{e2})"
            assert red.explain(text) == _old_pair(text), text
            found += bool(_old_pair(text))
    # Same quote and escaping on both sides of each string: the one closing per opening.
    assert found == (1 if not q1.startswith("\\\\\\\\") and not q2.startswith("\\\\\\\\")
                     else 0)


# -- a login's password as a call's argument ------------------------------------------------
PW = "hunter2Secret"


@pytest.mark.parametrize("text", [
    f'smtp.login("me@gmail.com", "{PW}")',
    f"ftp.login('admin', '{PW}')",
    f'server.login(user, "{PW}")',                         # the user a variable
    f'new NetworkCredential("admin", "{PW}", "CORP")',     # a third argument after it
    f'new PasswordAuthentication("admin", "{PW}".toCharArray())',
    f'new UsernamePasswordCredentials("admin", "{PW}")',
    f'conn.simple_bind_s("cn=admin,dc=x", "{PW}")',
    f'oci_connect("scott", "{PW}", "//db/orcl")',
    f'LOGIN ( "admin" , "{PW}" )',                        # any case, blanks around
    f"$conn = new PDO($dsn, 'root', '{PW}');",
    f'mysql_connect("localhost", "root", "{PW}");',
    f'mysqli_connect($h, $u, "{PW}", $db)',
    f'DriverManager.getConnection(url, "app", "{PW}")',
    f'pymysql.connect("db", "app", "{PW}")',
    f'signInWithEmailAndPassword(auth, "a@b.c", "{PW}")',
    f'ftp_login($ftp, "user", "{PW}")',
    f'{{"c": "smtp.login(\\"me\\", \\"{PW}\\")"}}',            # in a JSON string
])
def test_a_logins_password_in_a_call(text: str) -> None:
    _finds(text, PW, "call_password")


def test_a_call_password_is_judged_quoted() -> None:
    # A name-like value is a password in quotes (unquoted it would be code).
    _finds('login("me", "new_pass99")', "new_pass99", "call_password")


@pytest.mark.parametrize("text", [
    'client.login("admin", "admin")',            # a placeholder
    'login("user", "<password>")',
    'login(user, "Password")',
    'login("user", os.environ["PW"])',           # not a string
    "self.client.login(username, password)",
    f'blogin("user", "{PW}")',                   # a longer name
    f'$login("user", "{PW}")',
    f'login("user", "{PW}\')',                    # the quotes do not pair
    f'login("user") + "{PW}"',                   # not an argument
    f'PDO($dsn, "{PW}")',                        # the second of three: a user
    f'login("user", "{PW}" + suffix)',           # an expression
    'login("user", "${DB_PASSWORD}")',           # a reference
])
def test_other_calls_and_arguments_stay(text: str) -> None:
    _none(text)


@pytest.mark.parametrize("text", [
    'my $dbh = DBI->connect("dbi:Pg:dbname=prod;host=db", "app", "Xenon!Lamp22");',
    "my $dbh = DBI->connect($dsn, 'app', 'Xenon!Lamp22', { RaiseError => 1 });",
    'DBI->connect_cached($dsn, $user, "Xenon!Lamp22")',
])
def test_perl_dbi_connect(text: str) -> None:
    _finds(text, "Xenon!Lamp22", "call_password")


@pytest.mark.parametrize("text", [
    'DBI->connect($dsn, $user, $password)',
    'DBI->connect("dbi:SQLite:dbname=x.db", "", "")',
    'MyDBI->connect($dsn, "app", "Xenon!Lamp22")',            # another class
])
def test_perl_dbi_connect_without_a_password(text: str) -> None:
    _none(text)


@pytest.mark.parametrize("prefix", ["f", "r", "b", "u", "rb", "fr", "$", "@", "$@"])
def test_a_string_prefix_before_the_header_value(prefix: str) -> None:
    token = "058f09f3fdccaa7080e0d5c17d18644f60fef62c"
    _finds(f'headers = {{"Authorization": {prefix}"Token {token}"}}', token,
           "authorization_header")
    _finds(f"req.headers.authorization = {prefix}'token {token}'", token,
           "authorization_header")


@pytest.mark.parametrize("text", [
    'headers = {"Authorization": f"Token {token}"}',   # the value is a placeholder
    'headers = {"Authorization": fetch_header(key)}',  # a call, not a string
    'authorization = bu',                               # too short for a value
])
def test_a_prefix_letter_is_no_value(text: str) -> None:
    _none(text)


TOKEN = "7AeaumpdRhZeVOnslUb3nWk46Di6EKiYLvwlMXcT"


@pytest.mark.parametrize("text", [
    f'new AuthenticationHeaderValue("Bearer", "{TOKEN}");',        # C#
    f"conn.request :authorization, 'Bearer', '{TOKEN}'",           # Ruby's Faraday
    f'client.get(url).bearer_auth("{TOKEN}").send()',               # Rust's reqwest
    f'{{\\"auth\\": [\\"Bearer\\", \\"{TOKEN}\\"]}}',                # JSON-escaped quotes
])
def test_a_bearer_token_as_its_own_argument(text: str) -> None:
    _finds(text, TOKEN, "bearer_token")


@pytest.mark.parametrize("text", [
    'new AuthenticationHeaderValue("Bearer", accessToken);',      # a variable
    f'new AuthenticationHeaderValue("Bearer", "{TOKEN}\');',      # quotes do not match
    'client.get(url).bearer_auth("short-token").send()',          # under 16 characters
    f'bearer_auth  "{TOKEN}"',                                      # no call
])
def test_a_bearer_argument_that_is_no_token(text: str) -> None:
    _none(text)


def test_an_authorization_value_opening_a_call_is_code() -> None:
    # `new` reads as a scheme; the constructor's name is no credential.
    _none("client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue(x);")
    _none("authorization = Token Xk9mQ2pL7vR4tW8z(x)")
    _finds("authorization = Token Xk9mQ2pL7vR4tW8z)", "Xk9mQ2pL7vR4tW8z", "authorization_header")


@pytest.mark.parametrize("text", [
    'req.SetBasicAuth("admin", "Kestrel#Dive42")',                 # Go
    '.basic_auth("admin", Some("Kestrel#Dive42"))',                # Rust's Option
    "req.basic_auth 'deploy', 'Kestrel#Dive42'",                   # Ruby, no parentheses
    "req.basic_auth 'deploy', 'Kestrel#Dive42'\nnext",
    "req.basic_auth 'deploy', 'Kestrel#Dive42';",
    "\"req.basic_auth 'deploy', 'Kestrel#Dive42'\\nnext\"",        # in a JSON string
    "\"req.basic_auth 'deploy', 'Kestrel#Dive42'\"",
])
def test_a_basic_auth_pair_in_more_languages(text: str) -> None:
    _finds(text, "Kestrel#Dive42", "basic_auth")


@pytest.mark.parametrize("text", [
    "req.basic_auth 'deploy', 'Kestrel#Dive42' if admin",          # more code follows
    "req.basic_auth 'deploy', '$PASSWORD'",                        # a placeholder
    'basic_auth("admin", Other("Kestrel#Dive42"))',                # not Rust's Option
])
def test_a_basic_auth_pair_that_is_no_password(text: str) -> None:
    _none(text)


@pytest.mark.parametrize("text", [
    'curl_setopt($ch, CURLOPT_USERPWD, "api:Kestrel#Dive42");',
    "curl_setopt($ch,CURLOPT_USERPWD,'api:Kestrel#Dive42');",
])
def test_php_curl_userpwd(text: str) -> None:
    _finds(text, "Kestrel#Dive42", "basic_auth")


@pytest.mark.parametrize("text", [
    'curl_setopt($ch, CURLOPT_USERPWD, "$user:$pass");',           # placeholders
    'curl_setopt($ch, CURLOPT_USERPWD, "api:Kestrel#Dive42\');',   # quotes do not match
    'curl_setopt($ch, CURLOPT_USERPWD, $userpwd);',
    'curl_setopt($ch, CURLOPT_USERPWD, "api:abc");',               # under 4 characters
])
def test_php_curl_userpwd_without_a_password(text: str) -> None:
    _none(text)


@pytest.mark.parametrize("text", [
    'req.SetBasicAuth(user, "Kestrel#Dive42")',                    # a variable's login
    'req.SetBasicAuth(cfg.User, "Kestrel#Dive42")',
    'val credential = Credentials.basic("admin", "Kestrel#Dive42")',  # OkHttp
    "$client->request('GET', $url, ['auth' => ['admin', 'Kestrel#Dive42']]);",  # Guzzle
    "['auth' => [$user, 'Kestrel#Dive42']]",
])
def test_a_basic_auth_pair_after_a_name_or_in_a_list(text: str) -> None:
    _finds(text, "Kestrel#Dive42", "basic_auth")


@pytest.mark.parametrize("text", [
    "req.SetBasicAuth(user, pass)",
    "['auth' => ['admin', $password]]",
    "'auth' => 'Kestrel#Dive42'",                                   # no pair
    "['auth' => ['admin' 'Kestrel#Dive42']]",                       # no comma
])
def test_a_pair_after_a_name_that_is_no_password(text: str) -> None:
    _none(text)


def test_a_pair_after_a_name_reads_its_string_as_quoted() -> None:
    # quoted: a name-like string is still a typed password (`new_pass99`), a path is not
    _finds('req.SetBasicAuth(user, "new_pass99")', "new_pass99", "basic_auth")
    _none('req.SetBasicAuth(user, "/etc/app/secret")')


# -- Elixir's and Erlang's scheme tuples (probes-9) ------------------------------------------
@pytest.mark.parametrize("text", [
    f'Req.get!(url, auth: {{:bearer, "{TOKEN}"}})',
    f'Req.get!(url, auth: {{ :bearer, "{TOKEN}"}})',
    f'{{\\"auth\\": \\"{{:bearer, \\\\\\"{TOKEN}\\\\\\"}}\\"}}',
])
def test_an_elixir_bearer_tuple(text: str) -> None:
    _finds(text, TOKEN, "bearer_token")


@pytest.mark.parametrize("text", [
    f'Req.get!(url, auth: {{:basic, "admin:{PW}"}})',
    f'auth = {{:basic, "admin", "{PW}"}}',
    f'{{:digest, "admin", "{PW}"}}',
    f'HTTPoison.get(url, [], hackney: [basic_auth: {{"admin", "{PW}"}}])',
    f'auth = {{:basic, \\"admin\\", \\"{PW}\\"}}',              # in a JSON string
])
def test_an_elixir_basic_tuple(text: str) -> None:
    _finds(text, PW, "basic_auth")


@pytest.mark.parametrize("text", [
    f'f(bearer, "{TOKEN}")',                               # a variable named bearer
    "Req.get!(url, auth: {:bearer, token})",               # a variable
    f'auth = {{:basic, "admin", "{PW}\'}}',                # quotes do not match
    'auth = {:basic, "admin", "$PASSWORD"}',               # a reference
    f'{{:basic, "admin:{PW}", "x"}}',                      # not a pair's end
])
def test_elixir_tuples_that_hold_no_secret(text: str) -> None:
    _none(text)


def test_an_elixir_bearer_tuple_opening_the_text() -> None:
    _finds(f'{{:bearer, "{TOKEN}"}}', TOKEN, "bearer_token")
