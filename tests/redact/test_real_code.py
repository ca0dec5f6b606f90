"""Code and text nobody here wrote (`python bench/redaction_realcode.py`): the syntax that
made the redactor take source text for a secret, kept, and the same syntax holding a real
secret, still redacted.

The general causes (each a rule on the value's shape or on its syntax, not on one line):
type annotations and CamelCase type names (`randomness.type_name`), a value naming its own
key (`x=x`, `_Key = Key`, `X = mod.X`), scoped names (`a::Pass::b`), expressions and
sentences after an unquoted value, format fields, regex source, variable references,
markup, generic types, number literals, versions (`stoplist.source_text`), words after
`key is` / `token is`, quantities, dates after `pin`, method calls named `password(`,
flags named in a sentence, URL passwords of 1-3 characters, digests labelled by their
algorithm (`randomness.is_digest`), upper-case constant names beside a service's name
(`randomness.constant_name`) and a Facebook-shaped run inside a base64 blob.

Kept texts come back byte-identical; redacted ones lose the secret and every 12-character
piece of it (`support.absence`).
"""

from __future__ import annotations

import base64
import hashlib

import pytest

from cctrace.redact.randomness import constant_name, is_digest, type_name
from support.absence import assert_absent

# Values made up here, shaped as their kind is issued or chosen.
PW = "Xk9#mQ2$vL"
GHP = "ghp_" + "R7b2Kq9TzW4mXc8VnLp3Hs6Jd1Fy5Ga0Qe2U"  # shape only; the CRC may not verify
STRIPE = "sk_live_" + "4eC39HqLyjWDarjtT1zdp7dc"
TOKEN = "k3J9xQ2mZ7vL5pW8rT1yHb4N"
SHA = hashlib.sha256(b"cctrace").hexdigest()
B64 = base64.urlsafe_b64encode(hashlib.sha256(b"record").digest()).decode().rstrip("=")

KEPT = [
    # type annotations and signatures
    "    private_key: PrivateKeyKinds | None,",
    "    signing_key: LedgerSigningKeyKinds,",
    "    def step(self, shrink_pass: ShrinkPass, *, order: bool = False) -> bool:",
    "    def emit(self, credential: creds.StoredCredential):",
    "        wrapped_key: kem.MLKEM768PublicKey,",
    "    def set_password(self, service: str, username: str, password: str) -> None:",
    # references to names: the value names its own key
    "MLKEM768X25519PrivateKey = rust_backend.hpke.MLKEM768X25519PrivateKey",
    "_DSAPrivateKey = DSAPrivateKey",
    "DSAPrivateKeyWithSerialization = DSAPrivateKey",
    "        lexer_token_rules=lexer_token_rules,",
    # scoped names (C++, Rust, Perl)
    "  using llvm::Pass::doFinalization;",
    "    stop_token::_Stop_state_ref _M_state;",
    "            'Test2::Event::Pass'    => '1.302199',",
    "    'Pod::Simple::PullParserEndToken'=> 'https://example.org/issues',",
    # generic types, expressions, number literals, versions and OIDs
    "struct CountPass : PassInfoMixin<CountPass> {",
    "    using _Token = __use_future_ct<decay_t<_Func>, _Alloc>;",
    "    SEC_ERROR_BAD_PASSWORD = SEC_ERROR_BASE + 15,",
    "   VKI_CAM_PASS_ERR_RECOVER    = 0x00010000,/* recovery */",
    "const OID_MESSAGE_DIGEST_KEY = '1.2.840.113549.1.9.4';",
    "    last_pass_time => '1219328376.07815',",
    "# jmx.password.toHashes = true|false",
    # format fields
    '        print(f"password={password!r}")',
    "        f'Credential={key}/{scope}, '",
    "            prompt = f'password for {user}@{realm} for {uri}: '",
    '    api_key = f"{base}"',
    "    secret_token = '%(token_name)s'",
    # regex source
    "    key_or_pass = r'(?:key|pwd|password|pass|token)'",
    "    secret = r'([a-z0-9]{64})'",
    "    password = r'([a-f0-9]{48}(?![a-f0-9]))'",
    # variable references and markup (Perl, PHP, shell)
    "  $self->callback(pass => $opt{password}) if exists $opt{password};",
    '        $PASSWORD = $CPAN::Config->{password} || "";',
    "        $pass = !$pass;",
    "secret = $insta::secret # pass:insta",
    "Authenticate as C<$user> with password C<$pass>.",
    "    s/&/ucfirst(lc($pw->name))/ge;",
    # prose: the "value" is an ordinary word, a quantity, a date, a flag's name
    "    provided). The key is lower-case and underscores are used",
    "     * This routine returns TRUE if this token is write-protected.",
    " * function returns failure and the value at *destKey is un-changed.",
    " * the maximum length of cookie key is 255. The volume key",
    "\t__be16 key;\t/* GRE key is 32bit, PPtP only uses 16bit */",
    "            \"Key is password-protected, but password was not provided.\"",
    "# Max number of login retries if password is bad. This will most likely be",
    " * @ATTR_SAE_PASSWORD: attribute for passing SAE password material. It",
    ' *   log_verbose("PASS: MessageFormat successful on Select test#1");',
    "// pin : 2014-12-18 Amazon Registry Services, Inc.",
    "        --username and --password options instead of via the URL.",
    "    \"\"\"Load and return a library identified by 'name'.",
    "    const password = await read.password('Password:', creds.password)",
    "    const current = await readUserInfo.password('Current password: ')",
    "const password = new Password('r0sebud');",
    "const options = new URL('https://abc:xyz@example.com');",
    "// Prints https://a:b@xn--g6w251d/?abc#foo",
    '"kadmin/dbutil", "kadmin/passwd", "kadmin/server", "lib/kadm5", and',
    '  "PWD": "/home/nodeuser/project/node",',
    # digests labelled as such, constants beside a service's name
    f"pkg/openai_attributes.py,sha256={B64},1982",
    f"detect_secrets/plugins/stripe.py,sha256={B64},1024",
    f"ARG SECRETSTORAGE_SHA256={SHA}",
    f'  "requests": {{"checksum": "{SHA}"}},',
    "#define V4L2_COLORSPACE_ADOBERGB V4L2_COLORSPACE_OPRGB",
]


@pytest.mark.parametrize("text", KEPT)
def test_source_text_is_kept(redactor, text):
    assert redactor.explain(text) == []
    assert redactor.redact_text(text) == text


# The same syntax holding a real secret: still redacted.
REDACTED = [
    (f'password: str = "{PW}"', PW),
    (f'    def login(self, password: str = "{PW}") -> None:', PW),
    (f"token: \"{GHP}\"", GHP),
    (f'api_key = "{STRIPE}"', STRIPE),
    (f"    private_key: {TOKEN},", TOKEN),
    (f"API_TOKEN={TOKEN} && ./deploy.sh", TOKEN),
    (f"DB_PASSWORD={PW} + extra", PW),
    (f"password = '{PW}'", PW),
    (f"    secret = r'{TOKEN}'", TOKEN),
    (f"the key is {TOKEN}.", TOKEN),
    (f"the db password is {PW}.", PW),
    (f"mysql --password {PW} -h db", PW),
    (f"postgres://admin:{PW.replace('#', 'h').replace('$', 'd')}@db.internal:5432/app",
     PW.replace("#", "h").replace("$", "d")),
    (f"CREATE USER app IDENTIFIED BY '{PW}';", PW),
    (f"stripe_key: {STRIPE}", STRIPE),
    (f"STRIPE_KEY={TOKEN}", TOKEN),
    (f'  "PWD": "{PW}",', PW),
    ('  "PWD": "/x/Xk9mQ2vLp",', "/x/Xk9mQ2vLp"),  # a drawn path of 12: a password
    (f"    $pass = '{PW}';", PW),
    (f"    password => '{PW}',", PW),
]


@pytest.mark.parametrize(("text", "secret"), REDACTED)
def test_same_syntax_with_a_secret_is_redacted(redactor, text, secret):
    assert_absent(secret, redactor.redact_text(text))


def test_facebook_token_inside_a_base64_blob_is_kept(redactor):
    body = "EAA" + "Bw3kZ9qLx2VnT8mRp4Hs6Jd1Fy5Ga0Qe2Uc7Wb" * 2
    blob = "AGFzbQEAAAAB" * 4 + "/" + body + "+AAAAB" * 3
    assert redactor.explain(blob) == []
    # The same token in a URL or alone is redacted.
    assert_absent(body, redactor.redact_text(f"curl 'https://graph.example/me?access_token={body}'"))
    assert_absent(body, redactor.redact_text(body))


@pytest.mark.parametrize(("value", "expected"), [
    ("PrivateKeyTypes", True), ("ShrinkPass", True), ("_DSAPrivateKey", True),
    ("MLKEM768PublicKey", True), ("PKCS12PrivateKeyTypes", True), ("Credential", True),
    ("Xk9mQ2vLp4", False),        # a lower-case run after a digit
    ("QmVwTxRyLoKeBa", False),    # Capitalized parts cut short, none of 4+ letters
    ("KxBBC3ooKFjOEb10Vc8Nt01SRNqISbjMEDR4iEw_", False),
    ("privateKeyTypes", False),   # a type name starts upper-case
    ("Private_Key", False),
    ("AbCdEfGhIjKlMnOp", False),
])
def test_type_name(value, expected):
    assert type_name(value) is expected


@pytest.mark.parametrize(("value", "expected"), [
    ("V4L2_COLORSPACE_OPRGB", True), ("SEC_ERROR_BASE", True),
    ("API_KEY", False),           # two parts
    ("V4L2_colorspace_OPRGB", False), ("_A_B_C", False), ("A_B_C_", False),
])
def test_constant_name(value, expected):
    assert constant_name(value) is expected


@pytest.mark.parametrize(("value", "expected"), [
    (f"sha256={B64}", True), (f"sha512-{B64}", True), (f"h1:{B64}=", True),
    (f"SHA256:{SHA}", True), (f"md5={B64[:22]}", True),
    (f"sha256={B64[:15]}", False),  # too short to be a digest
    (f"token={B64}", False), (f"sha256~{B64}", False),  # OpenShift's `sha256~` tokens
    (B64, False),
])
def test_labelled_digest(value, expected):
    assert is_digest(value) is expected


# Second round (the cloud SDK's Python): docstring field lists, JSONPath templates,
# annotations without blanks, subscripts and dict literals of constants, one argument per
# line, type names in lists, flags named in a sentence.
@pytest.mark.parametrize("text", [
    "    pageToken: Optional. A page token, received from a previous call.",
    "    password: Required. Input only. The password for the user.",
    "    seedPhraseSecret: Required. Immutable. Reference into the store.",
    "      'auth_provider_token_key': '{.accessToken}',",
    "    def secret_path(project: str,secret: str,secret_version: str,) -> str:",
    "    self.contents[CREDENTIAL_HELPER_KEY] = mappings_dict",
    "  return {CREDENTIAL_HELPER_KEY: registered_helpers}",
    "        passphrase=password_bytes,",
    "    'TKTokenKeychainKey', 'TKTokenPasswordAuthOperation', 'TKTokenSession',",
    '    "Cannot specify --password with empty --username."',
])
def test_second_round_kept(redactor, text):
    assert redactor.explain(text) == []


@pytest.mark.parametrize(("text", "secret"), [
    (f"    password: {PW}. Input only.", PW),           # not a word before the dot
    (f"    api_token: {TOKEN} A page token", TOKEN),
    (f"API_TOKEN={TOKEN}", TOKEN),
    (f"    headers[API_TOKEN] = '{TOKEN}'", TOKEN),
    (f"        passphrase='{PW}',", PW),
    (f"token={TOKEN},", TOKEN),                         # a log pair: no line end after
    (f"    'TKTokenKeychainKey', '{TOKEN}',", TOKEN),
    (f"  --password {PW} with", PW),
])
def test_second_round_secrets_redacted(redactor, text, secret):
    assert_absent(secret, redactor.redact_text(text))


@pytest.mark.parametrize(("value", "expected"), [
    ("ABCDEPrivateKey", True),    # an acronym of 5
    ("ABCDEFPrivateKey", False),  # 6: not an acronym
    ("PassKey", True),            # a 4-letter part counts: 4 of 7 letters
    ("PassAbYo", True),           # 4 of 8 letters: half exactly
    ("PassKeyBox", False),        # 4 of 10
    ("ABC123", False),            # no Capitalized part at all
    ("PassXk", False),            # `Xk`: no vowel
    ("PassStrengths", False),     # four consonants in a row
    ("FooBarBaz", False),         # no part of 4+ letters
])
def test_type_name_bounds(value, expected):
    assert type_name(value) is expected
