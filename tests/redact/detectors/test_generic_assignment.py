"""`detectors/generic_assignment.py` alone, exactly: each keyword anchor, each rule of
`_key_ok` (glued words, camelCase, compounds before `key`, ARNs, public qualifiers,
non-secret suffixes), the value gate per keyword strength, `_log_pair`, XML elements with
the walk back over the tag name, and value extraction per syntax.

Every case runs the detector in a redactor of its own (no other detector can take over a
span): a positive must give exactly one finding over exactly the value, and the redacted
text must hold neither the value nor any 12-character piece of it; a negative must give no
finding and come back byte-identical. The layouts are the ones sessions show (source code,
env files, YAML, logs, XML configs); the values are made up here.
"""

from __future__ import annotations

import random
import string

import pytest

from cctrace.redact.engine import SecretRedactor
from support import alone as support_alone
from support.alone import alone as alone_redactor

# A 12-character value shaped like an issued token, but too short to count as random for
# a bare `key`/`auth` slot (those need 16): which anchor found the key decides.
SHORT = "q8Zr2vLx7NwT"
# Random enough for every slot, weak ones included.
LONG = "k3J9xQ2mZ7vL5pW8rT1y"
# A chosen password: fine in a password slot, refused unquoted unless the key is env-style
# or the line is a log pair (it reads like a code identifier).
CHOSEN = "new_pass99"
ALPHABET = string.ascii_letters + string.digits + "-_"


def _alone() -> SecretRedactor:
    return alone_redactor("generic_assignment")


def found(text: str, value: str) -> None:
    support_alone.found("generic_assignment", "generic_secret", text, value)


def kept(text: str) -> None:
    support_alone.kept("generic_assignment", text)


# -- the walks back over a name (first: a broken walk can loop, this fails it at once) ----

def test_walks_back_over_a_name_stop_at_its_first_character() -> None:
    # Each text starts with a blank: a walk that jumps instead of stepping lands there.
    found(f' next, my_token = "{SHORT}"\n', SHORT)           # not `next, my_token`: public
    kept(f" f(db.password={CHOSEN})\n")                     # the `(` is before `db.`
    found(" <db:password>s3cret-Pw_7</db:password>\n", "s3cret-Pw_7")


# -- keyword anchors ------------------------------------------------------------------------

# Each long anchor: the key is found as itself, a strong keyword, so a 12-character token
# is enough; found only through the shorter `key`/`auth` anchor it would need 16.
@pytest.mark.parametrize("key", [
    "password", "passwd", "passphrase", "pwd", "secret", "token", "api_key", "apikey",
    "api-key", "API_KEY", "access_key", "accesskey", "private_key", "privatekey",
    "credential", "signing_key", "encryption_key", "master_key",
    "auth_key", "auth-key", "authkey", "client_secret", "github_token", "db_pass",
])
def test_each_keyword_takes_a_short_token(key: str) -> None:
    found(f'{key} = "{SHORT}"\n', SHORT)


# Found only through the bare `key` anchor (weak: 16 random characters) before: a
# chosen key in a camelCase or kebab-case name leaked where its snake_case twin did not.
@pytest.mark.parametrize("key", [
    "signingKey", "signingkey", "signing-key", "encryptionKey", "encryption-key",
    "masterKey", "master-key", "access-key", "private-key", "ENCRYPTIONKEY",
])
def test_long_keywords_without_underscore_are_strong_too(key: str) -> None:
    found(f'{key} = "{SHORT}"\n', SHORT)
    found(f'{key}: "dev-Signing-2024x"\n', "dev-Signing-2024x")


@pytest.mark.parametrize("key", ["key", "auth", "KEY", "Auth", "x-key", "my_auth"])
def test_a_bare_key_or_auth_needs_a_random_value(key: str) -> None:
    kept(f'{key} = "{SHORT}"\n')
    found(f'{key} = "{LONG}"\n', LONG)


def test_plural_keywords_are_counts_not_secrets() -> None:
    kept('"output_tokens": 1234567890,\n')
    kept(f'secrets = "{LONG}"\n')
    kept(f'KEYS={LONG}\n')


# `credentials` is the one plural that names one login's secret, in every syntax.
@pytest.mark.parametrize("text", [
    f'credentials = "{LONG}"\n', f'-e CREDENTIALS={LONG} -p 8080:8080\n',
    f'data:\n  credentials: {LONG}\n', f'<credentials>\n  {LONG}\n</credentials>\n',
    f'Credentials: "{LONG}"\n', f'export SERVICE_CREDENTIALS={LONG}\n',
])
def test_credentials_holds_a_secret(text: str) -> None:
    found(text, LONG)


@pytest.mark.parametrize("text", [
    "fetch(url, { credentials: 'same-origin' })\n", 'fetch(u, {credentials: "omit"})\n',
    "credentials: 'include',\n", "AWS = credentials('aws-prod-creds')\n",
    "credentials: {\n", "credentials:\n  username: bob\n", "credentials: true\n",
    "credentials: ~/.aws/credentials\n", "credentials = get_credentials()\n",
    "credentials = boto3.Session().get_credentials()\n",
])
def test_credentials_naming_an_option_a_call_or_a_file_is_kept(text: str) -> None:
    kept(text)


# -- the key name: words the keyword runs on into, camelCase, compounds -------------------

@pytest.mark.parametrize("text", [
    f'tokenizer = "{SHORT}"\n', f'secretary = "{SHORT}"\n', f'keyboard = "{LONG}"\n',
    f'passive = "{LONG}"\n', f'authority = "{LONG}"\n', f'credentials_ok = "{SHORT}"\n',
])
def test_a_keyword_running_on_into_a_word_is_no_key(text: str) -> None:
    kept(text)


@pytest.mark.parametrize("text", [
    f'authzPolicy = "{LONG}"\n', f'tokenaB = "{LONG}"\n', f'secretzX = "{LONG}"\n',
    f'passwordzValue = "{LONG}"\n',
])
def test_one_letter_running_on_before_the_next_part_is_no_key(text: str) -> None:
    # The keyword runs on into one lower-case letter (`authz`, `secretz`), then a camelCase
    # part: the word is another one whatever follows its first letter, as `authority` is.
    kept(text)


def test_a_plural_s_before_another_part_of_the_name_keeps_the_key() -> None:
    found(f'const secretsKey = "{SHORT}";\n', SHORT)
    found(f'tokensValue = "{SHORT}"\n', SHORT)


@pytest.mark.parametrize("text", [
    f'bypass = "{LONG}"\n', f'monkey = "{LONG}"\n', f'hotkey = "{LONG}"\n',
    f'pubkey = "{LONG}"\n', f'oauth = "{LONG}"\n', f'sshpwd = "{LONG}"\n',
    f'x = 1; compass = "{LONG}"\n',
    f'keyValue = "{LONG}"\n', f'KeyMeshing = "{LONG}"\n', f'KeyA = "{LONG}"\n',
    f'passThrough = "{SHORT}"\n', f'authState: "{LONG}"\n',
    f'pass-through: {LONG}\n', f'key-value: {LONG}\n', f'auth-mode-x: {LONG}\n',
    f'key-iOS: {LONG}\n',
])
def test_a_short_keyword_inside_a_word_is_no_key(text: str) -> None:
    kept(text)


@pytest.mark.parametrize("key", [
    "dbPass", "myKey", "xAuth", "dbPwd", "mPass", "DBPASS", "ADMINKEY",
])
def test_a_short_keyword_at_a_camel_case_boundary_is_a_key(key: str) -> None:
    found(f'{key} = "{LONG}"\n', LONG)


@pytest.mark.parametrize("key", ["AESkey", "HMACkey", "GPGpass", "HTTPauth", "x.RSAkey",
                                 "ABkey",   # two capitals at the very start suffice
                                 "_ABkey"])  # the two right before the keyword count
def test_an_acronym_before_a_lower_case_keyword_is_a_boundary(key: str) -> None:
    # `AESkey` leaked: an upper-case letter before a lower-case `key` read as `monkey`.
    found(f'{key} = "{LONG}"\n', LONG)


@pytest.mark.parametrize("text", [
    f'Akey = "{LONG}"\n',        # one capital at the start: a word's first letter
    f'myAkey = "{LONG}"\n',      # one capital after a lower-case letter
    f'TURkeyboard = "{LONG}"\n',  # the keyword still runs on into a word
    f'Mckey = "{LONG}"\n',        # a capital two before, a lower-case letter right before
    f'Akey = "{LONG}"  # X',       # at offset 1 nothing wraps round to the text's end
])
def test_one_capital_before_a_lower_case_keyword_is_no_acronym(text: str) -> None:
    kept(text)


def test_the_letter_before_the_boundary_is_the_one_right_before_the_keyword() -> None:
    # `mPass`: the letter before `Pass` is `m`, before that a dot.
    found(f'this.mPass = "{LONG}";\n', LONG)
    found(f'_xKey: "{LONG}"\n', LONG)


def test_a_key_at_the_very_start_is_judged_alone() -> None:
    # Nothing before the key: no letter to run on from (the text ends in a letter).
    found(f"pass={LONG}x", LONG + "x")
    found(f"key: {LONG}", LONG)
    kept(f"oauth={LONG}x")


def test_a_long_keyword_glued_to_a_word_needs_a_random_value() -> None:
    kept(f'dbpassword = "{SHORT}"\n')
    found(f'dbpassword = "{LONG}"\n', LONG)
    kept(f'jsonwebtoken = "{SHORT}"\n')
    found(f'jsonwebtoken = "{LONG}"\n', LONG)
    found(f'myToken = "{SHORT}"\n', SHORT)


@pytest.mark.parametrize("word", [
    "s", "i", "api", "secret", "priv", "private", "access", "auth", "master", "client",
    "app", "sign", "signing", "enc", "admin", "license", "licence", "account", "service",
])
def test_words_glued_before_key_that_keep_it_a_secret_key(word: str) -> None:
    found(f'x.{word}key = "{LONG}"\n', LONG)
    found(f'{word}key: "{LONG}"\n', LONG)  # at the very start of the text


@pytest.mark.parametrize("text", [
    f'mysignkey = "{LONG}"\n', f'x_licensedkey = "{LONG}"\n', f'turnkey = "{LONG}"\n',
])
def test_a_compound_must_start_the_word(text: str) -> None:
    kept(text)


def test_the_compound_window_is_eight_characters() -> None:
    # `_service` is eight characters: the separator and the longest compounds fit.
    found(f'svc_servicekey = "{LONG}"\n', LONG)
    found(f'x.accountkey = "{LONG}"\n', LONG)


@pytest.mark.parametrize("text", [
    "arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/db-AbCdEf\n",
    f"arn:aws:secretsmanager:eu-west-1:123456789012:secret:{LONG}\n",
    '"SecretId": "arn:aws:secretsmanager:eu-west-1:123456789012:secret:api-Xy12Zq9",\n',
    "arn:aws:kms:us-east-1:123456789012:key/1a2b3c4d-5e6f-7a8b-9c0d-1e2f3a4b5c6d\n",
])
def test_an_arn_resource_type_is_no_key(text: str) -> None:
    kept(text)


def test_a_colon_before_the_key_outside_an_arn_is_a_key() -> None:
    found(f"env:secret:{LONG}\n", LONG)


@pytest.mark.parametrize("key", [
    "public_key", "publishable_key", "primary_key", "foreign_key", "sort_key",
    "partition_key", "idempotency_key", "csrf_token", "xsrf_token", "authenticity_token",
    "cache_key", "hash_key", "next_token", "page_token", "continuation_token",
    "cursor_token", "lock_key", "unique_key", "PUBLIC_KEY", "stripe-publishable-key",
    "publicKey", "primaryKey", "foreignKey", "csrfToken", "xsrfToken", "authenticityToken",
    "idempotencyKey", "public-key", "tokenHash", "secretHash",
])
def test_public_or_structural_qualifiers(key: str) -> None:
    kept(f'{key} = "{LONG}"\n')


def test_a_public_word_inside_another_word_does_not_qualify() -> None:
    found(f'nextgen_token = "{LONG}"\n', LONG)
    found(f'block_key = "{LONG}"\n', LONG)
    found(f'x.resort_key = "{LONG}"\n', LONG)


SUFFIXES = """
    file path dir name names field fields type types len length prompt label hint format
    pattern regex re url uri endpoint env var id ids count size timeout ttl expiry
    expires expiration mode policy required enabled reset changed set class cls kind
    index idx pos chars min max manager handler store provider callback func fn method
    cache strength validator input form version source header headers param params
    prefix suffix location limit option options flag attr key_id keyid arn ref scope
    scopes usage host port user username login email hash_algorithm placeholder example
    description doc help text message error exception test tests map mapping code event
    events list frame space spaces alias algorithm algo bits config configuration
    """.split()


@pytest.mark.parametrize("suffix", SUFFIXES)
def test_each_non_secret_suffix(suffix: str) -> None:
    kept(f'token_{suffix} = "{SHORT}"\n')


def test_trailing_separators_neither_hide_a_suffix_nor_make_one() -> None:
    for key in ("token_", "password__", "secret.-"):
        found(f'{key} = "{SHORT}"\n', SHORT)
    for key in ("TOKEN_TYPE_", "tokenType", "secret_name."):
        kept(f'{key} = "{SHORT}"\n')


# -- the value gate per slot ---------------------------------------------------------------

def test_env_style_upper_case_keys_take_identifier_like_values() -> None:
    found(f"  DB_PASSWORD: {CHOSEN}\n", CHOSEN)
    found(f"  API.SECRET-V2 = {CHOSEN}\n", CHOSEN)
    kept(f"  db_password: {CHOSEN}\n")
    kept(f"  Db_Password = {CHOSEN}\n")


@pytest.mark.parametrize("text", [
    f"[DEBUG] Using password={CHOSEN} for db\n",
    f"GET /login?user=bob&password={CHOSEN} 200\n",
    f"connect --db.password={CHOSEN}\n",
    f"password={CHOSEN}",
    f"x=f(a) password={CHOSEN}\n",
])
def test_a_log_pair_takes_its_value_as_data(text: str) -> None:
    found(text, CHOSEN)


@pytest.mark.parametrize("text", [
    f"f(password={CHOSEN})\n", f"f(user,password={CHOSEN})\n",
    f"f(user, password={CHOSEN})\n", f"connect(user, db.password={CHOSEN})\n",
    f"password = {CHOSEN}\n", f"password ={CHOSEN}\n", f"password\t={CHOSEN}\n",
    f"password= {CHOSEN}\n", f"password: {CHOSEN}\n", f"password=>{CHOSEN}\n",
])
def test_keyword_arguments_and_spaced_assignments_are_code(text: str) -> None:
    kept(text)


def test_a_token_slot_wants_a_token_shape() -> None:
    kept('token = "Content-Type"\n')
    kept('api_key: "X-Api-Key"\n')
    found('secret: "s3cret-Pw_7"\n', "s3cret-Pw_7")
    kept('secret = "db.internal.example.com"\n')


def test_quoted_values_have_a_floor_of_six() -> None:
    found('secret = "x9Kq2z"\n', "x9Kq2z")
    kept('secret = "x9Kq2"\n')
    found('password = "x9Kq2z"\n', "x9Kq2z")
    kept('password = "changeme"\n')


def test_pairs_of_names_are_not_secrets() -> None:
    kept("__all__ = ('token_bytes', 'token_hex', 'token_urlsafe')\n")
    found(f'System.setProperty("AUTH_TOKEN", "{SHORT}");\n', SHORT)
    found(f"env('API_KEY', '{SHORT}')\n", SHORT)
    found('os.environ.setdefault("DB_PASSWORD", "s3cret-Pw_7")\n', "s3cret-Pw_7")


# -- value extraction per syntax -----------------------------------------------------------

@pytest.mark.parametrize(("layout", "value"), [
    ('export API_TOKEN="{v}"\n', SHORT),
    ("API_TOKEN='{v}'\n", SHORT),
    ("const token = `{v}`;\n", SHORT),
    ('{{"auth_token": "{v}", "user": "bob"}}', SHORT),
    ('"{{\\"api_key\\": \\"{v}\\"}}"', SHORT),
    ('"{{\\\\\\"api_key\\\\\\": \\\\\\"{v}\\\\\\"}}"', SHORT),
    ("token := \"{v}\"\n", SHORT),
    ("'token' => '{v}',\n", SHORT),
    ("API_TOKEN ?= {v}\n", SHORT),
    ("API_TOKEN ::= {v}\n", SHORT),
    ("API_TOKEN :::= {v}\n", SHORT),
    ("API_TOKEN += {v}\n", SHORT),
    ("$token .= '{v}';\n", SHORT),
    ('var xToken string = "{v}"\n', SHORT),
    ('apiKey: string = "{v}";\n', SHORT),
    ("api_token: Optional[str] = '{v}'\n", SHORT),
    ("$config['api_token'] = '{v}';\n", SHORT),
    ('ENV["API_TOKEN"] = "{v}"\n', SHORT),
    ('settings[\\"token\\"] = \\"{v}\\"', SHORT),
    ('token = b"{v}"\n', SHORT),
    ("token = rb'{v}'\n", SHORT),
    ('token = f"{v}"\n', SHORT),
    ("[auth]\ntoken = {v}\n", SHORT),
    ("spring.datasource.password={v}\n", "pw-Zx81q!"),
    ("  client_secret: {v}\n", SHORT),
    ("    token: {v}  # rotated\n", SHORT),
    ("call(x,token={v})\n", SHORT),
])
def test_value_extraction(layout: str, value: str) -> None:
    found(layout.format(v=value), value)


def test_a_value_may_hold_escapes_and_symbols() -> None:
    found('{"token": "ab\\u0026cd\\/ef9XyZ"}', "ab\\u0026cd\\/ef9XyZ")
    found("secret = 'p@ss w0rd; #1'\n", "p@ss w0rd; #1")
    found(f"PASSWORD: {CHOSEN}?&x=1\n", CHOSEN + "?&x=1")


def test_an_unquoted_value_does_not_take_closing_punctuation() -> None:
    for close in (",", ";", ")", "]", "}", ">"):
        found(f"TOKEN={SHORT}{close}\n", SHORT)


def test_a_nul_ends_an_unquoted_value() -> None:
    # `/proc/*/environ` and `env -0` separate variables with NUL: a value running on past
    # it took the next variable's value with it, where a stronger find then hid both.
    r = _alone()
    two = "q9Yt3wMz8KvR"
    text = f"PATH=/usr/bin\x00DB_PASSWORD={SHORT}\x00API_TOKEN={two}\x00HOME=/root\x00"
    out = r.redact_text(text)
    assert SHORT not in out and two not in out
    assert out.startswith("PATH=/usr/bin\x00DB_PASSWORD=[REDACTED:generic_secret:")
    assert "\x00API_TOKEN=[REDACTED:generic_secret:" in out
    kept("PATH=/usr/bin\x00HOME=/root\x00")


def test_long_token_values() -> None:
    jwt_like = "eyJ" + "".join(random.Random(17).choices(ALPHABET, k=697))
    found(f"token = '{jwt_like}'\n", jwt_like)
    found(f'token = "{"a1B2c3D4" * 64}"\n', "a1B2c3D4" * 64)  # exactly 512
    kept(f'token = "{"a1B2 c3D4" * 60}"\n')  # 540 with blanks: prose, not a token


def test_quotes_must_pair() -> None:
    kept(f"token = \"{SHORT}'\n")
    found(f"token = '{SHORT}\"x'\n", SHORT + '"x')


# -- name/value pairs and XML --------------------------------------------------------------

@pytest.mark.parametrize(("text", "value"), [
    (f'<add key="ApiKey" value="{SHORT}"/>\n', SHORT),
    (f'<add key="Password" value="{CHOSEN}" />\n', CHOSEN),
    (f'{{"name": "token", "value": "{SHORT}"}}', SHORT),
    (f'{{\\"name\\":\\"client_secret\\",\\"value\\":\\"{SHORT}\\"}}', SHORT),
    (f"- {{name: 'DB_PASSWORD', value: '{CHOSEN}'}}\n", CHOSEN),
])
def test_name_value_pairs(text: str, value: str) -> None:
    found(text, value)


@pytest.mark.parametrize(("text", "value"), [
    ("<password>{v}</password>", "s3cret-Pw_7"),
    ("<password>{v}</password>\n", CHOSEN),  # an element's text is data, like a quoted value
    ("<DbPassword>\n  {v}\n</DbPassword>\n", "userPass99"),
    ("<client_secret>{v}</client_secret>\n", "Dev_Secret_42x"),  # a name-like secret
    ("<secret>{v}</secret>\n", "x9Kq2z"),  # six characters: the floor
    ("<db:password>{v}</db:password>\n", "s3cret-Pw_7"),
    ("<ns.api-token>{v}</ns.api-token>\n", SHORT),
    ("<client_secret>{v}</client_secret>\n", SHORT),
    ("<xToken>\n    {v}\n</xToken>\n", SHORT),
    ('<token type="bearer">{v}</token>\n', SHORT),
    ("  <Auth>{v}</Auth>\n", LONG),
    ("<settings><apiKey>{v}</apiKey></settings>\n", SHORT),
    ("    <db:password>{v}</db:password>\n", "s3cret-Pw_7"),
    ("  <spring.datasource.password>{v}</spring.datasource.password>\n", "s3cret-Pw_7"),
    ("<config>\n  <app:client_secret>{v}</app:client_secret>\n", SHORT),
])
def test_xml_elements(text: str, value: str) -> None:
    found(text.format(v=value), value)


@pytest.mark.parametrize("text", [
    f"<Auth>{SHORT}</Auth>\n",                     # bare auth: not random enough
    f"token>{SHORT}</token>\n",                    # no `<` before the tag name
    f"a token>{SHORT}</b>\n",
    f"<b> token>{SHORT}</b>\n",
    f"<my tokens>{SHORT}</my>\n",
    "<password>changeme</password>\n",
    "<secret>abc</secret>\n",
    "<secret>x9Kq2</secret>\n",
    f"<token_type>{SHORT}</token_type>\n",
    f"<PublicKey>{LONG}</PublicKey>\n",
    "<tokenizer>bert-base-uncased</tokenizer>\n",
])
def test_what_is_no_secret_element(text: str) -> None:
    kept(text)


def test_a_tag_name_walks_back_over_its_own_characters_only() -> None:
    # `<a:b.c-d_token>`: every name character is walked over up to the `<`.
    found(f"<a:b.c-d_token>{SHORT}</a:b.c-d_token>\n", SHORT)
    # A blank or `/` between `<` and the name: not an opening tag.
    kept(f"< token>{SHORT}</token>\n")
    kept(f"</token>{SHORT}</token>\n")


def test_neutral_text_is_kept() -> None:
    kept("The token bucket refills at 10 per second; see docs/auth.md for the key.\n")
    kept("password_file: /run/secrets/db\n")
    kept("token: ${{ secrets.GITHUB_TOKEN }}\n")


# -- bounds of the value gates ---------------------------------------------------------------

R16 = LONG[:16]


@pytest.mark.parametrize("layout", [
    'key = "{v}"\n', "KEY={v}\n", "<key>{v}</key>\n", '("X_KEY", "{v}")\n',
    '<add key="auth" value="{v}"/>\n',
])
def test_a_weak_slot_takes_sixteen_random_characters_not_fifteen(layout: str) -> None:
    found(layout.format(v=R16), R16)
    kept(layout.format(v=R16[:15]))


def test_a_pair_takes_a_short_token_but_not_a_name() -> None:
    found('("X_TOKEN", "k3J9xQ")\n', "k3J9xQ")
    kept('("X_TOKEN", "dev_token_value")\n')
    kept("('token', 'token_type', 'expires_in')\n")


def test_a_capital_after_a_short_keyword_names_another_thing() -> None:
    kept(f'KeyA1 = "{LONG}"\n')  # `Key` + `A1`: the key of an `A1`, not a secret key
    kept(f'passX1: "{LONG}"\n')
    # (An encoding after it is the same secret stored encoded: `passB64`, `keyBase64`.)
    found(f'passB64: "{LONG}"\n', LONG)


@pytest.mark.parametrize("key", ["TOKEN_INDEX", "SECRET_REGEX", "token_regex_", "API_KEY_PREFIX"])
def test_a_suffix_ending_in_x_is_still_a_suffix(key: str) -> None:
    kept(f'{key} = "{SHORT}"\n')


def test_an_arn_is_looked_for_up_to_200_characters_back() -> None:
    # `arn:a:` + path + `:secret:`: the keyword 200 characters after `arn:` is part of it.
    kept("arn:a:" + "b" * 193 + f":secret:{LONG}\n")
    text = "arn:a:" + "b" * 194 + f":secret:{LONG}\n"
    found(text, LONG)


@pytest.mark.parametrize("text", [
    f"public_key={LONG}", f"next_token={LONG}", f"csrf.token={LONG}",
    f"TOKEN_TYPE={SHORT}",
])
def test_a_key_name_read_back_to_the_start_of_a_text_ending_in_a_word(text: str) -> None:
    # No newline at the end (a tool's output often has none): the walk back over the key
    # name stops at the start of the text, it does not wrap around to its end.
    kept(text)


def test_glued_to_a_word_is_judged_from_the_start_of_the_text() -> None:
    # At offset 0 nothing is glued before the keyword, even when the text ends in a
    # lower-case letter; one letter before it is a glued word already.
    found(f"token: {SHORT}  # from ci", SHORT)
    kept(f'xtoken = "{SHORT}"\n')
    found(f'xtoken = "{LONG}"\n', LONG)


@pytest.mark.parametrize("layout", ['key = "{v}"\n', "KEY: {v}\n", "<key>{v}</key>\n",
                                    "api.key = {v}\n"])
def test_a_weak_slot_refuses_a_value_named_by_hand(layout: str) -> None:
    for value in ("dev_key_2024_local", "key-20240101-prod-v2"):
        kept(layout.format(v=value))


def test_a_weak_slot_takes_a_random_value_with_a_dot_when_quoted() -> None:
    found('key = "k3J9xQ2m.Z7vL5pW8"\n', "k3J9xQ2m.Z7vL5pW8")
    found('<key>k3J9xQ2m.Z7vL5pW8</key>\n', "k3J9xQ2m.Z7vL5pW8")


@pytest.mark.parametrize("text", [
    f"key: {{{LONG}}}\n", f"KEY={{{LONG}}}\n", f"  auth: ({LONG})\n",
])
def test_a_weak_slot_refuses_a_braced_value(text: str) -> None:
    # A value opening a brace or parenthesis is a template placeholder or code.
    kept(text)


def test_a_weak_slot_never_reads_its_line_as_env_style() -> None:
    # Random by its letters, shaped like a name (`yvm9`, `foo`, `zii`...): an env-style
    # TOKEN line takes it as data, a bare KEY line (weak: the name says little) as a name.
    found("TOKEN=yvm9fooziifct1o7ux\n", "yvm9fooziifct1o7ux")
    kept("KEY=yvm9fooziifct1o7ux\n")
    kept("key: yvm9fooziifct1o7ux\n")


def test_a_log_pair_at_the_start_of_a_text_is_not_read_as_an_argument() -> None:
    # The text ends in `1, 2` (no newline): what precedes the key is the start of the
    # text, not `, ` read from its end.
    found(f"password={CHOSEN} attempts 1, 2", CHOSEN)
    found(f"password={CHOSEN} (1,2", CHOSEN)


def test_a_pair_takes_a_random_twelve_that_reads_like_a_name() -> None:
    # Lower-case base36 and upper-case ids of 12: random at 12, though shaped like names.
    for value in ("hit4fqzuii8f", "S7IPX3YLIBVF"):
        found(f'System.setProperty("API_TOKEN", "{value}");\n', value)


def test_a_pair_with_a_refused_key_is_kept_whatever_its_value() -> None:
    kept('("token_url", "https://auth.example.com/oauth/token")\n')
    kept(f'("token_type", "{LONG}")\n')


def test_an_argument_is_found_over_a_dotted_name_of_any_length() -> None:
    # Walking back over `ab.` / `abc.` to the `(`: never past it.
    kept(f"f(ab.password={CHOSEN})\n")
    kept(f"f(abc.password={CHOSEN})\n")
    kept(f"f(x, ab.password={CHOSEN})\n")


def test_a_chunk_starting_inside_a_tag_name_is_no_element() -> None:
    # No `<` before the name (the chunk starts inside the tag), and the text ends in
    # `<a`: the walk stops at the start of the text, it does not read the end.
    kept("password>s3cret-Pw_7</password>\n<a")
    kept(f"api_token>{SHORT}</api_token><b")


@pytest.mark.parametrize(("text", "value"), [
    (f"我的Key: {LONG}\n", LONG),       # Chinese glues an English word to its own
    (f"我的key: {LONG}\n", LONG),
    ("设置Pass=Xk29vLq81mZ7\n", "Xk29vLq81mZ7"),
    (f"新しいAuth: {LONG}\n", LONG),
])
def test_a_letter_without_case_before_a_short_keyword_ends_a_word(text: str, value: str) -> None:
    # CJK and kana letters have no case: no camelCase to tell, and in that text an English
    # word follows them with no blank. Before, `我的Key: ...` was `Key` inside a word.
    found(text, value)


def test_a_separator_before_a_short_keyword_ends_the_word_whatever_precedes_it() -> None:
    # The letter two back (`B` of `DB_`) is not the one the keyword is glued to.
    found('DB_pass = "s3cret-Pw_7"\n', "s3cret-Pw_7")
    found(f'API_key = "{LONG}"\n', LONG)
    found(f'我Key = "{LONG}"\n', LONG)


# -- code nobody here wrote (bench/redaction_realcode.py): scoped names, aliases, signatures,
# sentences, expressions; each case decided by the rule it names (the detector alone)

@pytest.mark.parametrize(("text", "value"), [
    ("Foo::Pass = 'Xk9#mQ2vLp'", None),               # `::` right before the key
    ("::Pass = 'Xk9#mQ2vLp'", None),                  # at the text's start
    ("Foo::BarPass = 'Xk9#mQ2vLp'", None),            # before the name the key ends
    ("Foo::Bar BarPass = 'Xk9#mQ2vLp'", "Xk9#mQ2vLp"),  # another name between
    (f"x::{'y' * 62}Pass = 'Xk9#mQ2vLp'", None),        # 64 back at most
    (f"x::{'y' * 63}Pass = 'Xk9#mQ2vLp'", "Xk9#mQ2vLp"),
    ("Pass::x = 'Xk9#mQ2vLp'", None),                 # `::` right after it
    ("Pass_::x = 'Xk9#mQ2vLp'", None),                # after `_`, `.`, `-`
    ("use Password::Hasher;", None),                  # a module path, not `key: value`
    ("Password::Policy::Rules", None),
    ("PASS ::= Xk9#mQ2vLp", "Xk9#mQ2vLp"),            # Makefile's `::=`
    ("PASS::= Xk9#mQ2vLp", "Xk9#mQ2vLp"),
])
def test_scoped_names(text: str, value: str | None) -> None:
    if value is None:
        kept(text)
    else:
        found(text, value)


@pytest.mark.parametrize(("text", "value"), [
    ("TokenXk9mQ2vLp4 = _Xk9mQ2vLp4", None),             # the value names its own key
    ("TokenXk9mQ2vLp4 = mod.Xk9mQ2vLp4", None),          # ... at the end of a dotted path
    ("secret_word = Xk9mQ2vLp4Tz8.word", None),          # 4 characters of the key
    ("secret_ord = Xk9mQ2vLp4Tz8.ord", "Xk9mQ2vLp4Tz8.ord"),  # 3: not a name of it
    ("secret_word: Xk9$mQ2vL.word", "Xk9$mQ2vL.word"),   # not a path of names
    ("TokenXk9mQ2vLp4 = Xk9mQ2vLp4Tz", "Xk9mQ2vLp4Tz"),  # not a piece of the key
    ("PASSWORD_ABCDEF = XABCDEF", "XABCDEF"),             # only `_` is stripped off it
])
def test_a_value_naming_its_key(text: str, value: str | None) -> None:
    if value is None:
        kept(text)
    else:
        found(text, value)


@pytest.mark.parametrize(("text", "value"), [
    ("    def f(self, api_token: ApiTokenValue, n: int):", None),
    ("    api_token: ApiTokenValue | None = None", None),
    ("    api_token: ApiTokenValue = None", None),
    ("    api_token: ApiTokenValue] = x", None),
    ("    def f(api_token: ApiTokenValue) -> None:", None),
    ("    api_token: ApiTokenValue -> x", None),
    ("api_token: ApiTokenValue", None),                   # a bare name outside env lines
    ("api_token: Xk9mQ2vLp4Tz8, x", "Xk9mQ2vLp4Tz8"),     # not a type name
    ("api_token: Xk9mQ2vLp4Tz8 == 1", "Xk9mQ2vLp4Tz8"),
    ("api_token: Xk9mQ2vLp4Tz8:", "Xk9mQ2vLp4Tz8:"),      # not code before the colon
    ("api_token: a.Xk9mQ2vLp4TX):", "a.Xk9mQ2vLp4TX):"),  # a drawn part: not code
    ("    def f(self, credential: creds.StoredCredential):", None),
    ("DB_PASSWORD = SEC_ERROR_BASE + 15,", None),         # a name in an expression
    ("DB_PASSWORD = SEC_ERROR_BASE << 2", None),
    ("DB_PASSWORD = SEC_ERROR_BASE - x", None),
    ("DB_PASSWORD = SEC_ERROR_BASE * (x)", None),
    ("DB_PASSWORD = Xk9#mQ2vLp + 15", "Xk9#mQ2vLp"),       # not a name: a value
    ("DB_PASSWORD = SEC_ERROR_BASE && x", "SEC_ERROR_BASE"),
    ("DB_PASSWORD = SEC_ERROR_BASE +15", "SEC_ERROR_BASE"),
    (" * @ATTR_PASSWORD: attribute for passing SAE material", None),
    (" *   PASS: MessageFormat successful on Select", None),
    ("PASSWORD: Hunterxy", "Hunterxy"),                 # one word, nothing after it
    ("PASSWORD: Hunterxy Foo bar", "Hunterxy"),           # the next word must be lower-case
    ("    password: Required. Input only.", None),
    ("    seedPhraseSecret: Required. Immutable. Reference into", None),
    ("PASSWORD: Hunterx1. Input only", "Hunterx1."),      # not a word before the dot
    ("PASSWORD: A1b2c3d4. Input only", "A1b2c3d4."),
    ("PASSWORD: Required.", "Required."),                 # nothing after the sentence
    ("PASSWORD: Required. Input", "Required."),
])
def test_code_around_a_value(text: str, value: str | None) -> None:
    if value is None:
        kept(text)
    else:
        found(text, value)


@pytest.mark.parametrize(("text", "value"), [
    ("    self.contents[CREDENTIAL_KEY] = mappings_dict", None),
    ("    self.c[MY.CREDENTIAL_KEY] = mappings_dict", None),  # walked back over `MY.`
    ("    self.c[MY-CREDENTIAL_KEY] = mappings_dict", None),
    ("    self.c[MY_CREDENTIAL_KEY] = mappings_dict", None),
    ("    self.c MY_CREDENTIAL_KEY = mappings_dict", "mappings_dict"),
    ("MY_CREDENTIAL_KEY = mappings_dict [x", "mappings_dict"),  # the text's start
    ("  return {CREDENTIAL_KEY: registered_helpers}", None),
    ("CREDENTIAL_KEY = mappings_dict", "mappings_dict"),  # an env-style line: data
    ("        passphrase=password_bytes,", None),           # a call's argument on its line
    ("        passphrase=password_bytes,  \n", None),
    ("passphrase=password_bytes, x", "password_bytes"),     # a log pair
    ("passphrase=password_bytes", "password_bytes"),
])
def test_subscripts_and_arguments(text: str, value: str | None) -> None:
    if value is None:
        kept(text)
    else:
        found(text, value)


@pytest.mark.parametrize(("text", "value"), [
    ('"kadmin/passwd", "kadmin/server"', None),             # the "key" is a path
    ('"kadmin/passwd", "k9Xm#Q2vLp"', None),
    ('"kadmin_passwd", "k9Xm#Q2vLp"', "k9Xm#Q2vLp"),
    ("'TKTokenKey', 'PKCS12PrivateKeyTypes'", None),  # two type names
    (f"'TKTokenKey', '{LONG}'", LONG),
    ("'token_key', 'PKCS12PrivateKeyTypes'", "PKCS12PrivateKeyTypes"),
])
def test_pairs_that_are_lists(text: str, value: str | None) -> None:
    if value is None:
        kept(text)
    else:
        found(text, value)


# -- one blank, no operator: `the token <value>`, `ENV API_TOKEN <value>` ------------------

@pytest.mark.parametrize(("text", "value"), [
    (f"ENV API_TOKEN {LONG}\n", LONG),                  # a Dockerfile's legacy ENV
    (f"setenv GITHUB_TOKEN {LONG}\n", LONG),            # csh
    (f"set -x STRIPE_SECRET {LONG}\n", LONG),           # fish
    (f"use the token {LONG} for staging", LONG),        # prose
    (f"the api_key {LONG}, then run it", LONG),         # a comma after it
    (f"key {LONG}", LONG),                              # a bare key at the text's end
    (f"secret {LONG}== is the value", f"{LONG}=="),     # base64 padding kept in the span
    (f"the token {LONG[:15]} works", None),             # 15 characters: too short to tell
    (f"the token {LONG}(x)", None),                     # a call
    (f"the token {LONG}.txt", None),                    # a file name
    (f"the token {LONG}@host", None),                   # an address
    ("the token configurationManagerAB works", None),   # a word-made name
    ("typedef struct sec_PKCS12SecretBag sec_PKCS12SecretBag;", None),  # names itself
    ("#define EVP_PKEY_EC NID_X9_62_id_ecPublicKey", None),  # a C macro's value is code
    (f"#define API_TOKEN {LONG}", None),
    (f"  #  define API_TOKEN {LONG}", None),
    (f"x = 1\n#define API_TOKEN {LONG}", None),          # the macro's own line decides
    (f"#define X 1\nENV API_TOKEN {LONG}", LONG),
    ("signing key 3f2a9c8e1b7d04f5a9e8c3f2a9c8e1b7d04f5a9e", None),  # a git SHA
    ("ENV GPG_KEY 7169605F62C751356D054A26A821E680E5FA6305", None),  # a fingerprint
    ("ENV GPG_KEY " + "7169605F" * 8, None),              # 64: a sha256
    ("ENV GPG_KEY " + "7169605F" * 4 + "62C7", "7169605F" * 4 + "62C7"),  # 36 hex: a key
    ("the token abcdefghijklmnopqrstu", None),          # a filler
    ("the token qwertyuiopasdfghjkl1", None),           # a keyboard run
    ("the token <YOUR_API_TOKEN_HERE_X>", None),
    (f"the tokenizer {LONG}", None),                    # not a secret word
    (f"token_type {LONG}", None),                       # a non-secret suffix
    (f"the token {LONG[:16]} works", LONG[:16]),        # 16 characters: enough
    ("the token k3J9xQ2mZ7vL5pWX works", "k3J9xQ2mZ7vL5pWX"),  # 16, the last an X
    ("the token Data7VwYS81VP7Hb1DX8pP works", "Data7VwYS81VP7Hb1DX8pP"),  # a quarter words
    ("the token NID_X9_62_id_ecPublicKey works", None),  # more than a quarter: a name
    (f"{LONG}_token {LONG}", None),                      # the value names its key
    (f"#define API_TOKEN {LONG}\nint x;", None),          # the macro's line, not the last
    ("the token 3f2a9c8e1b7d04f5a works", None),         # odd-length hex: cut from a digest
])
def test_one_blank_takes_a_drawn_token_only(text: str, value: str | None) -> None:
    if value is None:
        kept(text)
    else:
        found(text, value)


def test_a_macro_after_an_escaped_line_break_is_code() -> None:
    kept('{"out": "x\\n#define API_TOKEN ' + LONG + '"}')
    found('{"out": "x\\nAPI_TOKEN ' + LONG + '"}', LONG)


# -- a key right after a JSON string's escaped line break or tab -----------------------------
@pytest.mark.parametrize(("text", "value"), [
    ('{"out": "[remote]\\npass = s3cret-Pw_7\\n"}', "s3cret-Pw_7"),  # `n` is no letter of it
    ('{"out": "x\\npassword = s3cret-Pw_7"}', "s3cret-Pw_7"),         # not a glued, weak key
    ('{"out": "x\\r\\npassword=new_pass99"}', "new_pass99"),
    ('{"out": "x\\tpwd: s3cret-Pw_7"}', "s3cret-Pw_7"),
    ('{"out": "x\\rpass = s3cret-Pw_7"}', "s3cret-Pw_7"),
    ('{"out": "x\\nkey = ' + LONG + '"}', LONG),
    ('{"out": "Key\\nsecret_token    ' + LONG + '\\n"}', LONG),        # a `column -t` row
    ('{"out": "x\\n<db:password>s3cret-Pw_7</db:password>"}', "s3cret-Pw_7"),
    ('{"out": "x\\nMY_TOKEN=' + LONG + ' y"}', LONG),
])
def test_a_key_after_an_escaped_break_starts_its_name(text: str, value: str) -> None:
    found(text, value)


@pytest.mark.parametrize("text", [
    '{"out": "x\\npasswd_file = /etc/shadow"}',   # the name's suffix still counts
    '{"out": "x\\nmonkey = ' + LONG + '"}',       # a word holding `key`
    '{"out": "x\\n[CREDENTIAL_KEY] = mappings_dict"}',
])
def test_names_after_an_escaped_break_keep_their_rules(text: str) -> None:
    kept(text)


@pytest.mark.parametrize(("text", "value"), [
    ("the public key AAAAC3NzaC1lZDI1NTE5AAAAIGmF2Sk7fQ0y9aQ1rY8m6bXjR8Qf1vYk3cZ0Ez5nX2pL", None),
    ("add this key AAAAC3NzaC1lZDI1NTE5AAAAIGmF2Sk7fQ0y9aQ1rY8m6bXjR8Qf1vYk3cZ0Ez5nX2pL now",
     None),                                                   # an SSH public key's blob
    ("key AAAAB3NzaC1yc2EAAAADAQABAAABAQC7k3J9xQ2mZ7vL5pW8rT1y", None),   # ssh-rsa
    (f"primary key {LONG}", None),                            # a key that is no secret
    (f"the sort  key {LONG}", None),
    ("key AAAAk3J9xQ2mZ7vL5pW8rT1y", "AAAAk3J9xQ2mZ7vL5pW8rT1y"),  # AAAA, but no SSH type
    (f"the private key {LONG}", LONG),
])
def test_public_keys_after_one_blank_stay(text: str, value: str | None) -> None:
    if value is None:
        kept(text)
    else:
        found(text, value)


@pytest.mark.parametrize(("text", "value"), [
    ("Password: **required**", None),                 # API docs: what the field is
    ("| Password | *optional* |", None),               # a docs table's cell
    ("| api_token | **none** |", None),
    ("db_password: **Kx9m#Q2vL7pW4**", "**Kx9m#Q2vL7pW4**"),   # emphasis around a password
])
def test_markdown_emphasis_around_a_placeholder_stays(text: str, value: str | None) -> None:
    if value is None:
        kept(text)
    else:
        found(text, value)


# -- probes-6: assignments of languages nobody had tried ----------------------------------
@pytest.mark.parametrize("text,value", [
    ('api_token <- "Z2iv5w2f3p1Q6Zwl9DtGaIov3na4TmL0c4VS"', "Z2iv5w2f3p1Q6Zwl9DtGaIov3na4TmL0c4VS"),
    ("db_password <<- 'Tr0ub4dor&3x'", "Tr0ub4dor&3x"),                           # R
    ('const API_KEY: &str = "Rlmr9r9TXR0Amd4N4qQI0IXaTU4wLYSH";',
     "Rlmr9r9TXR0Amd4N4qQI0IXaTU4wLYSH"),                                          # Rust
    ("static DB_PASSWORD: &'static str = \"Tr0ub4dor&3x\";", "Tr0ub4dor&3x"),
    ('NSString *apiKey = @"gBV4Q5CSTfnhqkCAXT7ueNgUNrMtGo1S";',
     "gBV4Q5CSTfnhqkCAXT7ueNgUNrMtGo1S"),                                          # Obj-C
    ('string password = @"Tr0ub4dor&3x";', "Tr0ub4dor&3x"),                        # C#
    ('Dim password As String = "Pepper%51saddle@"', "Pepper%51saddle@"),          # VB
    ('Private Const ApiToken As String = "Z2iv5w2f3p1Q6Zwl9DtGaIov3na4TmL0c4VS"',
     "Z2iv5w2f3p1Q6Zwl9DtGaIov3na4TmL0c4VS"),
])
def test_other_languages_assignments(text: str, value: str) -> None:
    found(text, value)


@pytest.mark.parametrize("text", [
    'token <- Sys.getenv("GITHUB_PAT")',
    "Dim password As String = txtPassword.Text",
    'x <- password -> y',
    "a<-password",
    # a word after a closing quote is the tag's next attribute, not a type
    '<input type="password" name="password" autocomplete="current-password">',
    "<input name='token' autocomplete='one-time-code'>",
])
def test_other_languages_kept(text: str) -> None:
    kept(text)


@pytest.mark.parametrize(("text", "value"), [
    ('{epgsql, [{host, "db"}, {password, "Xk9mQ2vL7pW4"}]}', "Xk9mQ2vL7pW4"),   # Erlang
    ('{:password, "Xk9mQ2vL7pW4"}', "Xk9mQ2vL7pW4"),                           # Elixir
    ('{ password , "Xk9mQ2vL7pW4"}', "Xk9mQ2vL7pW4"),
    ('{  :password, "Xk9mQ2vL7pW4"}', "Xk9mQ2vL7pW4"),     # the brace 4 characters back
    ('{   :password, "Xk9mQ2vL7pW4"}', None),              # 5: too far for a tuple
    ('{api_key, <<"Zq8XvT3mWk9PbR4nLs2Y">>}', "Zq8XvT3mWk9PbR4nLs2Y"),         # a binary
    ('f(token, "Xk9mQ2vL7pW4")', None),        # an unquoted key that opens no tuple
    ('[password, "Xk9mQ2vL7pW4"]', None),
    ('{x password, "Xk9mQ2vL7pW4"}', None),
    ('{password, "changeme"}', None),         # the value gate still asks
    ('{password, undefined}', None),
])
def test_tuples_with_an_unquoted_key(text: str, value: str | None) -> None:
    if value is None:
        kept(text)
    else:
        found(text, value)


@pytest.mark.parametrize(("text", "value"), [
    ("db.password=Xk9\\:mQ2vL7pW4", "Xk9\\:mQ2vL7pW4"),     # `.properties` escapes
    ("spring.datasource.password=Sx8\\=Ew3\\#Rt6\\!", "Sx8\\=Ew3\\#Rt6\\!"),
    ("DB_PASSWORD=Xk9mQ2vL7pW4\\nnext", "Xk9mQ2vL7pW4"),    # other escapes end a value
    ('"DB_PASSWORD=Xk9mQ2vL7pW4\\"', "Xk9mQ2vL7pW4"),
])
def test_properties_escapes_stay_inside_an_unquoted_value(text: str, value: str) -> None:
    found(text, value)


# -- the fallback of a read: the value used when the variable is unset ----------------------

@pytest.mark.parametrize("text", [
    'const key = process.env.MAPBOX_KEY || "{v}";',
    "const key = process.env.API_TOKEN ?? '{v}';",
    'val key = System.getenv("API_KEY") ?: "{v}"',
    "$key = getenv('API_KEY') ?: '{v}';",
    "$key = $_ENV['API_KEY'] ?? '{v}';",
    "my $key = $ENV{{API_TOKEN}} || '{v}';",
    'key = os.getenv("API_TOKEN") or "{v}"',
    'local key = os.getenv("API_TOKEN")  or  "{v}"',
    'key = ENV.fetch("API_TOKEN") {{ "{v}" }}',
    'password = config("DB_PASSWORD", default="{v}")',
    "password = env('DB_PASSWORD', default: '{v}')",
    'String pw = Optional.ofNullable(System.getenv("DB_PASS")).orElse("{v}");',
    'let key = env::var("API_KEY").unwrap_or("{v}".to_string());',
    'val key = sys.env.get("API_TOKEN").getOrElse("{v}")',
    'key := cfg.Get("API_TOKEN").OrDefault("{v}")',
])
def test_a_read_falls_back_to_a_literal(text: str) -> None:
    found(text.format(v=LONG), LONG)


@pytest.mark.parametrize("text", [
    'const token = req.headers.token || "anonymous";',   # a word, not drawn
    'const pw = process.env.DB_PASSWORD || "";',         # nothing
    "const key = process.env.API_KEY || 'your-api-key-here';",  # a placeholder
    'const scheme = options.token ?? "Bearer";',
    'const sortKey = params.sortKey || "name";',
    'tokenizer = opts.tokenizer or "{v}"',               # not a secret name
    'const secretName = props.secretName ?? "{v}";',     # a name of a secret
    'token = kwargs.get("token") or self._token',        # another variable
    f'token = read(token) ? "{LONG}" : None',            # a ternary, not a fallback
    f'f(token)  "{LONG}"',                               # nothing between
    f'tokenor "{LONG}"',                                 # `or` glued to the name
    f'read("API_TOKEN").orElseThrow("{LONG}")',         # not a fallback
    f'read("API_TOKEN")).map("{LONG}")',
])
def test_no_fallback_or_no_secret(text: str) -> None:
    kept(text.replace("{v}", LONG))


# -- a key inside a string, the "value" between two strings -------------------------------

@pytest.mark.parametrize("text", [
    'expect "password:"; send "{v}"',                     # the prompt's string closes
    "print('token=', '{v}')",                             # two strings, an argument list
    'expect \\"password:\\"; send \\"{v}\\"',             # the same, JSON-escaped
    '"password:"; send "{v}" \\',                        # the key's quote starts the text
    "expect 'password:'; send '{v}'",                     # single quotes
    '\\"password:\\"; send \\"{v}\\" \\',               # its escape starts the text
])
def test_between_two_strings_is_no_value(text: str) -> None:
    kept(text.replace("{v}", LONG))


@pytest.mark.parametrize("text", [
    '"password": "{v}"',                                  # the key's close, the value's open
    '"password: \\"{v}\\""',                               # an escaped quote inside one string
    '{{\\"password\\": \\"{v}\\"}}',
    "'password' => '{v}'",
    '"db_password = \'{v}\'"',                             # other quotes inside the string
])
def test_a_value_in_its_own_string(text: str) -> None:
    found(text.format(v=LONG), LONG)


def test_backslashes_before_a_quote_are_counted_to_four() -> None:
    # Three before the key's quote and three before the value's: one level, the key's
    # string closes where the value seemed to open.
    kept("\\" * 3 + '"password:' + "\\" * 3 + f'"{LONG}' + "\\" * 3 + '"')
    # Four (or more) before the key's: no quote between key and value has as many.
    found("\\" * 4 + '"password:' + "\\" * 3 + f'"{LONG}' + "\\" * 3 + '"', LONG)
    found("\\" * 9 + '"password:' + "\\" * 3 + f'"{LONG}' + "\\" * 3 + '"', LONG)


@pytest.mark.parametrize("text", [
    "docker build --secret id=npmrc,src=$HOME/.npmrc .",   # a word glued to `=`: no type
    "RUN --mount=type=secret,id=token cat /run/secrets/token",
])
def test_a_word_glued_to_an_unquoted_value_is_no_type(text: str) -> None:
    kept(text)


@pytest.mark.parametrize("text", [
    f'var apiToken string = "{LONG}"',
    f'apiToken string := "{LONG}"',
])
def test_a_type_or_attribute_before_the_value(text: str) -> None:
    found(text, LONG)


# -- Python's conditional falls back to a value (probes-8) -----------------------------------

@pytest.mark.parametrize("text", [
    f'self.token = token if token else "{LONG}"',
    f"api_key = api_key if api_key is not None else '{LONG}'",
    f"api_key = api_key if api_key IS NOT NONE else '{LONG}'",
    f'x = password if password else "{CHOSEN}!"',
])
def test_the_else_of_a_conditional(text: str) -> None:
    found(text, LONG if LONG in text else f"{CHOSEN}!")


@pytest.mark.parametrize("text", [
    "self.token = token if token else None",
    'mode = "token" if use_token else "password"',
    'self.token = token if token else os.environ.get("API_TOKEN", "")',
    f'api_key = api_key if api_key is None else "{LONG}"',    # not the fallback
    f'token = token if token elsewhere "{LONG}"',
    f'token = token if token else"{LONG}"',                   # no blank after `else`
])
def test_a_conditional_without_a_secret(text: str) -> None:
    kept(text)


# -- probes-9: a read with an empty default before its fallback, `pass` glued to its owner --

@pytest.mark.parametrize("text", [
    "API_TOKEN = getattr(settings, \"API_TOKEN\", None) or '{v}'",
    'key = cfg.get("API_KEY", nil) || "{v}"',
    "const key = lookup('API_KEY', undefined) ?? '{v}';",
    'API_TOKEN = getattr(settings, \\"API_TOKEN\\", None) or \\"{v}\\"',  # JSON-escaped
])
def test_a_read_with_an_empty_default_falls_back(text: str) -> None:
    found(text.format(v=LONG), LONG)


@pytest.mark.parametrize("text", [
    'API_TOKEN = getattr(settings, "API_TOKEN", None) or os.environ["API_TOKEN"]',
    f'x = getattr(settings, "API_TOKEN", None) and "{LONG}"',   # not a fallback
    f'x = getattr(settings, "API_TOKEN", 0) or "{LONG}"',        # a default that is a value
])
def test_no_fallback_after_an_empty_default(text: str) -> None:
    kept(text)


@pytest.mark.parametrize("word", ["remote", "root", "db", "admin", "user", "mail", "smtp",
                                  "imap", "ldap", "bind", "ftp", "sudo"])
def test_pass_glued_to_its_owner_is_a_password(word: str) -> None:
    found(f"{word}pass = Tiger&rapid66x\n", "Tiger&rapid66x")
    found(f"[Repository Remote]\\n{word}pass = Tiger&rapid66x", "Tiger&rapid66x")  # `\n`
    found(f"{word}pwd = Tiger&rapid66x\n", "Tiger&rapid66x")  # a chosen one: no weak key


@pytest.mark.parametrize("text", [
    "bypass = Tiger&rapid66x\n", "compass = Tiger&rapid66x\n", "surpass = Tiger&rapid66x\n",
    "xdbpass = Tiger&rapid66x\n",                         # the owner must start the word
    f'dbpassword = "{SHORT}"\n',                           # long keywords: still drawn only
    f'dbauth = "{LONG}"\n', f'x.rootauth = "{LONG}"\n',     # only `pass` / `pwd` take an owner
])
def test_other_glued_pass_words(text: str) -> None:
    kept(text)


def test_an_existing_secrets_name_is_no_secret() -> None:
    kept("existingSecret: db-credentials-v2\n")
    kept(f'existing_secret = "{LONG}"\n')


@pytest.mark.parametrize("text", [
    f"STRIPE_WEBHOOK_SIGNING={LONG}",
    f"SLACK_SIGNING={LONG}",
    f'JWT_SIGNING: "{LONG}"',
    f"export WEBHOOK_HMAC={LONG}",
    f"PASSWORD_SALT={LONG}",
    f"github_webhook_signing = '{LONG}'",
    f"hmac: {LONG}",
    f"salt={LONG}",
    f"stripeSigning={LONG}",                  # a hump joins them
    f"webhookHMAC={LONG}",
    f"x_aHmac={LONG}",
])
def test_signing_hmac_and_salt_take_a_drawn_value(text: str) -> None:
    found(text, LONG)


@pytest.mark.parametrize("text", [
    "SIGNING_ALGORITHM=RS256",
    "SIGNING_METHOD=HS256",
    "HMAC_ALGO=sha256",
    "SALT_ROUNDS=12",
    f"SIGNING={SHORT}",                        # weak words: 16 random characters at least
    "salt = 'pepper-and-salt'",
    f"DESIGNING={LONG}",                      # a word running on into the keyword
    f"basalt={LONG}",
    f"SaltStack={LONG}",                       # the keyword running on into a word
    f"signingAlgorithm={LONG}",
    f"user.signingkey={LONG}",                 # git's key id or public key file
])
def test_settings_named_by_signing_hmac_or_salt_stay(text: str) -> None:
    kept(text)


@pytest.mark.parametrize("text", [
    'EXCLUDED = ["EXPAND", "EXPASS", "*EXPORT", "EXPROFILE"]',
    "['opaqueCMBufferQueueTriggerToken', 'sfntCMapEncoding', 'sfntCMapExtendedSubHeader']",
    'NAMES = [\n    "EXPAND",\n    "PASSWORD", "Passw0rd!x",\n]',
    'NAMES = ("password", "Tr0ub4dor&3x", "other")',
    '[\\"EXPAND\\", \\"EXPASS\\", \\"*EXPORT\\"]',
])
def test_a_list_of_names_is_no_pair(text: str) -> None:
    kept(text)


@pytest.mark.parametrize("text,value", [
    ('data=[("username", "u"), ("password", "Walrus77!x")]', "Walrus77!x"),
    (f'setenv("API_TOKEN", "{LONG}", "User")', LONG),   # a call may go on
    (f'System.setProperty("X_TOKEN", "{LONG}")', LONG),
    (f'keys = ["a"]; pairs = {{"token", "{LONG}"}}', LONG),
])
def test_a_pair_opening_its_call_or_tuple_is_taken(text: str, value: str) -> None:
    found(text, value)


def test_the_element_before_is_looked_for_64_characters_back() -> None:
    for blanks, listed in ((30, True), (31, False)):
        text = f'X = ["EXPAND"{" " * blanks},{" " * 31}"EXPASS", "*EXPORT"]'
        assert text.index("EXPASS") - (text.index('D"') + 1) == 34 + blanks  # 64, 65
        if listed:
            kept(text)
        else:
            found(text, "*EXPORT")
