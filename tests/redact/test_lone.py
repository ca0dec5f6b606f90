"""`redact/lone.py`: which names call a value a secret, and which values a name alone makes
secret (look-alikes a trace needs stay), with exact verdicts."""

from __future__ import annotations

import pytest

from cctrace.redact.lone import (
    TEXT_B64,
    is_password_word,
    lone_value,
    names_secret,
    public_key_before,
    secret_word,
)


@pytest.mark.parametrize("name,word", [
    ("DB_PASSWORD", "password"), ("db password", "password"), ("Password", "password"),
    ("**Password**", "password"), ("`api_token`", "token"), ("master-key.txt", "key"),
    ("key.pem", "key"), ("key.tar.gz", "key"), ("signingKey", "key"), ("MyKey", "key"),
    ("apikey", "key"), ("privkey", "key"), ("secret-key", "key"), ("HMAC_SECRET", "secret"),
    ("credentials", "credentials"), (".git-credentials", "credentials"), ("creds", "creds"),
    ("pg-pwd", "pwd"), ("smtp_passwd", "passwd"), ("passphrase", "passphrase"),
    ("AUTH", "auth"), ("db_pass", "pass"), ("accesskey", "key"), ("secretkey", "key"),
    ("masterkey", "key"), ("signkey", "key"), ("API Key", "key"),
    # the name goes on past its secret word: it names something about the secret
    ("password_policy.md", ""), ("token expiry", ""), ("password hash", ""),
    ("secret_name", ""),
    # the word runs on into another word, or another word runs into it
    ("keyboard", ""), ("monkey", ""), ("hotkey", ""), ("tokenizer", ""), ("passport", ""),
    ("bypass", ""), ("author", ""), ("oauth", ""), ("compass", ""),
    # plurals count things
    ("tokens", ""), ("keys", ""), ("secrets", ""), ("passwords", ""),
    ("", ""), ("id", ""), ("git-commit.txt", ""),
    # what surrounds a name is stripped before case is read: `Xkey` is one word
    ("Xkey", ""), ("*Xkey*", ""), ("`signingKey`", "key"), ("'Password'", "password"),
    # an acronym ends before a capitalised word (probes-9): SMTP, Password
    ("SMTPPassword", "password"), ("APIToken", "token"), ("DBPass", "pass"),
    ("MONKEY", ""), ("HTTPSecretary", ""),
])
def test_names_secret(name: str, word: str) -> None:
    assert names_secret(name) == word


@pytest.mark.parametrize("text,word", [
    ("I've added `API_KEY` to your `.env`", "key"),
    ("the webhook secret is now", "secret"),
    ("set DB_PASSWORD to", "password"),
    ("secrets/pg-password.txt", "password"),   # a plural is skipped, the next word counts
    ("tokens used: 1200, keys: 3", ""),
    ("the tokenizer and the keyboard", ""),
    ("update the token count", "token"),
    ("the signingKey is", "key"), ("a dbPassword here", "password"),
    ("myTokenizer", ""),
    ("", ""),
])
def test_secret_word(text: str, word: str) -> None:
    assert secret_word(text) == word


def test_password_words() -> None:
    assert [w for w in ("password", "passwd", "passphrase", "pwd", "pass", "secret", "token",
                        "key", "credentials", "creds", "auth", "credential")
            if is_password_word(w)] == ["password", "passwd", "passphrase", "pwd", "pass"]


SHA = "3f4e5d6c7b8a99887766554433221100aabbccdd"
SHA256 = "9b" * 32


@pytest.mark.parametrize("value,password,context,ok", [
    # chosen passwords: only under a password name
    ("Rocket6998-", True, "", True), ("Harbor*498", True, "", True),
    ("maple&438", True, "", True), ("Coffee7411.", False, "", True),  # 3 classes
    ("coffee74", False, "", False), ("coffee74", True, "", True),
    ("Coffee74", False, "", True),   # exactly 3 classes
    ("k3j9x2m8q7w4", False, "", True),  # 12 characters read as drawn, 2 classes
    # drawn tokens: under any secret name
    ("9f8Xk2LmQ7pZ3vW1", False, "", True), ("444b0ea9be32eaa6", False, "", True),
    ("J0inkwzmMwXSu1IAcpc6FH3jTag7BVZo1AB0/FKj", False, "", True),
    # SHA-length hex: a key, unless the text speaks of commits or digests
    (SHA, False, "| secret |", True), (SHA, False, "pinned the commit to", False),
    (SHA, False, "the sha of", False), (SHA, False, "its checksum is", False),
    (SHA, False, "git rev-parse HEAD", False), (SHA256, True, "password", True),
    (SHA256, True, "the image digest", False), (SHA.upper(), False, "", True),
    # never: look-alikes a trace needs
    ("123e4567-e89b-42d3-a456-426614174000", False, "", False),
    ("sha256:" + SHA256, False, "", False), ("sha512-AbCdEf0123456789+/AbCd==", True, "", False),
    ("2024-01-01", True, "", False), ("2024-01-01T10:00:00Z", True, "", False),
    ("v1.2.3", True, "", False), ("1.24.0-rc1", True, "", False),
    ("482193", True, "", False), ("10,000.50", True, "", False),
    ("n/a", True, "", False), ("changeme", True, "", False), ("<password>", True, "", False),
    ("${DB_PASSWORD}", True, "", False), ("op://prod/stripe/secret-key", True, "", False),
    ("********", True, "", False), ("production", True, "", False),
    ("handlePaymentIntentSucceededWebhook", True, "", False),
    ("SERVICE_TOKEN", True, "", False), ("config/prod.yaml", True, "", False),
    ("deploy/keys/app.pem", True, "", False), ("./certs/client-key.pem", True, "", False),
    ("/etc/app/config/production.yaml", True, "", False),
    ("os.environ['DB_PASSWORD']", True, "", False),
    # base64 of ordinary text stays; of random bytes it is a key
    ("V2VsY29tZSB0byB0aGUgc3RhZ2luZw==", False, "", False),
    ("eyJraW5kIjoiZmVhdHVyZSJ9", True, "", False),
    ("z6sGKkyDIz84QxvY", False, "", True),
    # hex of 16+ with letters and digits: a key under any secret name
    ("8a0af88fed002778", False, "", True), ("aaaaaaaaaaaaaa1", False, "", False),
    ("aaaaaaaaaaaaaaa1", False, "", True),
    ("8a0af88fed002778", True, "", True), ("1234567890123456", False, "", False),
    ("deadbeefcafebabe", False, "", False), ("8A0AF88FED002778", False, "", True),
])
def test_lone_value(value: str, password: bool, context: str, ok: bool) -> None:
    assert lone_value(value, password, context) is ok


def test_lone_value_lengths() -> None:
    assert TEXT_B64 == 16
    assert lone_value("Ab3$e", True, "") is False
    assert lone_value("Ab3$ef", True, "") is True
    random_512 = ("aZ3" + "qW8" + "x") * 73 + "k"
    assert len(random_512) == 512
    assert lone_value(random_512[:-1] + "Q", True, "") is True
    assert lone_value(random_512 + "Q", True, "") is False
    # 15 characters of base64 decoding to text are taken as drawn; 16 as encoded text
    assert lone_value("aGVsbG8gd29ybGQ", True, "") is True
    assert lone_value("aGVsbG8gd29ybGQh", True, "") is False


# probes-7: "password" in the languages a header or label is written in.
@pytest.mark.parametrize("name,word", [
    ("Passwort", "passwort"), ("Kennwort", "kennwort"), ("Wachtwoord", "wachtwoord"),
    ("Contraseña", "contraseña"), ("contrasena", "contrasena"), ("Senha", "senha"),
    ("Hasło", "hasło"), ("haslo", "haslo"), ("Lösenord", "lösenord"), ("Salasana", "salasana"),
    ("Adgangskode", "adgangskode"), ("DB_PASSWORT", "passwort"), ("**Passwort**", "passwort"),
    # the same rules as the English words: running on, plural or about the password
    ("Passwort-Richtlinie", ""), ("Passworte", ""), ("Senhas", ""), ("parola", ""),
    ("clave", ""), ("mot de passe", ""),
])
def test_names_secret_in_other_languages(name: str, word: str) -> None:
    assert names_secret(name) == word
    assert is_password_word(word) == bool(word)


# mutation-9: the word before the `key` ending `text` that makes it no secret, in the window
# it is looked for in (16 characters: the longest word, `idempotency`, and 4 blanks fit).
@pytest.mark.parametrize("text,public", [
    ("primary key", True),                  # at the text's start: the window starts at 0
    ("Primary Key", True), ("public\tkey", True), ("sort  key", True),
    ("the idempotency    key", True),       # 11 letters and 4 blanks: the widest match
    ("the idempotency     key", False),     # 5 blanks
    ("the api key", False), ("publickey", False), ("the key", False), ("key", False),
    ("primary key and the api key", False),  # only the word right before this `key`
])
def test_public_key_before(text: str, public: bool) -> None:
    assert public_key_before(text, len(text) - 3) is public
