"""The stop list, value by value: placeholders, code references, and the shape gates.

`redact.stoplist` keeps the generic detectors from taking `changeme`, `${VAR}`,
`os.environ[...]` or `self.token` for secrets, and decides with entropy and character
classes whether a value found only by its key name is one. Each case asserts the exact
answer on one side of one rule or threshold (lengths 6/8/12/512/4096, entropy 2.5/3.0/3.5,
classes 2/3), so a moved bound or a dropped pattern fails here. The mutation run
(`bench/mutation.py -m redact.stoplist`) starts with this file.
"""

from __future__ import annotations

import random

import pytest

from cctrace.redact import stoplist as S
from cctrace.redact.detectors.base import char_classes, shannon_entropy
from cctrace.redact.randomness import looks_random


@pytest.mark.parametrize("value", [
    "", "  ", '""', "changeme", "  changeme  ", "`password`", "'token'", "CHANGEME",
    "Xexample9Q", "Xplaceholder9Q", "abcREDACTED9", "ab1xxxxx", "dummy123",
    "os.environ['X']", "os.getenv('X')", "getpass()", "ENV.x", "(env)",
    "$VAR", "${VAR}", "${VAR:-x}", "$VAR-default", "$VAR}", "$(cmd)", "%VAR%",
    "<password>", "<123>", "< your key >",
    "pass>", "[PASSWORD]", "{{ secret }}", "{% x %}", "{password}", "%(password)s",
    "%(TOKEN_2)s", "%s", "%d", "qqqq", "****", "x.x", "-_#", "xxx9", "...9",
    "process.env.X", "import.meta.env.X", "ENV[1]", "System.getenv", "secrets.X",
    "vault:x", "keyring", "[REDACTED:x]", "your_token", "my-secret", "the_key",
    "op://vault/x", "azurekeyvault://x", "mykms://x", "secretsmanager:prod/x", "ssm:/p",
    "arn:aws:iam::1", "arn:aws-cn:x", "${ssm:/path}", "${{ secrets.X }}", "$ABC_1",
    "secret/data/x", "kv/x", "vault/a.b", "ENC[AES]", "vault:v1:abc",
    "AgAabcdefghijklmnopqrstuvwxyz", "<div", "<!x", "</x", "<?x", "{abc",
    "The_Key", "YOUR_TOKEN", "yourtoken", "some-password", "an_api_key", "a-b",
    "apassword", "mypwd", "thesecret", "somecreds", "anauthcode", "mylogin", "yourusername",
    "thevalue", "yourkeyhere", "thetoken",
    # markdown emphasis around a placeholder: one or two of `*` / `_`, or `~~`
    "**required**", "*optional*", "__none__", "_changeme_", "~~secret~~", "**`<token>`**",
    # source text before a `&` (the parameters after it are not the value's)
    "{password!r}&x=1",
    # an environment variable read in Tcl (an expect script's `send "$env(PW)\r"`), Perl
    "$env(SSH_PASS)", "$ENV{DB_PASSWORD}", "$env(_x1)",
])
def test_placeholders(value: str) -> None:
    assert S.is_placeholder(value) is True


@pytest.mark.parametrize("value", [
    "Sx8!Ew3@Rt6#", "q8Zr2Lk9Vb4Nm7Xc1Pw6", "hunter2", "Xyour_key", "Kq8envZr2Lk9",
    "xx9", "<1", "a<b>", "[pass!]", "{{x}", "AgA123", "secret/x y", "arn:azure:x", "vault",
    "ENC(x)", "%(x)q", "%x", "1>2<", "a:b",
    "`cmd`",                                  # quotes and backticks are stripped first
    # upper-case runs that merely start with A / AN / MY / THE (an AWS key id, drawn keys)
    "AKIAPTTDYTBNOXPQPWJC", "MYZQKXWPLMNB", "THEQZKXWPLMN", "ANQZKXWPLMNB",
    # lower-case words that merely start with a / an / my / some / the / your: glued to
    # the article they must name a credential to be a placeholder
    "avalanche", "andromeda", "mystery", "therapy", "someday", "yourself", "mylittlepony",
    # emphasis around a password is still a password; unmatched or mixed markers are no
    # emphasis (`***x***` is a mask, `~x~` no emphasis)
    "**Kx9mQ2vL7pW4**", "*required", "**required*", "*required_", "~required~",
    # a value not cut at `&` runs on into parameters that are source text: only the part
    # before the `&` is asked
    "Xk9mQ2vL7pW4&url=#{url}",
    "$env(PW)x", "$env(1PW)", "$ENV(PW)", "x$env(PW)",
])
def test_not_placeholders(value: str) -> None:
    assert S.is_placeholder(value) is False


# Words for a secret in the languages docs are written in, alone or joined by `-_.$:+ `:
# the value names what it stands for (urllib's docstring: `passwd='geheim$parole'`).
@pytest.mark.parametrize("value", [
    "passwort", "Kennwort", "geheim", "geheim$parole", "motdepasse", "Schlüssel",
    "contraseña", "clave", "senha", "wachtwoord", "hasło", "пароль", "密码", "パスワード",
    "secret-password", "secret_password", "secret.key", "secret$password", "token:key",
    "pass+key", "secret  password", "SECRET_KEYS", "passphrase",
])
def test_words_for_a_secret_only(value: str) -> None:
    assert S.is_placeholder(value) is True


@pytest.mark.parametrize("value", [
    "geheim123", "Geheim!", "secret$tangerine", "tangerine-password", "passwort/geheim",
    "secret-", "-secret", "geheim,parole", "geheimnisvoll", "passworte", "parolen",
])
def test_words_for_a_secret_with_anything_else(value: str) -> None:
    assert S.is_placeholder(value) is False


@pytest.mark.parametrize("value, code", [
    ("(x)", True), ("[1]", True), ("{a}", True), ("a(b)", True), ("get_pw()", True),
    ("self.token", True), ("config.api_key", True), ("a[b]", True), ("a...", True),
    ("DEFAULT_TOKEN", True), ("x.y.z", True),
    ("s.ZC9Ecf4M5g9o34Q6RkzGsj0z", False),   # Vault: a dotted value with a drawn part
    ("config.O3U9224xf2Mv", False),          # a 12-character drawn part is drawn
    ("bjd.zEjfebzJ6sZW", True),              # dotted: judged part by part, not as a name
    ("Kq8Zr2Lk9Vb4Nm7X", False), ("Xq8Zr2Lk9Vb4Nm7K", False), ("9abc", False),
    ("-x", False), ("a-b", False),
])
def test_looks_like_code(value: str, code: bool) -> None:
    assert S.looks_like_code(value) is code


def _at_mean_five(rng: random.Random) -> str:
    """512 characters whose letter runs average exactly 5 (drawn by the gate), ending in
    a run of 5 letters that one more lower-case letter makes 6 (then not drawn)."""
    cons = "bcdfghjklmnpqrstvwxz"

    def run() -> str:
        return rng.choice(cons.upper()) + "".join(rng.choice(cons) for _ in range(4))

    return "".join(run() + rng.choice("123456789") for _ in range(84)) + "739" + run()


AT512 = _at_mean_five(random.Random(8))
TOKEN16 = "Kq8Zr2Lk9Vb4Nm7X"
LONG4096 = (AT512 + "q" + TOKEN16 * 250)[:4096]


def test_the_long_value_cases_are_what_they_claim() -> None:
    assert len(AT512) == 512
    assert looks_random(AT512, 12) is True
    assert looks_random(AT512 + "q", 12) is False
    assert len(LONG4096) == 4096


@pytest.mark.parametrize("value, quoted, min_len, secret", [
    # past 512 characters only a quoted run of token characters, judged on its first 512
    (AT512 + "q" + TOKEN16 * 10, True, 8, True),
    # (TOKEN16 repeated is not drawn, but has entropy 4.0 and 3 classes)
    (TOKEN16 * 32, False, 8, True), (TOKEN16 * 32 + "Z", False, 8, False),
    (TOKEN16 * 32 + "Z", True, 8, False),
    (LONG4096, True, 8, True), (LONG4096 + "Z", True, 8, False),
    (AT512 + "q" + TOKEN16 + " Z", True, 8, False),
    # the minimum length
    ("Sx8!Ew3@Rt6#", True, 12, True), ("Sx8!Ew3@Rt6#", True, 13, False),
    ("changeme", True, 6, False),
    # digits only: 12+ and entropy 2.5+ (exactly 2.5 here: counts 4, 4, 2, 2, 2, 2)
    ("0000111122334455", True, 8, True), ("000011112233445", True, 8, False),
    ("00001111222233", True, 8, False), ("98237465019", True, 8, False),
    ("982374650192", True, 8, True),
    # unquoted code is not a secret; quoted it is judged by shape
    ("DEFAULT_TOKEN", False, 8, False), ("self.token", False, 8, False),
    # entropy 3.5 exactly with two classes (8 singles, 4 doubles of 16)
    ("aabbccddefgh1234", True, 8, True),
    # entropy 2.5 exactly with three classes; with two it is not enough
    ("aaaaBBBB11223344", True, 8, True), ("aaaabbbb11223344", True, 8, False),
    ("hunter22", True, 8, False), ("Passw0rd!", True, 8, True),
    ("ba4142cdb3d4", True, 8, True),         # drawn at 12; entropy 2.86 and 2 classes
])
def test_plausible_secret(value: str, quoted: bool, min_len: int, secret: bool) -> None:
    assert S.plausible_secret(value, quoted, min_len) is secret


def test_the_default_minimum_length_is_8() -> None:
    assert S.plausible_secret("Sx8!Ew3@", True) is True
    assert S.plausible_secret("Sx8!Ew3", True) is False


def test_the_entropy_cases_sit_on_their_bounds() -> None:
    assert shannon_entropy("0000111122334455") == 2.5
    assert shannon_entropy("aabbccddefgh1234") == 3.5
    assert (shannon_entropy("aaaaBBBB11223344"), char_classes("aaaaBBBB11223344")) == (2.5, 3)
    assert shannon_entropy("ba4142cdb3d4") < 3.0
    assert shannon_entropy("hunter2x") == 3.0


@pytest.mark.parametrize("value, ref", [
    # paths and URLs, unless drawn (then whatever the rest says)
    ("/home/user/project", "path"), ("~/x", "path"), ("../up", "path"),
    ("C:\\Users\\me", "path"), ("https://x.example/token", "path"),
    ("./7038J1ta6s", ""), ("x9/ab", ""),
    # code with a call, subscript or dotted path: each of `.`, `(`, `[` alone
    ("a.b", "call"), ("get_pw()", "call"), ("cfg[0]", "call"), ("self.tokenX9", "call"),
    # bare identifiers; drawn strings are no code
    ("DEFAULT_TOKEN", "name"), ("hunter2hunter2", "name"), ("Kq8Zr2Lk", ""),
    ("s.ZC9Ecf4M5g9o34Q6RkzGsj0z", ""),
])
def test_bare_reference(value: str, ref: str) -> None:
    assert S.bare_reference(value) == ref


@pytest.mark.parametrize("value, env, secret", [
    ("abc12", True, False), ("Kq8Zr2", True, True), ("Kq8Zr2", False, False),
    ("Kq8Zr2Lk", False, True), (TOKEN16 * 32, True, True), (TOKEN16 * 32 + "Z", True, False),
    ("changeme123", True, False),
    # paths and URLs are kept unless drawn (12 characters is enough to be drawn)
    ("/home/user/project", True, False), ("./7038J1ta6s", True, True),
    ("https://x.example/token", True, False),
    # code: never in prose/config (env False); in env lines only without `.([`
    ("DEFAULT_TOKEN", False, False), ("XYUNTV_CJT", True, True), ("XYUNTV_CJT", False, False),
    ("self.tokenX9", True, False), ("get_pw()", True, False),
    ("ba4142cdb3d4", False, True),           # drawn at 12, entropy under 3.0, 2 classes
    ("aaaaBBBB11223344", True, True),        # entropy exactly 2.5 with 3 classes
    ("aaaabbbb11223344", True, False),
    ("hunter2x", True, True),                # entropy exactly 3.0 (8 distinct), 2 classes
    ("hunter2h", True, False), ("hunter2H", True, True),
])
def test_unquoted_secret(value: str, env: bool, secret: bool) -> None:
    assert S.unquoted_secret(value, env) is secret


@pytest.mark.parametrize(("value", "public"), [
    ("AAAAC3NzaC1lZDI1NTE5AAAAIGmF2Sk7fQ0y9aQ1rY8m6bXjR8Qf1vYk3cZ0Ez5nX2pL", True),  # ed25519
    ("AAAAB3NzaC1yc2EAAAADAQABAAABAQC7", True),                                       # rsa
    ("AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAI", True),                                   # ecdsa
    ("AAAAGnNrLXNzaC1lZDI1NTE5QG9wZW5zc2guY29t", True),                              # sk-ssh
    ("AAAAk3J9xQ2mZ7vL5pW8rT1y", False),         # AAAA, then no type name
    ("BAAAC3NzaC1lZDI1NTE5AAAAIGmF", False),     # not the length's zero bytes
    ("AAAA!!!!", False),                         # not base64
    ("AAAA!!!!C3NzaC1lZDI1NTE5AAAA", False),     # base64 only once the `!`s are dropped
    ("AAA", False),
])
def test_ssh_public_key(value: str, public: bool) -> None:
    assert S.ssh_public_key(value) is public
